import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readIntakeFile } from '../../../functions/core/intake-file.js';
import { buildProjectTemplate } from '../../../functions/core/project-file.js';
import { mergeProjects, parseProjectCells, PROJECT_COLUMNS, projectCells, validateProjectRows } from '../../../functions/core/project-rows.js';
import { projectSchema, sourceBudgets, standardAmountFen, type Project } from '../../../functions/core/project.js';

const RULES = { units: ['区民政局', '莘庄镇'], categories: ['低保家庭', '低收入困难家庭', '困难老人'] };
const HEADERS = PROJECT_COLUMNS.map((c) => c.header);
const row = (cells: Partial<Record<string, string>>) => Object.fromEntries(HEADERS.map((h) => [h, cells[h] ?? '']));
const GOOD = { 项目编号: 'MZ01', 项目名称: '低保家庭春节慰问', 责任单位: '区民政局', 帮困类别: '低保家庭、低收入困难家庭', '标准类型(按人/按户)': '按户', '标准金额(元)': '800', '每增加一人补助(元)': '200', 名额: '1200', 区级: '60%', 街镇配套: '40%', '预算总额(元)': '1000000' };

describe('the project model', () => {
  it('reads projects stored before the terms existed, with the defaults', () => {
    const old = projectSchema.parse({ code: 'MZ01', name: '慰问金', amountFen: 50000 });
    expect(standardAmountFen(old, 4)).toBe(50000);
    expect(sourceBudgets(old)).toBeUndefined();
  });

  it('a per-household standard adds the supplement for each member beyond the first', () => {
    expect(standardAmountFen({ amountFen: 80000, basis: 'household', supplementFen: 20000 }, 3)).toBe(120000);
    expect(standardAmountFen({ amountFen: 80000, basis: 'household', supplementFen: 20000 }, 1)).toBe(80000);
  });

  it('refuses shares that are not whole per-mille and amounts that are not fen', () => {
    expect(projectSchema.safeParse({ code: 'A', name: 'x', amountFen: 1.5 }).success).toBe(false);
    expect(projectSchema.safeParse({ code: 'A', name: 'x', amountFen: 1, funding: { by: 'share', budgetFen: 1, perMille: { city: 1001 } } }).success).toBe(false);
  });
});

