// 发放与对账 end to end on real dynalite: payments recorded by the implement step, bank files with the
// sealed details opened, a result file reconciled twice, a corrected retry, and the totals against the plan.
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUNDING_SOURCE_KEYS, zeroSources } from '../../../functions/core/funding.js';
import { listBeneficiaries } from '../../../functions/data/beneficiaries.js';
import { getCampaign } from '../../../functions/data/campaigns.js';
import { beneficiaryKey } from '../../../functions/data/exclusions.js';
import { listPayments, statusOf, type Payment } from '../../../functions/data/payments.js';
import { loadPlan } from '../../../functions/data/plan.js';
import { getUpload } from '../../../functions/data/uploads.js';
import { payBatch } from '../../../functions/steps/payments.js';
import { browser, createCampaignVia, CSV_HEADER, eventually, idNumber, importProjects, signedIn, startWeb, upload, uploadIdOf, type Browser, type Web } from './harness.js';

let web: Web;
let b: Browser;
let id: string;

const ACCOUNT = { 张三: '6222021234567890001', 李四: '6222021234567890002', 赵六: '6228480012345678904' };
const CORRECTED = '6217001234567890123';
const PEOPLE = [
  `张三,${idNumber(1)},13800138001,莘庄镇,低保家庭,MZ01,1,,银行转账,${ACCOUNT.张三},中国工商银行莘庄支行`,
  `李四,${idNumber(2)},13800138002,莘庄镇,低保家庭,MZ01,1,,银行转账,${ACCOUNT.李四},中国工商银行莘庄支行`,
  `王五,${idNumber(3)},13800138003,区民政局,低收入困难家庭,GH02,1,,社保卡,,`,
  `赵六,${idNumber(4)},13800138004,区民政局,低收入困难家庭,GH02,1,,银行转账,${ACCOUNT.赵六},中国农业银行闵行支行`,
  `孙七,${idNumber(5)},13800138005,莘庄镇,低保家庭,MZ01,1,,现金,,`,
];
/** Two sources in proportions that leave remainders: the split is exact only to the fen. */
const PROJECTS = '项目编号,项目名称,标准类型(按人/按户),标准金额(元),市级,区级\nMZ01,春节帮困慰问金,按人,500,1000,2000\nGH02,困难职工慰问,按人,800.50,1001,3000';

const file = (content: string | Uint8Array, name: string) => {
  const body = new FormData();
  body.set('file', new File([typeof content === 'string' ? new TextEncoder().encode(content) : content], name));
  return b.request(`/campaigns/${id}/payments/results`, { method: 'POST', body });
};
async function bankFile(channel: 'transfer' | 'card') {
  const res = await b.get(`/campaigns/${id}/payments/bank-file?channel=${channel}&format=csv`);
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(bytes, { bom: true }) as string[][];
  expect(header).toEqual(['序号', '付款参考号', '户名', '证件号码', '账号', '开户银行', '金额（元）', '用途', '帮困项目', '单位']);
  return rows.map(([, reference, name, idNo, account, bank, amount, , project, unit]) => ({ reference, name, idNo, account, bank, amount, project, unit }));
}
const payments = async () => Object.fromEntries(await Promise.all((await listPayments(web.table, id)).map(async (p) => [nameOf(p), p] as const)));
let names: Map<string, string>;
const nameOf = (p: Payment) => names.get(`${p.projectCode}#${p.idHash}`) ?? '?';

beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  id = await createCampaignVia(web, b);
  expect((await importProjects(b, id, PROJECTS)).status).toBe(303);
  const res = await upload(b, id, [`${CSV_HEADER},银行账号,开户银行`, ...PEOPLE].join('\n'), '名单.csv');
  const done = await eventually(async () => (await getUpload(web.table, id, uploadIdOf(res)))?.processedAt && getUpload(web.table, id, uploadIdOf(res)), 'intake');
  expect(done).toMatchObject({ storedCount: 5, rejectedCount: 0 });
  const beneficiaries = await listBeneficiaries(web.table, id);
  names = new Map(beneficiaries.map((x) => [beneficiaryKey(x), x.name]));
  // The implement step records the payments (as before statuses: read as issued, attempt 1).
  expect(await payBatch({ campaignId: id, keys: beneficiaries.map(beneficiaryKey), executionId: 'implement' }, { table: web.table })).toMatchObject({ paid: 5 });
});
afterAll(() => web.close());

