import { html } from 'hono/html';
import { maskName } from '../../core/masking.js';
import type { Campaign } from '../../data/campaigns.js';
import type { FollowUp } from '../../data/follow-ups.js';
import { formatTime, layout, type Html } from './layout.js';

/** A case as the coordinator sees it: the person's name masked, never an ID number. */
export type FollowUpView = FollowUp & { name: string; project: string };

export const FOLLOW_UP_NOTICES: Record<string, string> = {
  closed: '案件已办结。',
  'already-closed': '该案件此前已办结，本次未重复办结。',
};

function caseRow(campaignId: string, f: FollowUpView): Html {
  return html`<div class="box">
<p><b>${maskName(f.name)}</b> · ${f.project} · ${f.reason}</p>
<p class="hint">${f.openedBy} 于 ${formatTime(f.openedAt)} 发现</p>
${f.status === 'closed'
    ? html`<p class="notice">已办结：${f.resolution}（${f.closedBy}，${formatTime(f.closedAt)}）</p>`
    : html`<form method="post" action="/campaigns/${campaignId}/follow-ups/close">
<input type="hidden" name="caseId" value="${f.caseId}">
<label for="resolution-${f.caseId}">核查结果与处理</label>
<input type="text" id="resolution-${f.caseId}" name="resolution" maxlength="500" required>
<p><button type="submit">办结</button></p>
</form>`}
</div>`;
}

/** The follow-up cases (异常核查) per unit, open ones first. */
export function followUpsPage(user: string, campaign: Campaign, cases: readonly FollowUpView[], notice?: string): Html {
  const units = [...new Set(cases.map((f) => f.unit))].sort();
  const open = cases.filter((f) => f.status === 'open').length;
  return layout(
    { title: `异常核查：${campaign.name}`, user },
    html`${notice && FOLLOW_UP_NOTICES[notice] ? html`<p class="notice">${FOLLOW_UP_NOTICES[notice]}</p>` : ''}
<p><a href="/campaigns/${campaign.id}">返回活动</a></p>
<p>电话回访发现的异常（未收到、金额不符）按单位核查：共 <b>${cases.length}</b> 件，待办结 <b>${open}</b> 件。</p>
${units.length
    ? units.map((unit) => {
      const mine = cases.filter((f) => f.unit === unit).sort((a, b) => (a.status === b.status ? a.openedAt.localeCompare(b.openedAt) : a.status === 'open' ? -1 : 1));
      return html`<h2>${unit}（待办结 ${mine.filter((f) => f.status === 'open').length} 件）</h2>${mine.map((f) => caseRow(campaign.id, f))}`;
    })
    : html`<p class="muted">暂无异常核查案件。</p>`}`,
  );
}
