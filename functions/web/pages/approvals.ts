import { html } from 'hono/html';
import { maskName } from '../../core/masking.js';
import { formatYuan } from '../../core/money.js';
import { isSentBack } from '../../core/upload-window.js';
import type { ApprovalTask } from '../../data/approval-tasks.js';
import type { Campaign } from '../../data/campaigns.js';
import { beneficiaryKey, type BeneficiaryRecord } from '../../data/exclusions.js';
import type { LineRemoval } from '../../data/removals.js';
import type { Resubmission } from '../../data/resubmissions.js';
import { OUTCOME_NAMES, removalLineText, type DecidedTask } from '../audit-trail.js';
import { CHAIN_LINE_FORMAT } from '../chain-form.js';
import { fieldErrors, formatTime, layout, type Html } from './layout.js';

const STAGE_NAMES = { requested: '待审批', reminded: '已提醒', escalated: '已转代理审批人' } as const;

/** The chains form: the default chain, and any unit's own. */
export function chainsPage(user: string, campaign: Campaign, values: { default: string; units: Record<string, string> }, errors: Record<string, string[]> = {}, saved = false): Html {
  const area = (name: string, label: string, value: string) => html`<label for="${name}">${label}</label>
<textarea id="${name}" name="${name}">${value}</textarea>${fieldErrors(errors[name])}`;
  return layout(
    { title: `审批链设置：${campaign.name}`, user },
    html`${saved ? html`<p class="notice">审批链已保存，此后开始的审批按新设置进行。</p>` : ''}
<p><a href="/campaigns/${campaign.id}/approvals">返回审批进度</a></p>
<p class="hint">每行一级，按顺序审批：${CHAIN_LINE_FORMAT}。例如：街镇审核, a@example.cn; b@example.cn, c@example.cn, 3, 0.5</p>
<p class="hint">期限按工作日计算（含法定节假日和调休上班日）；到「提醒比例」时提醒审批人，超过期限转代理审批人。未单独设置的单位使用默认审批链；都未设置时，按活动表单中的审批人顺序审批。</p>
<form method="post" class="box">
${area('default', '默认审批链', values.default)}
${campaign.units.map((u, i) => area(`unit${i}`, `${u}（留空则使用默认审批链）`, values.units[u] ?? ''))}
<p><button type="submit">保存审批链</button></p>
</form>`,
  );
}

export interface ApprovalsView {
  user: string;
  campaign: Campaign;
  tasks: ApprovalTask[];
  resubmissions: Resubmission[];
  decisions: DecidedTask[];
  /** Lines removed from sent-back lists, oldest first. */
  removals: LineRemoval[];
  /** Each sent-back unit's lines still in its list. */
  lines: Record<string, SentBackLine[]>;
  /** The units whose corrected files may be uploaded now. */
  openUnits: string[];
  notice?: string;
}

/** What the page shows of a sent-back list's line. */
export const SENT_BACK_LINE_FIELDS = ['projectCode', 'idHash', 'name', 'idMasked', 'amountFen', 'row'] as const;
export type SentBackLine = Pick<BeneficiaryRecord, (typeof SENT_BACK_LINE_FIELDS)[number]>;

const taskState = (t: ApprovalTask) => (t.decision ? OUTCOME_NAMES[t.decision.outcome] : t.taskToken ? STAGE_NAMES[t.stage] : '准备中');

