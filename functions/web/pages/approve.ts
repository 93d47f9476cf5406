import { html } from 'hono/html';
import { formatYuan } from '../../core/money.js';
import type { ApprovalTask, Outcome } from '../../data/approval-tasks.js';
import type { ShownDecision } from '../../steps/list-summary.js';
import { fieldErrors, formatTime, layout, messagePage, type Html } from './layout.js';

/** Another list the same approver may decide now, with the hash of its summary as shown. */
export interface PendingList {
  task: ApprovalTask;
  shown: ShownDecision;
  hash: string;
}

const summaryTable = (s: ShownDecision['summary']): Html => html`<p><b>${s.unit}</b>：帮困名单共 <b>${s.count}</b> 人，合计 <b>${formatYuan(s.totalFen)}</b>。</p>
<table>
<tr><th>帮困项目</th><th class="num">人数</th><th class="num">金额合计</th></tr>
${s.projects.map((p) => html`<tr><td>${p.name}</td><td class="num">${p.count}</td><td class="num">${formatYuan(p.totalFen)}</td></tr>`)}
</table>
${s.bySource?.length
    ? html`<table>
<tr><th>资金来源</th><th class="num">金额</th></tr>
${s.bySource.map((x) => html`<tr><td>${x.source}</td><td class="num">${formatYuan(x.totalFen)}</td></tr>`)}
</table>`
    : ''}`;

/** The key of a pending list in the batch form: unit, round and step. */
export const batchValue = (p: PendingList) => JSON.stringify([p.task.unit, p.task.round, p.task.step, p.hash]);

/**
 * The decision page. Opening it decides nothing; the form posts back to this page's own
 * address, so the link's credential is not written into the page. `seen` is the hash of the
 * summary shown, which the POST recomputes and compares.
 */
export function decisionPage(
  approver: string,
  page: { task: ApprovalTask; shown: ShownDecision; hash: string; others: PendingList[] },
  options: { reason?: string; error?: string; changed?: boolean } = {},
): Html {
  const { task, shown, hash, others } = page;
  return layout(
    { title: `审批：${shown.summary.campaignName}` },
    html`${options.changed ? html`<p class="errors">名单在您打开页面后有变化，决定未提交。请核对下方最新的名单后再作决定。</p>` : ''}
<p>审批人：${approver}</p>
<p>${shown.stepName} · 第 <b>${shown.step}</b>/${shown.steps} 级 · 第 ${shown.round} 轮</p>
${summaryTable(shown.summary)}
<p class="hint">审批期限：${formatTime(task.deadlineAt)}${task.unknownYears.length ? `（${task.unknownYears.join('、')}年节假日安排尚未收录，按周末计算）` : ''}${task.stage === 'escalated' ? ' · 已超期，已请代理审批人审批' : ''}</p>
<form method="post" class="box">
<input type="hidden" name="seen" value="${hash}">
<p><button type="submit" name="decision" value="approve">同意</button></p>
<label for="reason">退回原因（选择退回或退回修改时必须填写）</label>
<textarea id="reason" name="reason" maxlength="500">${options.reason ?? ''}</textarea>
${fieldErrors(options.error ? [options.error] : undefined)}
<p><button type="submit" name="decision" value="return" class="secondary">退回修改</button> <button type="submit" name="decision" value="reject" class="secondary">退回</button></p>
<p class="hint">每个链接只能作出一次决定。退回或退回修改后，名单回到单位，修改并重新提交后从第一级重新审批。</p>
</form>
${others.length
    ? html`<h2>您还有 ${others.length} 份名单待审批</h2>
${others.map((o) => html`<div class="box"><p>${o.shown.stepName} · 第 ${o.shown.step}/${o.shown.steps} 级 · 第 ${o.shown.round} 轮</p>${summaryTable(o.shown.summary)}</div>`)}
<form method="post" class="box">
<input type="hidden" name="seen" value="${hash}">
${others.map((o) => html`<input type="hidden" name="batch" value="${batchValue(o)}">`)}
<p><button type="submit" name="decision" value="approve-all">全部同意（共 ${others.length + 1} 份，含本页名单）</button></p>
<p class="hint">每份名单分别记录一条审批意见。</p>
</form>`
    : ''}`,
  );
}

const OUTCOME_TEXT: Record<string, string> = {
  approved: '已同意',
  rejected: '已退回',
  returned: '已退回修改',
  closed: '提交时审批已关闭，决定未生效',
  'already-decided': '此项审批此前已有决定',
};

export const alreadyHandledPage = (outcome: string | undefined): Html =>
  messagePage('已处理', `此审批链接已经使用过${outcome && OUTCOME_TEXT[outcome] ? `（${OUTCOME_TEXT[outcome]}）` : ''}，无需再次操作。`);

/** The task was decided already (through another link, or by another approver): nothing changes. */
export const taskDecidedPage = (outcome: Outcome, by: string): Html =>
  messagePage('已处理', `这份名单在此级已有决定（${OUTCOME_TEXT[outcome]}，${by}），无需再次操作。`);

export const decisionDonePage = (outcome: Outcome, units: string[] = []): Html =>
  messagePage(
    OUTCOME_TEXT[outcome],
    outcome === 'approved'
      ? `您的审批意见（同意）已提交，谢谢。${units.length > 1 ? `共 ${units.length} 份名单：${units.join('、')}。` : ''}`
      : '您的审批意见及原因已提交，名单将退回单位修改，活动协调员会收到通知。',
  );

export const approvalClosedPage = (): Html =>
  messagePage('审批已关闭', '此项审批已不再等待决定（可能已超时或已由流程关闭），您的决定未生效。如有疑问，请联系活动协调员。');

export const otherApproverPage = (): Html =>
  messagePage('无权使用此链接', '此审批链接属于另一位审批人，不能在您当前登录的账号下使用，未作任何更改。请审批人本人从自己的邮件中打开链接。');
