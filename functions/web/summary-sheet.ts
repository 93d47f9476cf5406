import ExcelJS from 'exceljs';
import { FUNDING_SOURCES } from '../core/funding.js';
import { fenToYuanText } from '../core/money.js';
import { rateText, type CallbackCounts, type CampaignSummary, type MoneyRow } from '../core/summary.js';
import { neutralise } from './spreadsheet.js';

export const SUMMARY_SHEETS = ['帮困项目汇总', '按单位', '按资金来源', '回访核实', '异常情况', '工作成效'] as const;

const SOURCE_HEADERS = FUNDING_SOURCES.map((s) => `${s.name}（元）`);
const sourceCells = (row: Pick<MoneyRow, 'bySource'>) => FUNDING_SOURCES.map((s) => fenToYuanText(row.bySource[s.key]));

function sheet(workbook: ExcelJS.Workbook, name: string, headers: readonly string[], widths: readonly number[] = []) {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = headers.map((header, i) => ({ header, width: widths[i] ?? 14 }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

const totalRow = (ws: ExcelJS.Worksheet, cells: (string | number)[]) => {
  ws.addRow(cells).font = { bold: true };
};

/**
 * The summary as a workbook shaped like Minhang's 附表1: per category and project (类别, 项目,
 * 主办单位, 标准, 人数, 金额 and the funding sources as columns) with a totals row; then per unit,
 * per source, callback verification, anomalies, and the principles' measures. Money as yuan text
 * exact to the fen; every text typed by people neutralised.
 */
export async function summaryWorkbook(s: CampaignSummary): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';

  const projects = sheet(workbook, SUMMARY_SHEETS[0], ['类别', '项目', '主办单位', '标准', '人数', '金额（元）', ...SOURCE_HEADERS], [16, 26, 16, 22, 8, 14]);
  for (const r of s.byCategoryProject) {
    projects.addRow([...[r.category, r.projectName, r.owner, r.standard].map(neutralise), r.people, fenToYuanText(r.totalFen), ...sourceCells(r)]);
  }
  totalRow(projects, ['合计', '', '', '', s.people, fenToYuanText(s.totalFen), ...sourceCells(s)]);

  const units = sheet(workbook, SUMMARY_SHEETS[1], ['单位', '人数', '金额（元）', ...SOURCE_HEADERS, '名册户数', '已覆盖户数', '覆盖率', '走访次数', '走访户数'], [18, 8, 14]);
  for (const u of s.byUnit) {
    units.addRow([neutralise(u.key), u.people, fenToYuanText(u.totalFen), ...sourceCells(u), u.registered, u.covered, rateText(u.covered, u.registered), u.visits.visits, u.visits.households]);
  }
  totalRow(units, ['合计', s.people, fenToYuanText(s.totalFen), ...sourceCells(s), s.coverage.registered, s.coverage.covered, rateText(s.coverage.covered, s.coverage.registered), s.visits.visits, s.visits.households]);

  const sources = sheet(workbook, SUMMARY_SHEETS[2], ['资金来源', '涉及人数', '金额（元）'], [16, 10, 16]);
  for (const r of s.bySourceRows) sources.addRow([FUNDING_SOURCES.find((x) => x.key === r.source)!.name, r.people, fenToYuanText(r.totalFen)]);
  if (s.unfundedFen) sources.addRow(['未设置资金来源', '', fenToYuanText(s.unfundedFen)]);
  totalRow(sources, ['合计', s.people, fenToYuanText(s.totalFen)]);

  const callbacks = sheet(workbook, SUMMARY_SHEETS[3], ['分组', '名称', '已回访', '接通', '接通率', '核实无误', '核实率', '不符'], [8, 24]);
  for (const [group, name, counts] of callbackGroups(s)) callbacks.addRow([group, neutralise(name), ...callbackCells(counts)]);
  totalRow(callbacks, ['合计', '', ...callbackCells(s.callbacks)]);

  const anomalies = sheet(workbook, SUMMARY_SHEETS[4], ['单位', '回访不符', '核查待办', '核查已办结', '发放失败', '发放待确认', '未发放'], [18]);
  const anomalyCells = (a: CampaignSummary['anomalies']) => [a.mismatches, a.followUpsOpen, a.followUpsClosed, a.paymentsFailed, a.paymentsUnconfirmed, a.unpaid];
  for (const u of s.byUnit) anomalies.addRow([neutralise(u.key), ...anomalyCells(u.anomalies)]);
  totalRow(anomalies, ['合计', ...anomalyCells(s.anomalies)]);

  const measures = sheet(workbook, SUMMARY_SHEETS[5], ['指标', '数值', '说明'], [26, 14, 50]);
  for (const row of summaryMeasures(s)) measures.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Callback counts per unit, then per category, then per project: [分组, 名称, counts]. */
export const callbackGroups = (s: CampaignSummary): [string, string, CallbackCounts][] => [
  ...s.byUnit.map((u): [string, string, CallbackCounts] => ['单位', u.key, u.callbacks]),
  ...s.byCategory.map((c): [string, string, CallbackCounts] => ['类别', c.key, c.callbacks]),
  ...s.byProject.map((p): [string, string, CallbackCounts] => ['项目', p.name, p.callbacks]),
];

/** 已回访, 接通, 接通率, 核实无误, 核实率, 不符. */
export const callbackCells = (c: CallbackCounts) => [c.called, c.reached, rateText(c.reached, c.called), c.verified, rateText(c.verified, c.reached), c.mismatches];

/** The principles' measures (广覆盖不遗漏, 少重复, 回访), as the page and the workbook list them. */
export function summaryMeasures(s: CampaignSummary): [string, string | number, string][] {
  return [
    ['帮困人次', s.people, '按项目计，一人享受两个项目计两人次'],
    ['金额合计（元）', fenToYuanText(s.totalFen), '各资金来源合计，精确到分'],
    ['名册覆盖率（不遗漏）', rateText(s.coverage.covered, s.coverage.registered), `名册 ${s.coverage.registered} 户，已覆盖 ${s.coverage.covered} 户`],
    ['避免重复（少重复）', s.duplicates.atIntake + s.duplicates.byExclusion, `导入时同一项目重复申报 ${s.duplicates.atIntake} 条，互斥冲突处理排除 ${s.duplicates.byExclusion} 条`],
    ['走访慰问（户）', s.visits.households, `领导走访 ${s.visits.visits} 次`],
    ['回访接通率', rateText(s.callbacks.reached, s.callbacks.called), `已回访 ${s.callbacks.called} 户，接通 ${s.callbacks.reached} 户`],
    ['回访核实率', rateText(s.callbacks.verified, s.callbacks.reached), `接通 ${s.callbacks.reached} 户，确认收到且金额无误 ${s.callbacks.verified} 户`],
  ];
}
