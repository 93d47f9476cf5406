import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign } from '../../../functions/data/campaigns.js';
import { createLink } from '../../../functions/data/links.js';
import { saveSample } from '../../../functions/data/samples.js';
import { browser, SECRETS, startWeb, type Web } from './harness.js';

let web: Web;
let credential: string;
const STAFF = 'caller1@mzj.example.cn';

beforeAll(async () => {
  web = await startWeb();
  const campaign = await createCampaign(web.table, {
    name: '2025年春节帮困', coordinator: 'c@mzj.example.cn', units: ['莘庄镇'], categories: ['低保家庭'],
    projects: [{ code: 'MZ01', name: '春节帮困慰问金', amountFen: 50000 }], approvers: ['a@mzj.example.cn'], callbackStaff: [STAFF, 'caller2@mzj.example.cn'],
  });
  const people = [
    { name: '=HYPERLINK("x")', phone: '13800138000', idHash: 'a'.repeat(64), paymentMethod: '社保卡' },
    { name: '<img src=x onerror=alert(1)>', phone: '021-64123456', idHash: 'b'.repeat(64), paymentMethod: '实物（礼包）' },
    { name: '王五', phone: '13900139000', idHash: 'c'.repeat(64), paymentMethod: '现金' },
  ] as const;
  for (const p of people) {
    await storeBeneficiary(web.table, {
      campaignId: campaign.id, projectCode: 'MZ01', idHash: p.idHash, idMasked: '310***********123X', name: p.name, phone: p.phone,
      unit: '莘庄镇', category: '低保家庭', householdSize: 2, amountFen: 50000, paymentMethod: p.paymentMethod, uploadId: 'u', row: 2,
    });
  }
  await saveSample(web.table, {
    campaignId: campaign.id, commitment: 'f'.repeat(64), seed: 'e'.repeat(64), drawnAt: new Date().toISOString(), population: 3,
    assignments: { [STAFF]: [`MZ01#${'a'.repeat(64)}`, `MZ01#${'b'.repeat(64)}`], 'caller2@mzj.example.cn': [`MZ01#${'c'.repeat(64)}`] },
  });
  credential = await createLink(web.table, SECRETS.linkKey, { kind: 'callback', email: STAFF, campaignId: campaign.id }, 24 * 14);
});
afterAll(() => web.close());

describe('callback lists', () => {
  it('shows the phone numbers, never the ID numbers, and renders names inert', async () => {
    const res = await browser(web).get(`/callback/${credential}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ['13800138000', '021-64123456', '春节帮困慰问金', '¥500.00', '· 社保卡 ·', '· 实物（礼包） ·', '莘庄镇', '话术', '是否接通', '是否足额收到', '是否走访', '满意度', '备注']) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('13900139000'); // someone else's list
    expect(html).not.toContain('· 现金 ·');
    expect(html).not.toContain('310***');
    expect(html).not.toContain('<th>身份证');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain(credential);
    // The link is not single-use.
    expect((await browser(web).get(`/callback/${credential}`)).status).toBe(200);
  });

  it('downloads an XLSX whose formula-like text is neutralised', async () => {
    for (const path of [`/callback/${credential}/list.xlsx`, `/callback/${credential}?format=xlsx`]) {
      const res = await browser(web).get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await res.arrayBuffer());
      const list = book.getWorksheet('回访名单')!;
      expect(list.getRow(1).values).toEqual([undefined, '序号', '姓名', '联系电话', '帮困项目', '金额', '发放方式', '所属单位', '回访结果', '备注']);
      expect(list.getCell('F2').value).toBe('社保卡');
      expect(list.getCell('B2').value).toBe('\'=HYPERLINK("x")');
      expect(list.getCell('B2').formula).toBeUndefined();
      expect(list.getCell('C2').value).toBe('13800138000');
      expect(list.getCell('C3').value).toBe('021-64123456');
      expect(list.rowCount).toBe(3);
      const cells = JSON.stringify(list.getSheetValues());
      expect(cells).not.toContain('310***');
      expect(book.getWorksheet('话术')?.getCell('A2').value).toContain('您好');
    }
  });

  it('refuses forged links (403) and expired ones (410)', async () => {
    expect((await browser(web).get(`/callback/${credential.slice(0, -4)}AAAA`)).status).toBe(403);
    expect((await browser(web).get(`/callback/${credential.slice(0, -4)}AAAA/list.xlsx`)).status).toBe(403);
    web.clock.offsetMs = 15 * 24 * 3600_000;
    try {
      const res = await browser(web).get(`/callback/${credential}`);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('已过期');
    } finally {
      web.clock.offsetMs = 0;
    }
  });
});
