import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedIdHash } from '../../../functions/core/keyed-hash.js';
import { maskIdNumber } from '../../../functions/core/masking.js';
import { storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { listVisits } from '../../../functions/data/visits.js';
import { createCampaignVia, idNumber, SECRETS, signedIn, startWeb, type Browser, type Web } from './harness.js';

let web: Web;
let b: Browser;
let id: string;

async function nominate(n: number, name: string, unit: string) {
  await storeBeneficiary(web.table, {
    campaignId: id, projectCode: 'MZ01', idHash: keyedIdHash(SECRETS.idHashKey, idNumber(n)), idMasked: maskIdNumber(idNumber(n)), name, phone: '13800138000',
    unit, category: '低保家庭', householdSize: 1, amountFen: 50000, paymentMethod: '现金', uploadId: 'u'.repeat(64), row: n + 1,
  });
}

function post(path: string, content: string | Uint8Array, fileName: string) {
  const body = new FormData();
  body.set('file', new File([typeof content === 'string' ? new TextEncoder().encode(content) : content], fileName));
  return b.request(path, { method: 'POST', body });
}

const badCheck = idNumber(9).slice(0, 17) + (idNumber(9).endsWith('0') ? '1' : '0');
const CSV = [
  '身份证号,姓名,走访日期,走访领导,职务,备注',
  `${idNumber(1)},王小明,2026-01-15,张书记,镇党委书记,送去慰问品`,
  `${idNumber(2)},李四,2026/1/16,陈局长,局长,`,
  `${badCheck},赵五,2026-01-15,张书记,,`,
  `${idNumber(3)},钱六,2026-01-15,张书记,,`,
  `${idNumber(1)},王小明,2026-02-30,张书记,,`,
  `${idNumber(1)},王小明,2099-01-01,张书记,,`,
  `${idNumber(2)},李五,2026-01-16,陈局长,,`,
  `${idNumber(1)},王小明,2026-01-20,,,`,
].join('\n');

beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  id = await createCampaignVia(web, b);
  await nominate(1, '王小明', '莘庄镇');
  await nominate(2, '李四', '区民政局');
});
afterAll(() => web.close());

describe('visits (走访慰问)', () => {
  it('offers the template, linked from the campaign page', async () => {
    expect(await (await b.get(`/campaigns/${id}`)).text()).toContain(`href="/campaigns/${id}/visits"`);
    const res = await b.get(`/campaigns/${id}/visits/template.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect((workbook.worksheets[0].getRow(1).values as unknown[]).slice(1)).toEqual(['身份证号', '姓名', '走访日期', '走访领导', '职务', '备注']);
  });

  it('imports the good rows, matched by the keyed ID hash, and reports each bad row\'s reason', async () => {
    const res = await post(`/campaigns/${id}/visits/import`, CSV, 'visits.csv');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('共 8 行，新增走访记录 <b>2</b> 条，此前已记录 0 条（未重复保存），退回 <b>6</b> 行');
    for (const reason of [
      '<td class="num">4</td><td>身份证号</td><td>校验位错误',
      '<td class="num">5</td><td>身份证号</td><td>不是本活动的帮困对象',
      '<td class="num">6</td><td>走访日期</td><td>日期格式不正确',
      '<td class="num">7</td><td>走访日期</td><td>走访日期不能晚于今天',
      '<td class="num">8</td><td>姓名</td><td>与帮困对象名单中该身份证号码的姓名不一致',
      '<td class="num">9</td><td>走访领导</td><td>必填项，不能为空',
    ]) expect(page).toContain(reason);
    const visits = await listVisits(web.table, id);
    expect(visits.map((v) => [v.unit, v.name, v.date, v.leader, v.title, v.note]).sort()).toEqual([
      ['区民政局', '李四', '2026-01-16', '陈局长', '局长', ''],
      ['莘庄镇', '王小明', '2026-01-15', '张书记', '镇党委书记', '送去慰问品'],
    ]);
    // Masked on the page; the raw ID number is neither shown nor stored.
    expect(page).toContain(maskIdNumber(idNumber(1)));
    expect(page).not.toContain(idNumber(1));
    expect(JSON.stringify(visits)).not.toContain(idNumber(1));
    expect(page).toMatch(/<tr><td>莘庄镇<\/td><td class="num">1<\/td><td class="num">1<\/td><\/tr>/);
  });

  it('adds nothing when the same file is imported again', async () => {
    const page = await (await post(`/campaigns/${id}/visits/import`, CSV, 'visits.csv')).text();
    expect(page).toContain('新增走访记录 <b>0</b> 条，此前已记录 2 条');
    expect(await listVisits(web.table, id)).toHaveLength(2);
  });

  it('reads an XLSX file with real date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('走访记录');
    ws.addRow(['身份证号', '姓名', '走访日期', '走访领导']);
    ws.addRow([idNumber(1), '王小明', new Date(Date.UTC(2026, 0, 22)), '李区长']);
    const page = await (await post(`/campaigns/${id}/visits/import`, new Uint8Array(await workbook.xlsx.writeBuffer()), 'visits.xlsx')).text();
    expect(page).toContain('新增走访记录 <b>1</b> 条');
    expect((await listVisits(web.table, id)).find((v) => v.leader === '李区长')?.date).toBe('2026-01-22');
  });

  it('records one household through the form, once, and refuses a bad one without echoing its ID number', async () => {
    const fields = { idNumber: idNumber(2), name: '李四', date: '2026年1月25日', leader: '王主任', title: '', note: '' };
    const saved = await b.form(`/campaigns/${id}/visits`, fields);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/campaigns/${id}/visits?notice=visit-saved`);
    expect((await b.form(`/campaigns/${id}/visits`, fields)).headers.get('location')).toBe(`/campaigns/${id}/visits?notice=visit-exists`);
    expect(await listVisits(web.table, id)).toHaveLength(4);

    const refused = await b.form(`/campaigns/${id}/visits`, { ...fields, idNumber: idNumber(3), date: '2026-13-01' });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('日期格式不正确');
    expect(page).not.toContain(idNumber(3));
    const unknown = await (await b.form(`/campaigns/${id}/visits`, { ...fields, idNumber: idNumber(3) })).text();
    expect(unknown).toContain('不是本活动的帮困对象');
    expect(await listVisits(web.table, id)).toHaveLength(4);
  });
});