describe('a project sheet row', () => {
  it('parses every term, and a project written back as cells parses to itself', () => {
    const { projects, errors } = validateProjectRows([row(GOOD)], RULES);
    expect(errors).toEqual([]);
    const expected: Project = {
      code: 'MZ01', name: '低保家庭春节慰问', amountFen: 80000, basis: 'household', supplementFen: 20000, unit: '区民政局',
      categories: ['低保家庭', '低收入困难家庭'], quota: 1200, funding: { by: 'share', budgetFen: 100_000_000, perMille: { district: 600, town: 400 } },
    };
    expect(projects).toEqual([expected]);
    expect(parseProjectCells(projectCells(expected), RULES)).toEqual({ ok: true, project: expected });
    const byAmount: Project = { code: 'GH02', name: '困难职工', amountFen: 30000, basis: 'person', funding: { by: 'amount', amounts: { department: 1_000_050, donation: 2 } } };
    expect(parseProjectCells(projectCells(byAmount), RULES)).toEqual({ ok: true, project: byAmount });
  });

  const errorsOf = (cells: Record<string, string>) => validateProjectRows([row({ ...GOOD, ...cells })], RULES).errors;

  it.each([
    [{ 项目编号: '' }, '项目编号', '必填项，不能为空'],
    [{ 项目编号: '坏 编号' }, '项目编号', '项目编号“坏 编号”无效：只能由字母、数字、- 和 _ 组成，最长32位'],
    [{ 项目名称: '' }, '项目名称', '必填项，不能为空'],
    [{ 责任单位: '七宝镇' }, '责任单位', '“七宝镇”不在单位名单中，请从下拉列表选择'],
    [{ 帮困类别: '低保家庭、失业人员' }, '帮困类别', '“失业人员”不在帮困类别名单中（可选：低保家庭、低收入困难家庭、困难老人）'],
    [{ '标准类型(按人/按户)': '按月' }, '标准类型(按人/按户)', '标准类型应为“按人”或“按户”'],
    [{ '标准金额(元)': 'abc' }, '标准金额(元)', '金额格式不正确，请填写数字，例如 300 或 300.50'],
    [{ '标准金额(元)': '0' }, '标准金额(元)', '标准金额应大于0'],
    [{ '标准类型(按人/按户)': '按人' }, '每增加一人补助(元)', '按人发放的项目不能填写每增加一人补助，请改为按户或清空此列'],
    [{ 名额: '-3' }, '名额', '名额应为正整数，不填表示不限'],
    [{ 区级: '60.55%' }, '区级', '比例最多精确到0.1%'],
    [{ 区级: '55%' }, '资金来源', '各资金来源比例合计应为100%，当前为95%'],
    [{ 区级: '600000' }, '资金来源', '各资金来源不能同时按金额和按比例填写，请统一填写金额或统一填写比例'],
    [{ '预算总额(元)': '' }, '预算总额(元)', '按比例填写资金来源时必须填写预算总额'],
    [{ 区级: '600000', 街镇配套: '400000', '预算总额(元)': '999999' }, '预算总额(元)', '预算总额应等于各资金来源金额之和（¥1,000,000.00），或不填'],
    [{ 区级: '', 街镇配套: '' }, '资金来源', '填写了预算总额，但没有填写资金来源'],
  ])('refuses %o: %s, %s', (cells, column, reason) => {
    expect(errorsOf(cells)).toEqual([{ row: 2, column, reason }]);
  });

  it('refuses a repeated code and a missing header, and a file with any error imports nothing', () => {
    const repeated = validateProjectRows([row(GOOD), row({ ...GOOD, 项目编号: 'mz01' })], RULES, [2, 5]);
    expect(repeated).toEqual({ projects: [], errors: [{ row: 5, column: '项目编号', reason: '项目编号与第2行重复' }] });
    const { 项目名称: _name, ...noName } = row(GOOD);
    expect(validateProjectRows([noName], RULES).errors).toEqual([{ row: 1, column: '项目名称', reason: '表头缺少“项目名称”列，请使用帮困项目模板' }]);
  });

  it('merges an import into the projects by code, keeping the code as first spelled', () => {
    const old = [{ code: 'MZ01', name: '旧', amountFen: 1 }, { code: 'GH02', name: '职工', amountFen: 2 }];
    expect(mergeProjects(old, [{ code: 'mz01', name: '新', amountFen: 3 }, { code: 'XB03', name: '新增', amountFen: 4 }]))
      .toEqual([{ code: 'MZ01', name: '新', amountFen: 3 }, old[1], { code: 'XB03', name: '新增', amountFen: 4 }]);
  });
});

describe('the project template', () => {
  it('holds the headers and the campaign\'s projects, and reads back to the same projects', async () => {
    const projects = validateProjectRows([row(GOOD)], RULES).projects;
    const file = await buildProjectTemplate({ ...RULES, projects });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['帮困项目', '填写说明', '下拉选项']);
    const content = await readIntakeFile(file, 'projects.xlsx');
    expect(Object.keys(content.rows[0])).toEqual(HEADERS);
    expect(validateProjectRows(content.rows, RULES, content.rowNumbers)).toEqual({ projects, errors: [] });
  });

  it('keeps unit and category names that look like formulas as text, on every sheet', async () => {
    const file = await buildProjectTemplate({ units: ['=HYPERLINK("x")', ...RULES.units], categories: ['@SUM(A1)', ...RULES.categories], projects: [] });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
    const formulaTexts: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((r) => r.eachCell((cell) => {
      if (typeof cell.value === 'string' && /^[=+\-@]/.test(cell.value)) formulaTexts.push(`${sheet.name}!${cell.address}`);
    })));
    expect(formulaTexts).toEqual([]);
    expect(workbook.getWorksheet('下拉选项')!.getCell('A2').value).toBe(`'=HYPERLINK("x")`);
  });

  it('reads a CSV sheet with Minhang-style headers', async () => {
    const csv = `项目编号,项目名称,标准类型,标准金额,名额,区级(元)\nMZ02,困难老人关爱礼包,按人,300,100人,30000`;
    const content = await readIntakeFile(Buffer.from(csv), 'p.csv');
    expect(validateProjectRows(content.rows, RULES, content.rowNumbers).projects).toEqual([
      { code: 'MZ02', name: '困难老人关爱礼包', amountFen: 30000, basis: 'person', quota: 100, funding: { by: 'amount', amounts: { district: 3_000_000 } } },
    ]);
  });
});

