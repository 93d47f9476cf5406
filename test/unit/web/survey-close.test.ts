import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCampaign } from '../../../functions/data/campaigns.js';
import { listConflicts } from '../../../functions/data/conflicts.js';
import { getGate } from '../../../functions/data/gates.js';
import { getUpload } from '../../../functions/data/uploads.js';
import { checkCoverage } from '../../../functions/steps/survey-coverage.js';
import { findConflicts } from '../../../functions/steps/survey-dedup.js';
import { browser, createCampaignVia, CSV_HEADER, eventually, idNumber, importProjects, signedIn, startWeb, upload, type Browser, type Web } from './harness.js';

let web: Web;
let b: Browser;
beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
});
afterAll(() => web.close());

const REGISTER_HEADER = '姓名,身份证号码,所属单位,登记类别';
const postFile = (path: string, content: string | Uint8Array, fileName: string) => {
  const body = new FormData();
  body.set('file', new File([typeof content === 'string' ? new TextEncoder().encode(content) : content], fileName));
  return b.request(path, { method: 'POST', body });
};
const intakeDone = async (campaignId: string, res: Response) => {
  const uploadId = /\/uploads\/([a-f0-9]{64})/.exec(res.headers.get('location') ?? '')![1];
  await eventually(async () => (await getUpload(web.table, campaignId, uploadId))?.processedAt, 'intake');
};

