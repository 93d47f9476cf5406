import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { getCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { keys } from '../../../functions/data/keys.js';
import { loadPlan } from '../../../functions/data/plan.js';
import { summariseCampaign } from '../../../functions/steps/campaign-summary.js';
import { SUMMARY_SHEETS } from '../../../functions/web/summary-sheet.js';
import { createCampaignVia, importProjects, ORIGIN, signedIn, startWeb, type Browser, type Web } from './harness.js';

let web: Web;
let b: Browser;
let campaign: Campaign;

const person = (n: number) => n.toString(16).padStart(64, '0');
async function nominate(n: number, projectCode: string, unit: string, category: string, amountFen: number) {
  await storeBeneficiary(web.table, {
    campaignId: campaign.id, projectCode, idHash: person(n), idMasked: '310***********0001', name: `对象${n}`, phone: '13800138000',
    unit, category, householdSize: 1, amountFen, paymentMethod: '现金', uploadId: 'u'.repeat(64), row: n + 1,
  });
}

beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  const id = await createCampaignVia(web, b);
  expect((await importProjects(b, id)).status).toBe(303);
  campaign = (await getCampaign(web.table, id))!;
  await nominate(1, 'MZ01', '莘庄镇', '低保家庭', 50000);
  await nominate(2, 'MZ01', '区民政局', '低保家庭', 50000);
  await nominate(3, 'GH02', '莘庄镇', '+1 低收入', 80050);
  await web.table.put(keys.callOutcome(campaign.id, `MZ01#${person(1)}`), {
    campaignId: campaign.id, beneficiaryKey: `MZ01#${person(1)}`, unit: '莘庄镇', category: '低保家庭', staff: 'caller1@mzj.example.cn', attempts: 1,
    reached: true, receivedRightAmount: true, visited: false, satisfaction: '满意', notes: '', recordedAt: '2026-02-10T02:00:00Z',
  });
});
afterAll(() => web.close());

const readXlsx = async (res: Response) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await res.arrayBuffer());
  return workbook;
};
const values = (ws: ExcelJS.Worksheet, row: number) => (ws.getRow(row).values as unknown[]).slice(1);

describe('the summary page and workbook', () => {
  it('says when there is no summary yet, and offers no export', async () => {
    const page = await (await b.get(`/campaigns/${campaign.id}/summary`)).text();
    expect(page).toContain('尚未生成活动总结');
    expect((await b.get(`/campaigns/${campaign.id}/summary.xlsx`)).status).toBe(404);
  });

  it('shows the stored summary with three SVG charts and the tables, linked from the campaign page', async () => {
    await summariseCampaign({ campaignId: campaign.id }, { table: web.table, sendMail: async () => undefined, publicUrl: ORIGIN });
    expect(await (await b.get(`/campaigns/${campaign.id}`)).text()).toContain(`href="/campaigns/${campaign.id}/summary"`);
    const page = await (await b.get(`/campaigns/${campaign.id}/summary`)).text();
    expect(page.match(/<svg/g)).toHaveLength(3);
    expect(page).toContain('各资金来源金额（元）');
    expect(page).toContain('各单位回访接通率、核实率');
    expect(page).toContain('帮困项目汇总（附表1）');
    expect(page).toContain('¥1,800.50');
    expect(page).not.toContain('对象1');
  });

  it('exports 附表1 and the further sheets, totals equal to the plan, typed text neutralised', async () => {
    const res = await b.get(`/campaigns/${campaign.id}/summary.xlsx`);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = await readXlsx(res);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([...SUMMARY_SHEETS]);
    const sheet1 = workbook.getWorksheet('帮困项目汇总')!;
    expect(values(sheet1, 1)).toEqual(['类别', '项目', '主办单位', '标准', '人数', '金额（元）', '市级（元）', '部门预算（元）', '区级（元）', '街镇配套（元）', '条线自筹（元）', '社会募集（元）']);
    expect(values(sheet1, 2)).toEqual(['低保家庭', '春节帮困慰问金', '', '¥500.00/人', 2, '1000.00', '0.00', '0.00', '1000.00', '0.00', '0.00', '0.00']);
    // A category typed as a formula stays text.
    expect(values(sheet1, 3).slice(0, 2)).toEqual(["'+1 低收入", '困难职工慰问']);
    const plan = await loadPlan(web.table, campaign);
    expect(values(sheet1, 4)).toEqual(['合计', '', '', '', plan.count, '1800.50', '0.00', '0.00', '1800.50', '0.00', '0.00', '0.00']);
    expect(plan.totalFen).toBe(180050);
    expect(sheet1.rowCount).toBe(4);

    const units = workbook.getWorksheet('按单位')!;
    expect(values(units, 1).slice(0, 3)).toEqual(['单位', '人数', '金额（元）']);
    expect(values(units, 1).slice(-5)).toEqual(['名册户数', '已覆盖户数', '覆盖率', '走访次数', '走访户数']);
    expect(values(units, units.rowCount).slice(0, 3)).toEqual(['合计', 3, '1800.50']);
    const callbacks = workbook.getWorksheet('回访核实')!;
    expect(values(callbacks, 1)).toEqual(['分组', '名称', '已回访', '接通', '接通率', '核实无误', '核实率', '不符']);
    // Two units, two categories, two projects, then the totals.
    expect(callbacks.rowCount).toBe(8);
    expect(values(callbacks, 2)).toEqual(['单位', '区民政局', 0, 0, '—', 0, '—', 0]);
    expect(values(callbacks, 3)).toEqual(['单位', '莘庄镇', 1, 1, '100.0%', 1, '100.0%', 0]);
    expect(values(callbacks, 4)).toEqual(['类别', '低保家庭', 1, 1, '100.0%', 1, '100.0%', 0]);
    expect(values(callbacks, 6)).toEqual(['项目', '春节帮困慰问金', 1, 1, '100.0%', 1, '100.0%', 0]);
    expect(values(callbacks, 8)).toEqual(['合计', '', 1, 1, '100.0%', 1, '100.0%', 0]);
    const anomalies = workbook.getWorksheet('异常情况')!;
    expect(values(anomalies, 2)).toEqual(['区民政局', 0, 0, 0, 0, 0, 1]);
    expect(values(anomalies, anomalies.rowCount)).toEqual(['合计', 0, 0, 0, 0, 0, 3]);
    expect(values(workbook.getWorksheet('按资金来源')!, 4)).toEqual(['区级', 3, '1800.50']);
    expect(values(workbook.getWorksheet('按资金来源')!, 8)).toEqual(['合计', 3, '1800.50']);
  });
});
