import ExcelJS from 'exceljs';
import { formatYuan } from '../core/money.js';
import type { ApprovalTask, TaskDecision } from '../data/approval-tasks.js';
import type { LineRemoval } from '../data/removals.js';
import { neutralise, toCsv } from './spreadsheet.js';

export const OUTCOME_NAMES = { approved: '同意', rejected: '退回', returned: '退回修改' } as const;

export type DecidedTask = ApprovalTask & { decision: TaskDecision };

/** Every decision of a campaign, oldest first: the audit trail. */
export const decisionsOf = (tasks: readonly ApprovalTask[]): DecidedTask[] =>
  tasks.filter((t): t is DecidedTask => t.decision !== undefined).sort((a, b) => a.decision.at.localeCompare(b.decision.at));

export const AUDIT_COLUMNS = ['时间', '单位', '轮次', '级次', '环节', '审批人', '身份', '决定', '原因', '批量审批', '链接编号', '所见摘要 SHA-256'] as const;

/** One decision as a row of the export (times in ISO 8601, UTC). */
export const auditRow = (t: DecidedTask): string[] => [
  t.decision.at, t.unit, String(t.round), `${t.step}/${t.steps}`, t.stepName, t.decision.by,
  t.approvers.includes(t.decision.by) ? '审批人' : '代理审批人',
  OUTCOME_NAMES[t.decision.outcome], t.decision.reason ?? '', t.decision.batch ? '是' : '否', t.decision.linkId, t.decision.summaryHash,
];

/** A line removed from a sent-back list, as a row of the same export: the coordinator's act for the unit. */
export const removalRow = (r: LineRemoval): string[] => [
  r.at, r.unit, String(r.round), '', '退回后修改', r.by, '协调员', `移出名单：${removalLineText(r)}`, r.reason, '否', '', '',
];

/** The removed line, masked: 张*明 310***********123X MZ01 ¥500.00. */
export const removalLineText = (r: LineRemoval) => `${r.nameMasked} ${r.idMasked} ${r.projectCode} ${formatYuan(r.amountFen)}`;

/** Decisions and removals, oldest first. */
const auditRows = (tasks: readonly DecidedTask[], removals: readonly LineRemoval[]): string[][] =>
  [...tasks.map(auditRow), ...removals.map(removalRow)].sort((a, b) => a[0].localeCompare(b[0]));

export const auditCsv = (tasks: readonly DecidedTask[], removals: readonly LineRemoval[] = []) => toCsv([[...AUDIT_COLUMNS], ...auditRows(tasks, removals)]);

export async function auditWorkbook(tasks: readonly DecidedTask[], removals: readonly LineRemoval[] = []): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';
  const sheet = workbook.addWorksheet('审批记录', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = AUDIT_COLUMNS.map((header) => ({ header, width: header.includes('SHA') ? 68 : header === '原因' || header === '决定' ? 30 : 16 }));
  sheet.getRow(1).font = { bold: true };
  for (const row of auditRows(tasks, removals)) sheet.addRow(row.map(neutralise));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