describe('payments from bank file to reconciliation', () => {
  let first: Awaited<ReturnType<typeof bankFile>>;
  let card: Awaited<ReturnType<typeof bankFile>>;

  it('stores each payee sealed: no full ID number or account in any stored item', async () => {
    const stored = JSON.stringify(await listBeneficiaries(web.table, id));
    for (let n = 1; n <= 5; n++) expect(stored).not.toContain(idNumber(n));
    for (const account of Object.values(ACCOUNT)) expect(stored).not.toContain(account);
    expect(stored).not.toContain('工商银行');
  });

  it('lists every issued payment of a bank channel with the full ID number and account, one file per channel', async () => {
    first = await bankFile('transfer');
    expect(first.map((r) => [r.name, r.idNo, r.account, r.bank, r.amount, r.unit]).sort()).toEqual([
      ['张三', idNumber(1), ACCOUNT.张三, '中国工商银行莘庄支行', '500.00', '莘庄镇'],
      ['李四', idNumber(2), ACCOUNT.李四, '中国工商银行莘庄支行', '500.00', '莘庄镇'],
      ['赵六', idNumber(4), ACCOUNT.赵六, '中国农业银行闵行支行', '800.50', '区民政局'],
    ]);
    expect(new Set(first.map((r) => r.reference)).size).toBe(3);
    for (const r of first) expect(r.reference).toMatch(/^NL[0-9A-F]{16}$/);
    card = await bankFile('card');
    expect(card.map((r) => [r.name, r.idNo, r.account, r.amount, r.project])).toEqual([['王五', idNumber(3), '', '800.50', 'GH02 困难职工慰问']]);

    const xlsx = await b.get(`/campaigns/${id}/payments/bank-file?channel=transfer&format=xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getColumn(4).values.slice(2).sort()).toEqual([idNumber(1), idNumber(2), idNumber(4)]);
    expect((await b.get(`/campaigns/${id}/payments/bank-file?channel=cash&format=csv`)).status).toBe(400);
    // Only a signed-in coordinator downloads it.
    const stranger = await browser(web).get(`/campaigns/${id}/payments/bank-file?channel=transfer&format=csv`);
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get('location')).toBe('/signin');
  });

  it('the page shows counts per channel and masked people only', async () => {
    const page = await (await b.get(`/campaigns/${id}/payments`)).text();
    expect(page).toContain('发放与对账');
    for (let n = 1; n <= 5; n++) expect(page).not.toContain(idNumber(n));
    expect(page).not.toContain(ACCOUNT.张三);
    expect(await (await b.get(`/campaigns/${id}`)).text()).toContain(`/campaigns/${id}/payments`);
  });

  it('reconciles a result file: paid, failed with the reason, unknown with why; the same file again changes nothing', async () => {
    const ref = (name: string) => [...first, ...card].find((r) => r.name === name)!.reference;
    const result = [
      '付款参考号,金额（元）,处理结果,失败原因',
      `${ref('张三')},500.00,成功,`,
      `${ref('李四')},500.00,失败,账户已销户`,
      `${ref('赵六')},800.50,失败,户名与账号不符`,
      `${ref('王五')},800.50,成功,`,
      'NL0123456789ABCDEF,100.00,成功,',
    ].join('\n');
    const res = await file(`\uFEFF${result}`, '代发结果.csv');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('成功 2 行，失败 2 行，无法匹配 1 行');
    expect(page).toContain('本活动没有这个付款参考号');
    expect(page).toContain('账户已销户');
    // Each matched line names whom it pays, masked.
    expect(page).toMatch(/ 张\*（[0-9*X]{18}） 第1次发放/);
    // The lines to act on come first, in the file's order; the paid ones are folded below them.
    const [toCheck, folded] = page.split('<details');
    expect([...toCheck.matchAll(/<tr class="(\w+)"><td>(\d+)</g)].map((m) => [m[1], Number(m[2])])).toEqual([['failed', 3], ['failed', 4], ['unknown', 6]]);
    expect([...folded.matchAll(/<tr class="(\w+)"><td>(\d+)</g)].map((m) => [m[1], Number(m[2])])).toEqual([['paid', 2], ['paid', 5]]);
    expect(folded).toContain('成功的行（2 行）');
    const after = await payments();
    expect(Object.fromEntries(Object.entries(after).map(([n, p]) => [n, [statusOf(p), p.failure ?? '']]))).toEqual({
      张三: ['paid', ''], 李四: ['failed', '账户已销户'], 王五: ['paid', ''], 赵六: ['failed', '户名与账号不符'], 孙七: ['issued', ''],
    });

    const again = await (await file(`\uFEFF${result}`, '代发结果.csv')).text();
    expect(again).toContain('此前已记录，未重复更改');
    expect(await payments()).toEqual(after);
  });

  it('refuses a result file with problems as a whole, each row with its reason', async () => {
    const res = await file('付款参考号,金额（元）,处理结果,失败原因\nXYZ,500,成功,\nNL0123456789ABCDEF,abc,退回,', 'bad.csv');
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('第2行 付款参考号');
    expect(page).toContain('第3行 处理结果');
  });

  it('retries a failed payment once with the corrected account; the next file has only it, with a new reference; a second result marks it paid', async () => {
    const before = await payments();
    const key = `${before.李四.projectCode}#${before.李四.idHash}`;
    expect((await b.form(`/campaigns/${id}/payments/retry`, { payment: key, attempt: '1', account: '', bank: '' })).status).toBe(400);
    const invalid = await b.form(`/campaigns/${id}/payments/retry`, { payment: key, attempt: 'x', account: '12345', bank: '中国银行' });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('付款不存在，请返回页面后重试；银行账号应为12至30位数字（现为5位）');
    const retried = await b.form(`/campaigns/${id}/payments/retry`, { payment: key, attempt: '1', account: CORRECTED, bank: '中国建设银行莘庄支行' });
    expect(retried.headers.get('location')).toBe(`/campaigns/${id}/payments?notice=payment-reissued`);
    // The same form sent again (a double click, or a colleague) makes no second attempt.
    const twice = await b.form(`/campaigns/${id}/payments/retry`, { payment: key, attempt: '1', account: '6217009999999999999', bank: '中国银行' });
    expect(twice.headers.get('location')).toBe(`/campaigns/${id}/payments?notice=payment-stale`);
    expect((await payments()).李四).toMatchObject({ status: 'issued', attempt: 2 });
    expect(JSON.stringify(await listBeneficiaries(web.table, id))).not.toContain(CORRECTED);
    expect(JSON.stringify(await listPayments(web.table, id))).not.toContain(CORRECTED);

    const next = await bankFile('transfer');
    expect(next.map((r) => [r.name, r.idNo, r.account, r.bank])).toEqual([['李四', idNumber(2), CORRECTED, '中国建设银行莘庄支行']]);
    const old = first.find((r) => r.name === '李四')!.reference;
    expect(next[0].reference).not.toBe(old);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('结果');
    sheet.addRows([['付款参考号', '金额（元）', '处理结果', '失败原因'], [next[0].reference, '500', '成功', ''], [old, '500.00', '成功', ''],
      [first.find((r) => r.name === '赵六')!.reference, '800.00', '成功', '']]);
    // Every reference in it was in a bank file made or reconciled before: it is matched without reading every payment.
    const wholeReads = vi.spyOn(web.table, 'allInRanges');
    const page = await (await file(new Uint8Array(await workbook.xlsx.writeBuffer()), '第二批结果.xlsx')).text();
    expect(wholeReads).not.toHaveBeenCalled();
    wholeReads.mockRestore();
    expect(page).toContain('该参考号属于第1次发放，这笔付款已改为第2次发放');
    expect(page).toContain('金额不符：结果文件为 ¥800.00，应付 ¥800.50');
    const after = await payments();
    expect(after.李四).toMatchObject({ status: 'paid', attempt: 2 });
    expect(after.李四.attempts).toEqual([
      { attempt: 1, reference: old, outcome: 'failed', reason: '账户已销户', at: expect.any(String) },
      { attempt: 2, reference: next[0].reference, outcome: 'paid', at: expect.any(String) },
    ]);
    expect(after.赵六).toMatchObject({ status: 'failed', attempt: 1 });
    expect(await bankFile('transfer')).toEqual([]);
  });

  it('pays nobody twice, and paid + failed + issued equal the plan in every source, to the fen', async () => {
    const list = await listPayments(web.table, id);
    expect(list).toHaveLength(5);
    expect(new Set(list.map((p) => `${p.projectCode}#${p.idHash}`)).size).toBe(5);
    expect(list.filter((p) => statusOf(p) === 'paid').map(nameOf).sort()).toEqual(['张三', '李四', '王五'].sort());

    const plan = await loadPlan(web.table, (await getCampaign(web.table, id))!);
    const byLine = new Map(plan.lines.map((l) => [`${l.projectCode}#${l.idHash}`, l.split!]));
    const settled = zeroSources();
    for (const p of list) for (const k of FUNDING_SOURCE_KEYS) settled[k] += byLine.get(`${p.projectCode}#${p.idHash}`)![k];
    expect(settled).toEqual(plan.bySource);
    expect(plan.bySource.city + plan.bySource.district).toBe(3 * 50_000 + 2 * 80_050);

    const page = await (await b.get(`/campaigns/${id}/payments`)).text();
    expect(page).toContain('与计划一致');
    const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    // Each source's row: planned, issued (孙七, cash), paid, failed (赵六), and a difference of 0.
    const part = (status: string, k: 'city' | 'district') => list.filter((p) => statusOf(p) === status).reduce((n, p) => n + byLine.get(`${p.projectCode}#${p.idHash}`)![k], 0);
    for (const [k, name] of [['city', '市级'], ['district', '区级']] as const) {
      const cells = [plan.bySource[k], part('issued', k), part('paid', k), part('failed', k), 0].map((fen) => `<td class="num">${yuan(fen)}</td>`).join('');
      expect(page).toContain(`<tr><td>${name}</td>${cells}</tr>`);
    }
    expect(part('issued', 'city') * part('failed', 'city') * part('paid', 'city')).toBeGreaterThan(0);
  });
});
