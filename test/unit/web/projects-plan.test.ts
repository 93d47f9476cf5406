import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCampaign } from '../../../functions/data/campaigns.js';
import { getGate } from '../../../functions/data/gates.js';
import { getUpload } from '../../../functions/data/uploads.js';
import { createCampaignVia, CSV_HEADER, eventually, idNumber, importProjects, signedIn, startWeb, upload, uploadIdOf, type Browser, type Web } from './harness.js';

let web: Web;
let b: Browser;
let id: string;
beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  id = await createCampaignVia(web, b);
});
afterAll(() => web.close());

const intakeDone = (res: Response) => eventually(async () => (await getUpload(web.table, id, uploadIdOf(res)))?.processedAt, 'intake');
const readXlsx = async (res: Response) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await res.arrayBuffer());
  return workbook;
};

describe('the projects page', () => {
  it('lists the projects as created, unfunded, with the template and the import form', async () => {
    const page = await (await b.get(`/campaigns/${id}/projects`)).text();
    expect(page).toContain('春节帮困慰问金');
    expect(page).toContain('¥800.50/人');
    expect(page).toContain('未设置');
    expect(page).toContain(`action="/campaigns/${id}/projects/import"`);
    const template = await b.get(`/campaigns/${id}/projects/template.xlsx`);
    expect(template.headers.get('content-type')).toContain('spreadsheetml');
    const sheet = (await readXlsx(template)).getWorksheet('帮困项目')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('项目编号');
    expect(sheet.getRow(3).getCell(2).value).toBe('困难职工慰问');
  });

  it('refuses a sheet with errors as a whole, listing each row\'s reason', async () => {
    const res = await importProjects(b, id, '项目编号,项目名称,标准类型,标准金额(元),区级,街镇配套\nMZ01,春节帮困慰问金,按人,500,60%,30%\nXX02,新项目,按年,300,,');
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('各资金来源比例合计应为100%，当前为90%');
    expect(page).toContain('标准类型应为“按人”或“按户”');
    expect((await getCampaign(web.table, id))!.projects.map((p) => p.code)).toEqual(['MZ01', 'GH02']);
  });

  it('edits one project through the form: unit, categories, household standard, quota, funding', async () => {
    const form = await (await b.get(`/campaigns/${id}/projects/MZ01`)).text();
    expect(form).toContain('name="editing" value="MZ01"');
    const res = await b.request(`/campaigns/${id}/projects`, {
      method: 'POST',
      body: new URLSearchParams([['editing', 'MZ01'], ['code', 'ignored'], ['name', '春节帮困慰问金'], ['unit', '区民政局'], ['categories', '低保家庭'],
        ['basis', '按户'], ['amount', '500'], ['supplement', '100'], ['quota', '2'], ['district', '1000'], ['town', '1000']]),
    });
    expect(res.status).toBe(303);
    expect((await getCampaign(web.table, id))!.projects[0]).toEqual({
      code: 'MZ01', name: '春节帮困慰问金', amountFen: 50000, basis: 'household', supplementFen: 10000, unit: '区民政局', categories: ['低保家庭'], quota: 2,
      funding: { by: 'amount', amounts: { district: 100000, town: 100000 } },
    });
    const bad = await b.form(`/campaigns/${id}/projects`, { code: 'MZ01', name: '重复', basis: '按人', amount: '1' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('项目编号“MZ01”已存在');
  });

  it('shows and edits the exclusive pairs', async () => {
    expect((await b.form(`/campaigns/${id}/projects/pairs`, { exclusivePairs: 'MZ01,XX99' })).status).toBe(400);
    expect((await b.form(`/campaigns/${id}/projects/pairs`, { exclusivePairs: 'GH02,MZ01' })).status).toBe(303);
    expect((await getCampaign(web.table, id))!.exclusivePairs).toEqual([['GH02', 'MZ01']]);
    expect(await (await b.get(`/campaigns/${id}/projects`)).text()).toContain('困难职工慰问（GH02） ⟷ 春节帮困慰问金（MZ01）');
    expect((await b.form(`/campaigns/${id}/projects/pairs`, { exclusivePairs: '' })).status).toBe(303);
  });
});

describe('the plan page', () => {
  it('applies the standard and categories at intake, refuses the plan over budget naming the line, and shows charts and an export', async () => {
    const rows = [
      `张三明,${idNumber(1)},13800138000,莘庄镇,低保家庭,MZ01,3,,社保卡`, // 500 + 2 × 100
      `李四,${idNumber(2)},13800138001,莘庄镇,低保家庭,MZ01,1,,社保卡`,
      `王五,${idNumber(3)},13800138002,莘庄镇,低收入困难家庭,MZ01,1,,现金`,
      `赵六,${idNumber(4)},13800138003,区民政局,低收入困难家庭,GH02,1,,社保卡`,
    ];
    const up = await upload(b, id, [CSV_HEADER, ...rows].join('\n'));
    await intakeDone(up);
    const stored = await getUpload(web.table, id, uploadIdOf(up));
    expect(stored?.errors).toEqual([{ row: 4, column: '帮困类别', reason: '“低收入困难家庭”不是项目MZ01「春节帮困慰问金」的帮困类别（可享受的类别：低保家庭）' }]);

    // MZ01: 700 + 500 = 1,200 yuan against 1,000 + 1,000; GH02 has no funding yet.
    let page = await (await b.get(`/campaigns/${id}/plan`)).text();
    expect(page).toContain('资金计划未通过核对');
    expect(page).toContain('项目GH02「困难职工慰问」未设置资金来源');
    expect((await importProjects(b, id, '项目编号,项目名称,标准类型,标准金额(元),区级\nGH02,困难职工慰问,按人,800.50,800.49')).status).toBe(303);
    page = await (await b.get(`/campaigns/${id}/plan`)).text();
    expect(page).toContain('项目GH02「困难职工慰问」的区级资金超出预算 1 分（预算 ¥800.49，计划 ¥800.50）');
    expect(page).toContain('区民政局 赵*（310***********');
    expect(page).not.toContain(idNumber(4));

    expect((await importProjects(b, id, '项目编号,项目名称,标准类型,标准金额(元),区级\nGH02,困难职工慰问,按人,800.50,800.50')).status).toBe(303);
    page = await (await b.get(`/campaigns/${id}/plan`)).text();
    expect(page).toContain('资金计划核对通过：3 人，合计 ¥2,000.50');
    expect(page.match(/<svg/g)).toHaveLength(2);
    for (const text of ['>区级<', '>¥1,400.50<', '>街镇配套<', '>¥600.00<', '低保家庭', '¥1,200.00']) expect(page).toContain(text);

    const xlsx = await b.get(`/campaigns/${id}/plan.xlsx`);
    const workbook = await readXlsx(xlsx);
    const sheet = workbook.getWorksheet('计划明细')!;
    // Headings are bold text, the cells without styles (a district's plan has 100,000 lines).
    expect(sheet.getRow(1).getCell(1).value).toEqual({ richText: [{ text: '序号', font: { bold: true } }] });
    expect(sheet.getRow(2).getCell(1).style.font).toBeUndefined();
    expect(workbook.getWorksheet('汇总')!.getRow(1).getCell(1).value).toMatchObject({ richText: [{ font: { bold: true, size: 13 } }] });
    const values = sheet.getSheetValues().flat().map(String);
    expect(values).toContain('张*明');
    expect(values).not.toContain('张三明');
    expect(values.some((v) => v.includes(idNumber(1)))).toBe(false);
    expect(sheet.rowCount).toBe(4);
  });

  it('lets 部署 start only once the plan passes', async () => {
    expect((await b.form(`/campaigns/${id}/phases/survey/start`, {})).status).toBe(303);
    await eventually(() => getGate(web.table, id, 'deploy'), 'the deploy gate');
    // Over quota: MZ01 allows 1 household now.
    expect((await importProjects(b, id, '项目编号,项目名称,标准类型,标准金额(元),每增加一人补助(元),名额,区级,街镇配套\nMZ01,春节帮困慰问金,按户,500,100,1,1000,1000')).status).toBe(303);
    const refused = await b.form(`/campaigns/${id}/phases/deploy/start`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('资金计划未通过核对：项目MZ01「春节帮困慰问金」超出名额 1 户（名额 1 户，名单 2 户）');
    expect((await importProjects(b, id, '项目编号,项目名称,标准类型,标准金额(元),每增加一人补助(元),名额,区级,街镇配套\nMZ01,春节帮困慰问金,按户,500,100,2,1000,1000')).status).toBe(303);
    expect((await b.form(`/campaigns/${id}/phases/deploy/start`, {})).status).toBe(303);
    // Once 部署 has started, the projects stay as approved.
    expect((await importProjects(b, id)).status).toBe(409);
  });
});
