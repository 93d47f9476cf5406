import { html } from 'hono/html';
import { formatYuan } from '../../core/money.js';
import type { ApprovalSummary } from '../../mail/messages.js';
import { fieldErrors, layout, messagePage, type Html } from './layout.js';

/**
 * The decision page. Opening it decides nothing; the form posts back to this page's own
 * address, so the link's credential is not written into the page.
 */
export function decisionPage(approver: string, s: ApprovalSummary, options: { reason?: string; error?: string } = {}): Html {
  return layout(
    { title: `审批：${s.campaignName}` },
    html`<p>审批人：${approver} · 第 <b>${s.step}</b>/${s.steps} 级审批</p>
<p>帮困名单共 <b>${s.beneficiaries}</b> 人，合计 <b>${formatYuan(s.totalFen)}</b>。</p>
<table>
<tr><th>帮困项目</th><th class="num">人数</th><th class="num">金额合计</th></tr>
${s.projects.map((p) => html`<tr><td>${p.name}</td><td class="num">${p.count}</td><td class="num">${formatYuan(p.totalFen)}</td></tr>`)}
</table>
<form method="post" class="box">
<p><button type="submit" name="decision" value="approve">同意</button></p>
<label for="reason">退回原因（选择退回时必须填写）</label>
<textarea id="reason" name="reason" maxlength="500">${options.reason ?? ''}</textarea>
${fieldErrors(options.error ? [options.error] : undefined)}
<p><button type="submit" name="decision" value="reject" class="secondary">退回</button></p>
<p class="hint">每个链接只能作出一次决定。</p>
</form>`,
  );
}

const OUTCOME_TEXT: Record<string, string> = {
  approved: '已同意',
  rejected: '已退回',
  closed: '提交时审批已关闭，决定未生效',
};

export const alreadyHandledPage = (outcome: string | undefined): Html =>
  messagePage('已处理', `此审批链接已经使用过${outcome && OUTCOME_TEXT[outcome] ? `（${OUTCOME_TEXT[outcome]}）` : ''}，无需再次操作。`);

export const decisionDonePage = (decision: 'approved' | 'rejected'): Html =>
  messagePage(
    decision === 'approved' ? '已同意' : '已退回',
    decision === 'approved' ? '您的审批意见（同意）已提交，谢谢。' : '您的审批意见（退回）及原因已提交，活动协调员会收到通知。',
  );

export const approvalClosedPage = (): Html =>
  messagePage('审批已关闭', '此项审批已不再等待决定（可能已超时或已由流程关闭），您的决定未生效。如有疑问，请联系活动协调员。');