describe('排摸 close: exclusive pairs, registers, conflicts and coverage through the pages', () => {
  let id: string;

  it('stores the exclusive pairs typed on the campaign form', async () => {
    id = await createCampaignVia(web, b, { exclusivePairs: 'mz01,GH02' } as Parameters<typeof createCampaignVia>[2]);
    expect((await getCampaign(web.table, id))?.exclusivePairs).toEqual([['GH02', 'MZ01']]);
    const refused = await b.form('/campaigns', { name: 'x', units: '莘庄镇', categories: '低保家庭', projects: 'MZ01,慰问金,500', exclusivePairs: 'MZ01,XX01', approvers: 'a@b.cn', callbackStaff: 'c@d.cn' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('第1行：“XX01”不是本活动的帮困项目编码');
  });

  it('loads a base register during 排摸, keeping no ID number, and takes the same file twice as one', async () => {
    const page = await (await b.get(`/campaigns/${id}/registers`)).text();
    expect(page).toContain('上传名册');
    const file = [REGISTER_HEADER, `张三,${idNumber(1)},莘庄镇,低保`, `赵六,${idNumber(9)},莘庄镇,特困`, `钱七,${idNumber(10)},外区,低保`].join('\n');
    const res = await postFile(`/campaigns/${id}/registers`, file, '低保特困名册.csv');
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/registers\/[a-f0-9]{64}\?notice=register-loaded$/);
    const result = await (await b.get(location)).text();
    expect(result).toContain('名册已导入');
    expect(result).toMatch(/<th>导入户数<\/th><td class="num">2<\/td>/);
    expect(result).toContain('“外区”不在单位名单中');
    for (const n of [1, 9, 10]) expect(result).not.toContain(idNumber(n));

    const again = await postFile(`/campaigns/${id}/registers`, file, 'copy.csv');
    expect(again.headers.get('location')).toContain('notice=register-duplicate');
    const list = await (await b.get(`/campaigns/${id}/registers`)).text();
    expect(list).toMatch(/<td>低保<\/td><td class="num">1<\/td>/);
    expect(list).toMatch(/<td>特困<\/td><td class="num">1<\/td>/);
    expect(list).toContain('低保特困名册.csv');
    expect(list).not.toContain('copy.csv');
    // Coordinators only.
    expect((await browser(web).get(`/campaigns/${id}/registers`)).headers.get('location')).toBe('/signin');
  });

  it('refuses 部署 while a conflict is open, resolves it with a reason, then starts 部署', async () => {
    // The same person, nominated by two units for the two exclusive projects.
    await intakeDone(id, await upload(b, id, [CSV_HEADER, `张三,${idNumber(1)},13800138000,区民政局,低保家庭,MZ01,3,,社保卡`, `李四,${idNumber(2)},13800138001,区民政局,低保家庭,MZ01,1,,现金`].join('\n'), '区民政局.csv'));
    await intakeDone(id, await upload(b, id, [CSV_HEADER, `张三,${idNumber(1)},13800138000,莘庄镇,低保家庭,GH02,3,,社保卡`].join('\n'), '莘庄镇.csv'));
    expect((await b.form(`/campaigns/${id}/phases/survey/start`, {})).status).toBe(303);
    await eventually(() => getGate(web.table, id, 'deploy'), 'the deploy gate');
    // The stand-in survey workflow of the harness marks the phase done; its close steps run here.
    await findConflicts({ campaignId: id }, { table: web.table });
    await checkCoverage({ campaignId: id }, { table: web.table });
    expect((await postFile(`/campaigns/${id}/registers`, `${REGISTER_HEADER}\n王五,${idNumber(3)},莘庄镇,低保`, 'late.csv')).status).toBe(409);

    const page = await (await b.get(`/campaigns/${id}`)).text();
    expect(page).toContain('互斥项目冲突');
    expect(page).toContain('待处理 <b>1</b> 个');
    expect(page).toContain('310***********');
    expect(page).not.toContain(idNumber(1));
    expect(page).not.toContain(idNumber(9));
    expect(page).toMatch(/保留「春节帮困慰问金（MZ01）」（区民政局申报）/);
    expect(page).toContain('未被任何项目覆盖 1 户');
    expect(page).toContain('赵六');
    expect(page).toMatch(/<button type="submit" disabled>启动「部署」阶段/);
    expect(page).toContain('还有 1 个互斥项目冲突待处理');

    const refused = await b.form(`/campaigns/${id}/phases/deploy/start`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('还有 1 个互斥项目冲突待处理');

    const [conflict] = await listConflicts(web.table, id);
    const resolvePath = `/campaigns/${id}/conflicts/${conflict.id}/resolve`;
    expect(page).toContain(`action="${resolvePath}"`);
    const noReason = await b.form(resolvePath, { keep: 'MZ01', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('处理冲突必须填写原因');
    expect((await b.form(resolvePath, { keep: 'XX01', reason: '测试' })).status).toBe(400);
    expect((await b.form(`/campaigns/${id}/conflicts/${'0'.repeat(32)}/resolve`, { keep: 'MZ01', reason: '测试' })).status).toBe(404);

    const resolved = await b.form(resolvePath, { keep: 'MZ01', reason: '低保家庭优先享受民政慰问' });
    expect(resolved.headers.get('location')).toBe(`/campaigns/${id}?notice=conflict-resolved#conflicts`);
    const twice = await b.form(resolvePath, { keep: 'GH02', reason: '改主意' });
    expect(twice.headers.get('location')).toContain('notice=conflict-already-resolved');
    const after = await (await b.get(`/campaigns/${id}`)).text();
    expect(after).toContain('已处理：保留「春节帮困慰问金（MZ01）」');
    expect(after).toContain('低保家庭优先享受民政慰问');
    expect(after).not.toContain('改主意');
    // 部署 needs a plan within budget: the projects' funding.
    expect((await importProjects(b, id)).status).toBe(303);
    const status = await (await b.get(`/api/campaigns/${id}`)).json() as { conflicts: unknown; beneficiaries: { count: number; excluded: number }; startReasons: string[] };
    expect(status.conflicts).toEqual({ open: 0, resolved: 1 });
    expect(status.beneficiaries).toMatchObject({ count: 2, excluded: 1 });
    expect(status.startReasons).toEqual([]);

    expect((await b.form(`/campaigns/${id}/phases/deploy/start`, {})).status).toBe(303);
    // Once 部署 has started, conflicts are settled as they are.
    expect((await b.form(resolvePath, { keep: 'GH02', reason: '改主意' })).status).toBe(409);
  });
});

describe('base registers', () => {
  it('loads an XLSX register too, its ID numbers kept as text', async () => {
    const id = await createCampaignVia(web, b);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名册');
    sheet.addRow(['姓名', '身份证号码', '所属单位', '登记类别']);
    sheet.addRow(['周九', idNumber(20), '莘庄镇', '低收入']);
    sheet.addRow(['吴十', idNumber(21), '区民政局', '低收入']);
    const res = await postFile(`/campaigns/${id}/registers`, new Uint8Array(await book.xlsx.writeBuffer()), '低收入名册.xlsx');
    expect(res.status).toBe(303);
    const page = await (await b.get(res.headers.get('location')!)).text();
    expect(page).toMatch(/<th>其中：低收入<\/th><td class="num">2<\/td>/);
    expect(page).toContain('全部数据行均已导入');
  });

  it('refuses a file that is not a register, naming the missing columns', async () => {
    const id = await createCampaignVia(web, b);
    const res = await postFile(`/campaigns/${id}/registers`, `${CSV_HEADER}\n张三,${idNumber(1)},13800138000,莘庄镇,低保家庭,MZ01,3,,社保卡`, 'wrong.csv');
    expect(res.headers.get('location')).toMatch(/notice=register-refused$/);
    const page = await (await b.get(res.headers.get('location')!)).text();
    expect(page).toContain('名册未导入');
    expect(page).not.toContain('名册已导入');
    expect(page).toContain('表头缺少“登记类别”列');
    expect(page).toMatch(/<th>导入户数<\/th><td class="num">0<\/td>/);
  });
});
