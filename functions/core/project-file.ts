/**
 * The project sheet (帮困项目表, after Minhang's 附表1) as an XLSX template: one row per project,
 * pre-filled with the campaign's projects, drop-downs for 责任单位 and 标准类型, and a 填写说明
 * sheet. A filled sheet is read back with readIntakeFile and checked with validateProjectRows.
 */
import ExcelJS from 'exceljs';
import { FUNDING_SOURCES } from './funding.js';
import { neutraliseText } from './intake-file.js';
import { PROJECT_COLUMNS, projectCells, type ProjectRules } from './project-rows.js';
import type { Project } from './project.js';

export const PROJECT_SHEET = '帮困项目';
const LISTS_SHEET = '下拉选项';
const ROWS = 1000;

export async function buildProjectTemplate(rules: ProjectRules & { projects: readonly Project[] }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';
  const data = workbook.addWorksheet(PROJECT_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  const guide = workbook.addWorksheet('填写说明');
  const lists = workbook.addWorksheet(LISTS_SHEET, { state: 'hidden' });

  data.columns = PROJECT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: Math.max(10, Array.from(c.header).length * 2 + 2), style: { numFmt: '@' } }));
  const header = data.getRow(1);
  header.font = { bold: true };
  PROJECT_COLUMNS.forEach((c, i) => {
    header.getCell(i + 1).note = `${c.required ? '必填' : '选填'}：${c.note}`;
  });
  for (const project of rules.projects) {
    const cells = projectCells(project);
    data.addRow(PROJECT_COLUMNS.map((c) => neutraliseText(cells[c.key])));
  }

  lists.getCell(1, 1).value = '责任单位';
  rules.units.forEach((u, i) => (lists.getCell(i + 2, 1).value = neutraliseText(u)));
  const column = (key: string) => data.getColumn(key).letter;
  const range = (key: string) => `${column(key)}2:${column(key)}${ROWS}`;
  const validations = (data as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  if (rules.units.length) {
    validations.add(range('unit'), { type: 'list', allowBlank: true, formulae: [`'${LISTS_SHEET}'!$A$2:$A$${rules.units.length + 1}`], showErrorMessage: true, errorTitle: '责任单位', error: '请从下拉列表中选择责任单位' });
  }
  validations.add(range('basis'), { type: 'list', allowBlank: true, formulae: ['"按人,按户"'], showErrorMessage: true, errorTitle: '标准类型', error: '请选择 按人 或 按户' });

  guide.columns = [{ width: 22 }, { width: 10 }, { width: 80 }, { width: 20 }];
  guide.addRow(['帮困项目表 填写说明']).font = { bold: true, size: 14 };
  [
    `1. 在“${PROJECT_SHEET}”工作表中每行填写一个项目；表中已列出本活动现有的项目，修改后上传即更新，新编号的行为新增项目。`,
    '2. 标准类型为“按户”的项目，可填写“每增加一人补助”：发放金额 = 标准金额 + 每增加一人补助 ×（家庭人数 − 1）。',
    `3. 资金来源共 ${FUNDING_SOURCES.length} 列（${FUNDING_SOURCES.map((s) => s.name).join('、')}）：填金额（元）即各来源的预算；或填比例（如 60%），比例合计应为100%，并填写预算总额。`,
    '4. 资金计划按各来源预算核对：任一来源超出预算或超出名额的项目，「部署」阶段不能启动。',
    '5. 上传的文件中只要有一处错误，整个文件都不导入；请按页面列出的行号和原因修改后重新上传。',
  ].forEach((line) => guide.addRow([line]));
  guide.addRow([]);
  guide.addRow(['列名', '是否必填', '填写要求', '示例']).font = { bold: true };
  for (const c of PROJECT_COLUMNS) guide.addRow([c.header, c.required ? '必填' : '选填', c.note, c.example]);
  guide.addRow([]);
  guide.addRow(['帮困类别名单']).font = { bold: true };
  for (const category of rules.categories) guide.addRow([neutraliseText(category)]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
