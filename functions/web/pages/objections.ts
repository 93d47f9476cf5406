import { html } from 'hono/html';
import { formatYuan } from '../../core/money.js';
import { MAX_POSTING_DAYS } from '../../core/posting.js';
import type { Campaign } from '../../data/campaigns.js';
import type { Objection } from '../../data/objections.js';
import type { Posting } from '../../data/postings.js';
import { formatTime, layout, type Html } from './layout.js';

/** What the reviewer needs of the line an objection names: who it is (unmasked, for the coordinator). */
export interface ObjectionView {
  objection: Objection;
  name?: string;
  idMasked?: string;
  project?: string;
  amountFen?: number;
}

const OUTCOME_NAMES = { upheld: '异议成立，已移出名单', dismissed: '异议不成立，已恢复' } as const;

const NOTICES: Record<string, string> = {
  resolved: '异议已处理。',
  'already-resolved': '该异议此前已处理，本次操作未重复处理。',
  'days-saved': '公示天数已保存，之后开始的公示按此天数计算。',
};

/** The coordinator's page: the campaign's postings and the objections to review. */
export function objectionsPage(view: { user: string; campaign: Campaign; days: number; postings: Posting[]; objections: ObjectionView[]; notice?: string }): Html {
  const { campaign } = view;
  const open = view.objections.filter((o) => o.objection.status === 'open');
  const done = view.objections.filter((o) => o.objection.status !== 'open');
  const notice = view.notice && Object.hasOwn(NOTICES, view.notice) ? NOTICES[view.notice] : undefined;
  return layout(
    { title: `公示与异议：${campaign.name}`, user: view.user },
    html`<p><a href="/campaigns/${campaign.id}">返回活动</a></p>
${notice ? html`<p class="notice">${notice}</p>` : ''}
<h2>公示天数</h2>
<form method="post" action="/campaigns/${campaign.id}/posting-days" class="box">
<label for="days">各单位名单公示天数（1–${MAX_POSTING_DAYS}天）</label>
<input type="text" id="days" name="days" inputmode="numeric" value="${view.days}">
<p><button type="submit">保存</button></p>
</form>
<h2>公示</h2>
${view.postings.length
    ? html`<table><tr><th>单位</th><th>公示期</th><th>状态</th><th class="num">人数</th><th>公示页面</th></tr>
${view.postings.map((p) => html`<tr><td>${p.unit}</td><td>${formatTime(p.openedAt)} 至 ${formatTime(p.endsAt)}</td>
<td>${p.status === 'open' ? '公示中' : `已结束：可审批 ${p.outcome?.approvable ?? 0}，暂缓 ${p.outcome?.held ?? 0}，移出 ${p.outcome?.removed ?? 0}`}</td>
<td class="num">${p.lineCount}</td><td><a href="/posting/${p.postingId}">查看</a></td></tr>`)}
</table>`
    : html`<p class="muted">尚无公示。</p>`}
<h2>待处理的异议（${open.length}）</h2>
${open.length ? open.map((o) => openObjection(campaign.id, o)) : html`<p class="muted">没有待处理的异议。</p>`}
<h2>已处理的异议（${done.length}）</h2>
${done.length
    ? html`<table><tr><th>单位</th><th>行</th><th>姓名</th><th>异议理由</th><th>处理结果</th><th>处理理由</th><th>处理人</th><th>处理时间</th></tr>
${done.map(({ objection: o, name }) => html`<tr><td>${o.unit}</td><td class="num">${o.n}</td><td>${name ?? o.nameMasked}</td><td>${o.reason}</td>
<td>${o.resolution ? OUTCOME_NAMES[o.resolution.outcome] : ''}</td><td>${o.resolution?.reason ?? ''}</td><td>${o.resolution?.by ?? ''}</td><td>${formatTime(o.resolution?.at)}</td></tr>`)}
</table>`
    : html`<p class="muted">暂无。</p>`}`,
  );
}

function openObjection(campaignId: string, view: ObjectionView): Html {
  const o = view.objection;
  return html`<div class="box">
<p><b>${o.unit}</b> 第${o.n}行：${view.name ?? o.nameMasked} ${view.idMasked ?? ''} · ${view.project ?? ''} ${view.amountFen === undefined ? '' : formatYuan(view.amountFen)}</p>
<p>异议理由：${o.reason}</p>
<p class="hint">提出时间：${formatTime(o.filedAt)}${o.contact ? html` · 联系方式：${o.contact}` : ''}</p>
<form method="post" action="/campaigns/${campaignId}/objections/${o.objectionId}/resolve">
<label for="reason-${o.objectionId}">处理理由</label>
<textarea id="reason-${o.objectionId}" name="reason" required></textarea>
<p><button type="submit" name="outcome" value="upheld">异议成立：移出名单</button>
<button type="submit" name="outcome" value="dismissed" class="secondary">异议不成立：恢复该行</button></p>
</form>
</div>`;
}
