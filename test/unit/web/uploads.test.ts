// Uploads through the web app: the downloadable error files, corrected files, progress and encodings.
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_SHEET } from '../../../functions/core/intake-file.js';
import { listBeneficiaries } from '../../../functions/data/beneficiaries.js';
import { keys } from '../../../functions/data/keys.js';
import { CHUNK_BYTES, getUpload, saveUpload, type Upload } from '../../../functions/data/uploads.js';
import { makeId } from '../core/fixtures.js';
import { createCampaignVia, CSV_HEADER, eventually, idNumber, signedIn, startWeb, upload, type Browser, type Web, uploadIdOf } from './harness.js';

let web: Web;
let b: Browser;
beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
});
afterAll(() => web.close());


/** Uploads a file and waits until intake recorded its outcome. */
async function uploaded(campaignId: string, content: string | Uint8Array, fileName = 'list.csv', ms?: number): Promise<Upload> {
  const res = await upload(b, campaignId, content, fileName);
  expect(res.status).toBe(303);
  const uploadId = uploadIdOf(res);
  return eventually(async () => {
    const u = await getUpload(web.table, campaignId, uploadId);
    return u?.processedAt ? u : undefined;
  }, 'intake of the upload', ms);
}

const BAD_ID = '110105194912310021';
const BAD_CSV = [
  `${CSV_HEADER},备注`,
  `张三,${idNumber(1)},13800138000,莘庄镇,低保家庭,MZ01,3,,社保卡,`,
  `李四,${BAD_ID},1380013,莘庄镇,低保家庭,MZ01,3,,社保卡,第一次上报`,
  `"=HYPERLINK(""http://evil.example"",""点我"")",${idNumber(3)},13900139000,外区,低保家庭,MZ01,2,,现金,@备注`,
].join('\n');
const TEMPLATE_HEADERS = ['姓名', '身份证号码', '联系电话', '所属单位', '帮困类别', '帮困项目', '家庭人数', '发放金额(元)', '发放方式', '银行账号', '开户银行'];