/** Where each unit's list stands in its chain, the lists to resubmit, and the audit trail. */
export function approvalsPage(v: ApprovalsView): Html {
  const waiting = v.resubmissions.filter(isSentBack);
  return layout(
    { title: `审批进度：${v.campaign.name}`, user: v.user },
    html`${v.notice ? html`<p class="notice">${v.notice}</p>` : ''}
<p><a href="/campaigns/${v.campaign.id}">返回活动</a> · <a href="/campaigns/${v.campaign.id}/chains">审批链设置</a></p>
${waiting.length
    ? html`<h2>待重新提交的名单</h2>
${waiting.map((r, i) => html`<div class="box">
<p><b>${r.unit}</b> 第 ${r.round} 轮被${r.outcome === 'returned' ? '退回修改' : '退回'}（${formatTime(r.sentBackAt)}）：${r.reason}</p>
${removalForm(v, r, i)}
${v.openUnits.includes(r.unit) ? correctionForm(v.campaign, r, i) : ''}
<form method="post" action="/campaigns/${v.campaign.id}/approvals/resubmit">
<input type="hidden" name="unit" value="${r.unit}"><input type="hidden" name="round" value="${r.round}">
<label for="note${i}">修改说明</label><textarea id="note${i}" name="note" maxlength="500" required></textarea>
<p><button type="submit">重新提交（从第一级重新审批）</button></p>
</form>
</div>`)}`
    : ''}
${v.removals.length
    ? html`<h2>退回后移出名单的人员</h2>
<table>
<tr><th>时间</th><th>单位</th><th>轮次</th><th>人员</th><th>原因</th><th>操作人</th></tr>
${v.removals.map((r) => html`<tr><td>${formatTime(r.at)}</td><td>${r.unit}</td><td class="num">${r.round}</td><td>${removalLineText(r)}</td><td>${r.reason}</td><td>${r.by}</td></tr>`)}
</table>`
    : ''}
<h2>各单位名单审批</h2>
${v.tasks.length
    ? html`<table>
<tr><th>单位</th><th>轮次</th><th>级次</th><th>审批人</th><th>代理审批人</th><th>提醒时间</th><th>期限</th><th>状态</th></tr>
${v.tasks.map((t) => html`<tr><td>${t.unit}</td><td class="num">${t.round}</td><td>${t.step}/${t.steps} ${t.stepName}</td><td>${t.approvers.join('，')}</td><td>${t.deputy}</td><td>${formatTime(t.reminderAt)}</td><td>${formatTime(t.deadlineAt)}${t.unknownYears.length ? '（节假日未收录，按周末计）' : ''}</td><td>${taskState(t)}</td></tr>`)}
</table>`
    : html`<p class="muted">「部署」阶段启动后，各单位名单在此显示审批进度。</p>`}
<h2>审批记录</h2>
<p><a href="/campaigns/${v.campaign.id}/approvals/audit.csv">导出 CSV</a> · <a href="/campaigns/${v.campaign.id}/approvals/audit.xlsx">导出 Excel</a></p>
${v.decisions.length
    ? html`<table>
<tr><th>时间</th><th>单位</th><th>轮次</th><th>级次</th><th>审批人</th><th>决定</th><th>原因</th><th>链接编号</th><th>所见摘要 SHA-256</th></tr>
${v.decisions.map((t) => html`<tr><td>${formatTime(t.decision.at)}</td><td>${t.unit}</td><td class="num">${t.round}</td><td>${t.step}/${t.steps} ${t.stepName}</td><td>${t.decision.by}${t.decision.batch ? '（批量）' : ''}</td><td>${OUTCOME_NAMES[t.decision.outcome]}</td><td>${t.decision.reason ?? ''}</td><td><code>${t.decision.linkId}</code></td><td><code>${t.decision.summaryHash}</code></td></tr>`)}
</table>`
    : html`<p class="muted">尚无审批记录。</p>`}`,
  );
}

/** The sent-back list's lines (masked), to remove some with a reason. */
function removalForm(v: ApprovalsView, r: Resubmission, i: number): Html {
  const lines = [...(v.lines[r.unit] ?? [])].sort((a, b) => a.projectCode.localeCompare(b.projectCode) || a.row - b.row);
  if (!lines.length) return html`<p class="muted">该单位名单中已没有人员。</p>`;
  const projects = new Map(v.campaign.projects.map((p) => [p.code, p.name]));
  return html`<details><summary>名单共 ${lines.length} 人：选择要移出名单的人员</summary>
<form method="post" action="/campaigns/${v.campaign.id}/approvals/remove">
<input type="hidden" name="unit" value="${r.unit}"><input type="hidden" name="round" value="${r.round}">
<table>
<tr><th>移出</th><th>姓名</th><th>身份证号码</th><th>帮困项目</th><th>金额</th></tr>
${lines.map((b) => html`<tr><td><input type="checkbox" name="line" value="${beneficiaryKey(b)}" aria-label="移出 ${maskName(b.name)}"></td><td>${maskName(b.name)}</td><td>${b.idMasked}</td><td>${b.projectCode} ${projects.get(b.projectCode) ?? ''}</td><td class="num">${formatYuan(b.amountFen)}</td></tr>`)}
</table>
<label for="reason${i}">移出原因</label><textarea id="reason${i}" name="reason" maxlength="200" required></textarea>
<p><button type="submit">移出所选人员</button></p>
</form>
</details>`;
}

/** A corrected intake file for the sent-back unit: rows of other units are refused. */
const correctionForm = (campaign: Campaign, r: Resubmission, i: number): Html => html`<form method="post" action="/campaigns/${campaign.id}/uploads" enctype="multipart/form-data">
<label for="file${i}">上传${r.unit}修改后的名单（按录入模板填写；已入库的人按新文件更新，新增的人加入名单；其他单位的行不予接收）</label>
<input type="file" id="file${i}" name="file" accept=".xlsx,.csv" required>
<button type="submit">上传修改后的名单</button>
<p class="hint"><a href="/campaigns/${campaign.id}/template.xlsx">下载录入模板（Excel）</a></p>
</form>`;
