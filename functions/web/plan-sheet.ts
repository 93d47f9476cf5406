import { FUNDING_SOURCES } from '../core/funding.js';
import { maskName } from '../core/masking.js';
import { fenToYuanText } from '../core/money.js';
import type { Plan } from '../core/plan.js';
import type { Project } from '../core/project.js';
import { boldText, headedColumns, neutralise, streamedWorkbook } from './spreadsheet.js';

/**
 * The plan's lines as a workbook: one row per person and project with the amount and its split
 * per source (yuan text, exact to the fen), names masked, ID numbers only as stored (masked);
 * a 汇总 sheet of the totals per source; and the problems, if any, with every line they name.
 * A district's plan is over 100,000 lines: its cells have no styles, its headings are bold text.
 */
export function planWorkbook(campaignName: string, projects: readonly Project[], plan: Plan): Promise<Buffer> {
  const names = new Map(projects.map((p) => [p.code, p.name]));
  return streamedWorkbook((workbook) => {
    const lines = workbook.addWorksheet('计划明细', { views: [{ state: 'frozen', ySplit: 1 }] });
    headedColumns(lines, [
      { header: '序号', width: 6 }, { header: '所属单位', width: 16 }, { header: '姓名', width: 10 }, { header: '身份证号码（脱敏）', width: 22 },
      { header: '帮困类别', width: 14 }, { header: '项目编号', width: 10 }, { header: '项目名称', width: 24 }, { header: '家庭人数', width: 8 },
      { header: '金额(元)', width: 12 }, ...FUNDING_SOURCES.map((s) => ({ header: `${s.name}(元)`, width: 12 })),
    ]);
    plan.lines.forEach((l, i) => {
      lines.addRow([
        i + 1, ...[l.unit, maskName(l.name), l.idMasked, l.category, l.projectCode, names.get(l.projectCode) ?? l.projectCode].map(neutralise),
        l.householdSize, fenToYuanText(l.amountFen), ...FUNDING_SOURCES.map((s) => (l.split ? fenToYuanText(l.split[s.key]) : '')),
      ]).commit();
    });
    lines.commit();

    const summary = workbook.addWorksheet('汇总');
    summary.columns = [{ width: 20 }, { width: 16 }];
    summary.addRow([boldText(neutralise(`${campaignName} 资金计划`), 13)]);
    summary.addRow(['人数', plan.count]);
    summary.addRow(['金额合计(元)', fenToYuanText(plan.totalFen)]);
    for (const s of FUNDING_SOURCES) summary.addRow([`${s.name}(元)`, fenToYuanText(plan.bySource[s.key])]);
    if (plan.unfundedFen) summary.addRow(['未设置资金来源(元)', fenToYuanText(plan.unfundedFen)]);
    summary.addRow(['核对结果', plan.ok ? '通过' : `未通过：${plan.problems.length} 个问题`]);

    if (plan.problems.length) {
      const problems = workbook.addWorksheet('问题');
      headedColumns(problems, [{ header: '问题', width: 70 }, { header: '涉及的行', width: 50 }]);
      for (const p of plan.problems) {
        if (!p.lines.length) problems.addRow([neutralise(p.reason), '']);
        for (const label of p.lines) problems.addRow([neutralise(p.reason), neutralise(label)]);
      }
    }
  }, { cellStyles: false });
}
