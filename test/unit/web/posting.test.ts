import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber } from '../../../functions/core/masking.js';
import { listBeneficiaries, storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { includedBeneficiaries } from '../../../functions/data/exclusions.js';
import { listObjections } from '../../../functions/data/objections.js';
import { getPosting, openPosting, type Posting } from '../../../functions/data/postings.js';
import { getUpload } from '../../../functions/data/uploads.js';
import { browser, createCampaignVia, CSV_HEADER, eventually, idNumber, ORIGIN, signedIn, startWeb, upload, uploadIdOf, type Browser, type Web } from './harness.js';

let web: Web;
let coordinator: Browser;
let campaignId: string;
let posting: Posting;

const NAMES = ['张小明', '李四', '<script>alert(1)</script>', '=HYPERLINK("http://evil.example")'];

beforeAll(async () => {
  web = await startWeb();
  coordinator = await signedIn(web);
  campaignId = await createCampaignVia(web, coordinator);
  // Real names come through intake, with real ID numbers; names that intake would refuse (markup,
  // formulas) are stored as another import path might store them.
  const rows = NAMES.slice(0, 2).map((name, i) => `${name},${idNumber(i + 1)},1380013800${i},莘庄镇,低保家庭,MZ01,1,,现金`);
  rows.push(`王五,${idNumber(9)},13900139000,区民政局,低保家庭,GH02,1,,现金`);
  const res = await upload(coordinator, campaignId, `${CSV_HEADER}\n${rows.join('\n')}\n`);
  const uploadId = uploadIdOf(res);
  await eventually(async () => (await getUpload(web.table, campaignId, uploadId))?.processedAt, 'intake');
  for (const [i, name] of NAMES.slice(2).entries()) {
    await storeBeneficiary(web.table, {
      campaignId, projectCode: 'MZ01', idHash: String(i).repeat(64), idMasked: maskIdNumber(idNumber(i + 3)), name, phone: '13800138009',
      unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50000, paymentMethod: '现金', uploadId: 'other', row: i + 2,
    });
  }
  expect(await listBeneficiaries(web.table, campaignId)).toHaveLength(5);
  posting = await openPosting(web.table, { campaignId, unit: '莘庄镇', openedAt: new Date().toISOString() });
});
afterAll(() => web.close());

const anyone = () => browser(web);
const objectionPage = `/campaigns/${'{id}'}/objections`;
const linesOf = (html: string) => [...html.matchAll(/<option value="([a-f0-9]{16})">第(\d+)行：([^<]*)<\/option>/g)].map((m) => ({ ref: m[1], n: Number(m[2]), label: m[3] }));

describe('the public posting page', () => {
  it('is readable without sign-in and shows masked names, masked IDs and amounts: never a raw ID, a phone or a hash', async () => {
    expect(posting.postingId).toMatch(/^[a-f0-9]{32}$/);
    const res = await anyone().get(`/posting/${posting.postingId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ['莘庄镇', '张*明', '李*', '春节帮困慰问金', '¥500.00', '7天', '提出异议', '@media print', `310***********${idNumber(1).slice(-4)}`]) expect(html).toContain(text);
    for (const secret of ['张小明', '王五', '13800138000', '13900139000', ...NAMES.map((_, i) => idNumber(i + 1))]) expect(html).not.toContain(secret);
    for (const b of await listBeneficiaries(web.table, campaignId)) expect(html).not.toContain(b.idHash);
    // A name that is markup stays text: masked, escaped, inert.
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(`&lt;${'*'.repeat(23)}&gt;`);
    expect(linesOf(html)).toHaveLength(4);
  });

  it('answers 404 for an unknown or malformed posting id', async () => {
    expect((await anyone().get(`/posting/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await anyone().get('/posting/..%2Fcampaigns')).status).toBe(404);
  });

  it('downloads the list as XLSX with masked names and IDs, amounts, and formula-like text neutralised', async () => {
    const res = await anyone().get(`/posting/${posting.postingId}?format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.getWorksheet('公示名单')!;
    expect(sheet.getRow(3).values).toEqual([undefined, '序号', '姓名', '身份证号码', '帮困项目', '金额', '状态']);
    const rows = [4, 5, 6, 7].map((r) => sheet.getRow(r).values as unknown[]);
    expect(rows.map((r) => r[2]).sort()).toEqual(['张*明', '李*', `<${'*'.repeat(23)}>`, `'=${'*'.repeat(31)})`].sort());
    for (const r of rows) {
      expect(r[3]).toMatch(/^310\*{11}\d{3}[\dX]$/);
      expect(r[5]).toBe('¥500.00');
    }
    for (let r = 4; r <= 7; r++) expect(sheet.getCell(`B${r}`).formula).toBeUndefined();
    const all = JSON.stringify(sheet.getSheetValues());
    for (const secret of ['张小明', '1380013800', ...NAMES.map((_, i) => idNumber(i + 1))]) expect(all).not.toContain(secret);
  });
});

describe('objections', () => {
  it('refuses an invalid objection with zh-CN reasons and keeps what was typed', async () => {
    const res = await anyone().form(`/posting/${posting.postingId}`, { line: 'nope', reason: '短', contact: '<b>x</b>' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('请选择要提出异议的名单行');
    expect(html).toContain('异议理由至少5个字');
    expect(html).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
    const unknownLine = await anyone().form(`/posting/${posting.postingId}`, { line: 'f'.repeat(16), reason: '该户已迁出本区多年' });
    expect(unknownLine.status).toBe(400);
    expect(await listObjections(web.table, campaignId)).toHaveLength(0);
  });

  it('an objection holds exactly one line; dismissed releases it, upheld removes it', async () => {
    const lines = linesOf(await (await anyone().get(`/posting/${posting.postingId}`)).text());
    const first = lines.find((l) => l.label.startsWith('张*明'))!;
    const second = lines.find((l) => l.label.startsWith('李*'))!;
    const filed = await anyone().form(`/posting/${posting.postingId}`, { line: second.ref, reason: '该户已有稳定收入', contact: '13700137000' });
    expect(filed.status).toBe(303);
    expect(filed.headers.get('location')).toBe(`/posting/${posting.postingId}?filed=1`);
    const after = await (await anyone().get(`/posting/${posting.postingId}?filed=1`)).text();
    expect(after).toContain('您的异议已提交');
    expect(after.match(/<td>异议核实中<\/td>/g)).toHaveLength(1);
    expect(after.match(/<td>公示中<\/td>/g)).toHaveLength(3);
    expect(after).toContain(`<td class="num">${second.n}</td><td>李*</td>`);
    expect(after).not.toContain('13700137000');

    // The coordinator sees the objection with who it names and the contact, and dismisses it.
    const page = await coordinator.get(objectionPage.replace('{id}', campaignId));
    expect(page.status).toBe(200);
    const review = await page.text();
    for (const text of ['待处理的异议（1）', '李四', '该户已有稳定收入', '13700137000', `/posting/${posting.postingId}`]) expect(review).toContain(text);
    const [held] = await listObjections(web.table, campaignId);
    const resolve = `/campaigns/${campaignId}/objections/${held.objectionId}/resolve`;
    expect((await coordinator.form(resolve, { outcome: 'dismissed', reason: '' })).status).toBe(400);
    expect((await anyone().form(resolve, { outcome: 'upheld', reason: '未登录' })).status).toBe(303);
    expect((await listObjections(web.table, campaignId))[0].status).toBe('open');
    const dismissed = await coordinator.form(resolve, { outcome: 'dismissed', reason: '经核实仍符合条件' });
    expect(dismissed.headers.get('location')).toBe(`/campaigns/${campaignId}/objections?notice=resolved`);
    expect((await coordinator.form(resolve, { outcome: 'upheld', reason: '再试一次' })).headers.get('location')).toContain('notice=already-resolved');
    expect((await listObjections(web.table, campaignId))[0]).toMatchObject({ status: 'dismissed', resolution: { outcome: 'dismissed', by: 'coordinator@mzj.example.cn' } });
    expect((await (await anyone().get(`/posting/${posting.postingId}`)).text()).match(/<td>公示中<\/td>/g)).toHaveLength(4);

    // Another objection, upheld: the line is off the list and out of the register.
    await anyone().form(`/posting/${posting.postingId}`, { line: first.ref, reason: '该户家庭收入超过标准' });
    const upheldOne = (await listObjections(web.table, campaignId)).find((o) => o.status === 'open')!;
    await coordinator.form(`/campaigns/${campaignId}/objections/${upheldOne.objectionId}/resolve`, { outcome: 'upheld', reason: '经核实收入超标' });
    const final = await (await anyone().get(`/posting/${posting.postingId}`)).text();
    expect(final.match(/<td>已移出名单<\/td>/g)).toHaveLength(1);
    expect(final.match(/<td>公示中<\/td>/g)).toHaveLength(3);
    expect((await includedBeneficiaries(web.table, campaignId)).map((b) => b.name)).not.toContain('张小明');
    expect(await (await coordinator.get(objectionPage.replace('{id}', campaignId))).text()).toContain('异议成立，已移出名单');
  });

  it('refuses objections once the window has passed', async () => {
    const [line] = linesOf(await (await anyone().get(`/posting/${posting.postingId}`)).text());
    web.clock.offsetMs = 8 * 86_400_000;
    try {
      const res = await anyone().form(`/posting/${posting.postingId}`, { line: line.ref, reason: '该户已迁出本区多年' });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('公示期已结束');
    } finally {
      web.clock.offsetMs = 0;
    }
  });

  it('rate-limits one sender, not everyone', async () => {
    const second = await openPosting(web.table, { campaignId, unit: '区民政局', openedAt: new Date().toISOString() });
    const [line] = linesOf(await (await anyone().get(`/posting/${second.postingId}`)).text());
    const post = (ip: string) =>
      web.app.request(`/posting/${second.postingId}`, { method: 'POST', headers: { origin: ORIGIN }, body: new URLSearchParams({ line: line.ref, reason: '该户已迁出本区多年' }) }, { requestContext: { http: { sourceIp: ip } } });
    for (let i = 0; i < 5; i++) expect((await post('203.0.113.7')).status).toBe(303);
    const limited = await post('203.0.113.7');
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('今天提交的异议已达上限');
    expect((await post('203.0.113.8')).status).toBe(303);
    expect((await getPosting(web.table, second.postingId))?.status).toBe('open');
  });

  it('lets the coordinator set the posting period, 1 to 30 days', async () => {
    expect((await coordinator.form(`/campaigns/${campaignId}/posting-days`, { days: '31' })).status).toBe(400);
    expect((await coordinator.form(`/campaigns/${campaignId}/posting-days`, { days: 'abc' })).status).toBe(400);
    expect((await coordinator.form(`/campaigns/${campaignId}/posting-days`, { days: '10' })).status).toBe(303);
    const next = await openPosting(web.table, { campaignId, unit: '莘庄镇', openedAt: '2025-01-10T00:00:00.000Z' });
    expect(next).toMatchObject({ days: 10, endsAt: '2025-01-20T00:00:00Z', lineCount: 3 });
  });

  it('renders a name or a reason that is markup as text on the coordinator\'s page', async () => {
    const line = linesOf(await (await anyone().get(`/posting/${posting.postingId}`)).text()).find((l) => l.label.startsWith('&lt;'))!;
    expect((await anyone().form(`/posting/${posting.postingId}`, { line: line.ref, reason: '<img src=x onerror=alert(2)>不符合条件' })).status).toBe(303);
    const review = await (await coordinator.get(objectionPage.replace('{id}', campaignId))).text();
    expect(review).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(review).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(review).not.toContain('<script>alert');
    expect(review).not.toContain('<img src=x');
  });
});