describe('the error file', () => {
  let campaignId: string;
  let bad: Upload;
  beforeAll(async () => {
    campaignId = await createCampaignVia(web, b);
    bad = await uploaded(campaignId, BAD_CSV, '东区名单.csv');
  });
  const base = () => `/campaigns/${campaignId}/uploads/${bad.id}`;

  it('as XLSX: the template\'s sheet with the rejected rows as sent and 错误原因, formulas neutralised', async () => {
    const res = await b.get(`${base()}/errors.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('退回的行-东区名单.xlsx')}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.getWorksheet(DATA_SHEET)!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([...TEMPLATE_HEADERS, '备注', '错误原因']);
    expect(sheet.rowCount).toBe(3);
    expect(values(2)).toEqual(['李四', BAD_ID, '1380013', '莘庄镇', '低保家庭', 'MZ01', '3', '', '社保卡', '', '', '第一次上报', expect.any(String)]);
    expect(values(2)[12]).toMatch(/^身份证号码：校验位错误.+；联系电话：手机号码应为11位/);
    expect(values(3)).toEqual([
      `'=HYPERLINK("http://evil.example","点我")`, idNumber(3), '13900139000', '外区', '低保家庭', 'MZ01', '2', '', '现金', '', '', `'@备注`,
      '姓名：姓名不能包含数字或符号；所属单位：“外区”不在单位名单中，请从下拉列表选择',
    ]);
  });

  it('as CSV: UTF-8 with BOM, the same columns and rows', async () => {
    const res = await b.get(`${base()}/errors.csv`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('退回的行-东区名单.csv'));
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes, { bom: true }) as string[][];
    expect(rows[0]).toEqual([...TEMPLATE_HEADERS, '备注', '错误原因']);
    expect(rows.slice(1).map((r) => r.slice(0, 12))).toEqual([
      ['李四', BAD_ID, '1380013', '莘庄镇', '低保家庭', 'MZ01', '3', '', '社保卡', '', '', '第一次上报'],
      [`'=HYPERLINK("http://evil.example","点我")`, idNumber(3), '13900139000', '外区', '低保家庭', 'MZ01', '2', '', '现金', '', '', `'@备注`],
    ]);
    expect(rows[2][12]).toBe('姓名：姓名不能包含数字或符号；所属单位：“外区”不在单位名单中，请从下拉列表选择');
  });

  it('the page offers both and lists every reason by row and column, never the raw ID number', async () => {
    const html = await (await b.get(base())).text();
    expect(html).toContain(`href="${base()}/errors.xlsx"`);
    expect(html).toContain(`href="${base()}/errors.csv"`);
    expect(html).toMatch(/<td class="num">3<\/td><td>身份证号码<\/td><td>校验位错误/);
    expect(html).toMatch(/<th>退回行数<\/th><td class="num">2<\/td>/);
    expect(html).not.toContain(BAD_ID);
    expect(html).not.toContain(idNumber(3));
  });

  it('corrected and uploaded again, the XLSX error file is read with its 错误原因 column ignored', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await b.get(`${base()}/errors.xlsx`)).arrayBuffer());
    const sheet = workbook.getWorksheet(DATA_SHEET)!;
    sheet.getRow(2).getCell(2).value = idNumber(2);
    sheet.getRow(2).getCell(3).value = '13800138002';
    sheet.getRow(3).getCell(1).value = '王五';
    sheet.getRow(3).getCell(4).value = '莘庄镇';
    const fixed = await uploaded(campaignId, Buffer.from(await workbook.xlsx.writeBuffer()), '退回的行-东区名单.xlsx');
    expect(fixed).toMatchObject({ rowCount: 2, storedCount: 2, rejectedCount: 0, errors: [] });
    expect(fixed.rejectedRows).toBeUndefined();
  });

  it('is not there for a file without rejected rows, nor before the file is processed', async () => {
    const good = await uploaded(campaignId, `${CSV_HEADER}\n赵六,${idNumber(6)},13800138006,莘庄镇,低保家庭,MZ01,1,,现金`);
    expect((await b.get(`/campaigns/${campaignId}/uploads/${good.id}/errors.xlsx`)).status).toBe(404);
    expect(await (await b.get(`/campaigns/${campaignId}/uploads/${good.id}`)).text()).not.toContain('errors.xlsx');
    const waiting = 'b'.repeat(64);
    await saveUpload(web.table, { campaignId, id: waiting, fileName: 'w.csv', uploadedAt: new Date().toISOString(), uploadedBy: 'x@y.cn', chunkCount: 0, rowCount: 0, acceptedCount: 0, errors: [] });
    expect((await b.get(`/campaigns/${campaignId}/uploads/${waiting}/errors.csv`)).status).toBe(409);
  });

  it('says so when it holds only the first of the rejected rows, and when the errors were too many to list', async () => {
    const id = 'c'.repeat(64);
    await saveUpload(web.table, {
      campaignId, id, fileName: 'big.csv', uploadedAt: new Date().toISOString(), uploadedBy: 'x@y.cn', chunkCount: 0, rowCount: 9000, acceptedCount: 0,
      rejectedCount: 9000, errorCount: 9000, processedAt: new Date().toISOString(),
      errors: [{ row: 2, column: '所属单位', reason: '“外区”不在单位名单中，请从下拉列表选择' }],
      rejectedRows: { headers: TEMPLATE_HEADERS, rows: [{ row: 2, values: TEMPLATE_HEADERS.map(() => ''), reasons: '所属单位：……' }], total: 9000 },
    });
    const html = await (await b.get(`/campaigns/${campaignId}/uploads/${id}`)).text();
    expect(html).toContain('共退回 9000 行，错误文件只包含前 1 行');
    expect(html).toContain('问题共 9000 条，太多无法全部列出，下面只列出前 1 条');
    expect(html).toMatch(/<th>问题条数<\/th><td class="num">9000<\/td>/);
  });
});

describe('the error file once 排摸 has started', () => {
  it('is refused with the reason, on the download and on the page', async () => {
    const campaignId = await createCampaignVia(web, b);
    const bad = await uploaded(campaignId, BAD_CSV, '东区名单.csv');
    expect((await b.get(`/campaigns/${campaignId}/uploads/${bad.id}/errors.csv`)).status).toBe(200);
    expect((await b.form(`/campaigns/${campaignId}/phases/survey/start`, {})).status).toBe(303);
    for (const file of ['errors.csv', 'errors.xlsx']) {
      const res = await b.get(`/campaigns/${campaignId}/uploads/${bad.id}/${file}`);
      expect(res.status).toBe(410);
      expect(res.headers.get('content-disposition')).toBeNull();
      const text = await res.text();
      expect(text).toContain('「排摸」阶段已结束：为保护个人信息，退回行的原始数据（含身份证号码）在排摸结束时已删除');
      expect(text).not.toContain(BAD_ID);
    }
    const page = await (await b.get(`/campaigns/${campaignId}/uploads/${bad.id}`)).text();
    expect(page).not.toContain('errors.xlsx');
    expect(page).toContain('不能再下载错误文件');
  });
});

describe('a corrected file', () => {
  it('updates the people it names, adds the new ones, and the pages show which was which', async () => {
    const campaignId = await createCampaignVia(web, b);
    const people = [
      `张三,${idNumber(1)},13800138000,莘庄镇,低保家庭,MZ01,3,,社保卡`,
      `李四,${idNumber(2)},021-64123456,区民政局,低收入困难家庭,GH02,1,1000,实物(礼包)`,
      `王五,${idNumber(3)},13900139000,莘庄镇,低保家庭,MZ01,2,,社保卡`,
      `孙七,${idNumber(5)},13600136000,莘庄镇,低保家庭,MZ01,1,,粮油卡`,
    ];
    const first = await uploaded(campaignId, [CSV_HEADER, ...people].join('\n'), '莘庄镇.csv');
    expect(first).toMatchObject({ storedCount: 4, updatedCount: 0, unchangedCount: 0 });
    const methods = async () => Object.fromEntries((await listBeneficiaries(web.table, campaignId)).map((p) => [p.name, p.paymentMethod]));
    expect(await methods()).toEqual({ 张三: '社保卡', 李四: '实物（礼包）', 王五: '社保卡', 孙七: '粮油卡' });
    // The same name, one phone and one payment method corrected, one person added.
    const corrected = [
      CSV_HEADER, people[0].replace('13800138000', '13800138999'), people[1], people[2].replace('社保卡', '现金'), people[3],
      `赵六,${idNumber(4)},13700137000,莘庄镇,低保家庭,MZ01,1,,现金`,
    ];
    const second = await uploaded(campaignId, corrected.join('\n'), '莘庄镇.csv');
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ rowCount: 5, storedCount: 1, updatedCount: 2, unchangedCount: 2, rejectedCount: 0 });
    expect(await methods()).toEqual({ 张三: '社保卡', 李四: '实物（礼包）', 王五: '现金', 孙七: '粮油卡', 赵六: '现金' });

    const page = await (await b.get(`/campaigns/${campaignId}/uploads/${second.id}`)).text();
    expect(page).toMatch(/<th>新入库<\/th><td class="num">1<\/td>/);
    expect(page).toMatch(/<th>已更新[^<]*<\/th><td class="num">2<\/td>/);
    expect(page).toMatch(/<th>无变化[^<]*<\/th><td class="num">2<\/td>/);
    expect(page).toMatch(/<th>退回行数<\/th><td class="num">0<\/td>/);

    const campaignPage = await (await b.get(`/campaigns/${campaignId}`)).text();
    expect(campaignPage).toContain('<th class="num">行数</th><th class="num">新入库</th><th class="num">更新</th><th class="num">无变化</th><th class="num">退回</th>');
    const cells = (u: Upload) => {
      const row = new RegExp(`<a href="/campaigns/${campaignId}/uploads/${u.id}">[\\s\\S]*?</tr>`).exec(campaignPage)![0];
      return [...row.matchAll(/<td class="num">(\d*)<\/td>/g)].map((m) => Number(m[1]));
    };
    expect(cells(first)).toEqual([4, 4, 0, 0, 0]);
    expect(cells(second)).toEqual([5, 1, 2, 2, 0]);
  });
});

describe('progress', () => {
  it('shows 已处理 X / Y 行 on the auto-refreshing page and in the campaign\'s uploads table, its totals and plan marked as settling', async () => {
    const campaignId = await createCampaignVia(web, b);
    const id = 'd'.repeat(64);
    await saveUpload(web.table, {
      campaignId, id, fileName: 'big.csv', uploadedAt: new Date().toISOString(), uploadedBy: 'x@y.cn', chunkCount: 0, rowCount: 0, acceptedCount: 0,
      errors: [], progress: { rowsDone: 1500, rowsTotal: 3210 },
    });
    const page = await (await b.get(`/campaigns/${campaignId}/uploads/${id}`)).text();
    expect(page).toContain('已处理 1500 / 3210 行');
    expect(page).toContain('<meta http-equiv="refresh" content="2">');
    const campaignPage = await (await b.get(`/campaigns/${campaignId}`)).text();
    expect(campaignPage).toContain('处理中（已处理 1500 / 3210 行）');
    expect(campaignPage).toContain('名单文件处理中：下表为处理前的统计，处理完成后更新。');
    expect(((await (await b.get(`/api/campaigns/${campaignId}`)).json()) as { beneficiaries: unknown }).beneficiaries).toMatchObject({ count: 0, settling: true });
    expect(await (await b.get(`/campaigns/${campaignId}/plan`)).text()).toContain('名单文件处理中：下面是处理前的计划，处理完成后更新。');
  });
});

describe('a file larger than one item', () => {
  it('is kept in chunks until processed in batches, and nothing of it is left afterwards', async () => {
    const campaignId = await createCampaignVia(web, b);
    const id = (n: number) => makeId('310112', `1960${String(1 + (n % 12)).padStart(2, '0')}${String(1 + Math.floor(n / 12) % 28).padStart(2, '0')}`, String(100 + Math.floor(n / 336)).padStart(3, '0'));
    const rows = Array.from({ length: 3000 }, (_, n) => `欧阳明明,${id(n)},139${String(n).padStart(8, '0')},莘庄镇,低保家庭,MZ01,3,,社保卡,社区第${n}号帮困对象`);
    const file = [`${CSV_HEADER},备注`, ...rows, `张三,${id(0)},13800138000,莘庄镇,低保家庭,MZ01,3,,社保卡,`].join('\n');
    expect(Buffer.byteLength(file)).toBeGreaterThan(CHUNK_BYTES);
    const done = await uploaded(campaignId, file, '莘庄镇.csv', 20_000);
    expect(done).toMatchObject({ chunkCount: 2, batchCount: 6, rowCount: 3001, acceptedCount: 3000, storedCount: 3000, rejectedCount: 1, progress: { rowsDone: 3001, rowsTotal: 3001 } });
    // Duplicates within the file are found across batches: the last row repeats the first.
    expect(done.errors).toEqual([{ row: 3002, column: '身份证号码', reason: expect.stringContaining('第2行') }]);
    // Finish records the outcome first, then deletes the chunks and batches: wait for those deletes too.
    await eventually(async () => (await web.table.all(keys.uploadChunk(campaignId, done.id, 0).pk)).length === 0, 'the upload\'s parts to be deleted');
  });
});

describe('encodings', () => {
  it('takes a GBK file as Excel in China saves it, and says how it was read', async () => {
    const campaignId = await createCampaignVia(web, b);
    // The GBK bytes, looked up with the decoder (see test/unit/core/intake-encoding.test.ts).
    const decoder = new TextDecoder('gbk');
    const codes = new Map<string, number[]>();
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (trail !== 0x7f && !codes.has(ch)) codes.set(ch, [lead, trail]);
      }
    }
    const gbk = (text: string) => Uint8Array.from(Array.from(text).flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : codes.get(ch)!)));
    const done = await uploaded(campaignId, gbk(`${CSV_HEADER}\r\n张三,${idNumber(1)},13800138000,莘庄镇,低保家庭,MZ01,3,,实物（礼包）\r\n`), 'gbk.csv');
    expect(done).toMatchObject({ storedCount: 1, encoding: 'gb18030' });
    expect(await (await b.get(`/campaigns/${campaignId}/uploads/${done.id}`)).text()).toContain('文件编码：GBK/GB18030');
  });

  it('refuses a file in no encoding it can read, with the reason and without mojibake', async () => {
    const campaignId = await createCampaignVia(web, b);
    const done = await uploaded(campaignId, Uint8Array.from([...Buffer.from('姓名\r\n', 'utf16le')]), 'utf16-no-bom.csv');
    expect(done.errors).toEqual([{ row: 0, column: '文件', reason: expect.stringContaining('编码无法识别') }]);
    expect(done.rejectedRows).toBeUndefined();
  });
});
