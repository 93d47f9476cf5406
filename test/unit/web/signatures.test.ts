import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentMethod } from '../../../functions/core/payment-methods.js';
import { storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { payOnce, type PaymentStatus } from '../../../functions/data/payments.js';
import { SIGNATURE_COLUMNS } from '../../../functions/web/signature-workbook.js';
import { createCampaignVia, signedIn, startWeb, type Browser, type Web } from './harness.js';

let web: Web;
let b: Browser;
let id: string;
const person = (n: number) => n.toString(16).padStart(64, '0');

async function paid(n: number, name: string, unit: string, method: PaymentMethod, payment: { status?: PaymentStatus; paymentMethod?: PaymentMethod } = {}) {
  await storeBeneficiary(web.table, {
    campaignId: id, projectCode: 'MZ01', idHash: person(n), idMasked: `310***********${String(1000 + n)}`, name, phone: '13800138000',
    unit, category: '低保家庭', householdSize: 1, amountFen: 50000, paymentMethod: method, uploadId: 'u'.repeat(64), row: n + 1,
  });
  await payOnce(web.table, { campaignId: id, projectCode: 'MZ01', idHash: person(n), amountFen: 50000, paidAt: '2026-01-10T02:00:00Z', executionId: 'e', ...payment });
}

beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  id = await createCampaignVia(web, b);
  await paid(1, '王小明', '莘庄镇', '现金');
  await paid(2, '李四', '莘庄镇', '实物（礼包）', { status: 'paid' });
  await paid(3, '赵五', '区民政局', '粮油卡');
  await paid(4, '钱六', '莘庄镇', '银行转账'); // by bank: no signature
  await paid(5, '孙七', '莘庄镇', '银行转账', { paymentMethod: '现金' }); // the payment's own channel counts
  await paid(6, '周八', '莘庄镇', '现金', { status: 'failed' }); // nothing handed over
  await paid(7, '吴九', '区民政局', '现金', { paymentMethod: '社保卡' });
});
afterAll(() => web.close());

describe('signature sheets (签收表)', () => {
  it('lists, per unit, the people paid in cash, gift packages or grain-and-oil cards, linked from the campaign page', async () => {
    expect(await (await b.get(`/campaigns/${id}`)).text()).toContain(`href="/campaigns/${id}/signatures"`);
    const page = await (await b.get(`/campaigns/${id}/signatures`)).text();
    const rows = [...page.matchAll(/<tr><td>([^<]+)<\/td><td class="num">(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual([['区民政局', 1], ['莘庄镇', 3]]);
  });

  it('prints a unit\'s sheet: masked IDs, what each signs for, empty signature and date cells', async () => {
    const res = await b.get(`/campaigns/${id}/signatures?unit=${encodeURIComponent('莘庄镇')}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    for (const column of SIGNATURE_COLUMNS) expect(page).toContain(`<th>${column}</th>`);
    expect(page).toContain('<td>王小明</td><td>310***********1001</td><td>春节帮困慰问金</td><td>500.00</td><td>现金</td><td class="sign"></td><td class="sign"></td>');
    expect(page).toContain('<td>礼包（价值 500.00 元）</td><td>实物（礼包）</td>');
    expect(page).toContain('<td>孙七</td>');
    for (const absent of ['钱六', '周八', '赵五']) expect(page).not.toContain(absent);
    expect((await b.get(`/campaigns/${id}/signatures?unit=${encodeURIComponent('七宝镇')}`)).status).toBe(404);
  });

  it('exports a unit\'s sheet as XLSX: title, columns, one line per person', async () => {
    const res = await b.get(`/campaigns/${id}/signatures.xlsx?unit=${encodeURIComponent('区民政局')}`);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const ws = workbook.getWorksheet('签收表')!;
    expect(ws.getCell(1, 1).value).toBe('2025年元旦春节帮困送温暖 区民政局 签收表');
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([...SIGNATURE_COLUMNS]);
    expect((ws.getRow(3).values as unknown[]).slice(1, 7)).toEqual([1, '赵五', '310***********1003', '春节帮困慰问金', '粮油卡（面值 500.00 元）', '粮油卡']);
    expect(ws.rowCount).toBe(3);
  });
});
