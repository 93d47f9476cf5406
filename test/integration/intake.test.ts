// The intake steps on a real store (dynalite in memory): re-uploads keyed on content, corrected files
// updating the people they name, progress while a file is processed, the kept rejected rows, and the
// file's chunks and batches, which are gone once intake has finished.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTable } from '../support/table.js';
import { INTAKE_COLUMNS } from '../../functions/core/intake-row.js';
import { keyedIdHash } from '../../functions/core/keyed-hash.js';
import { getBeneficiaries, getBeneficiary, listBeneficiaries, storeBeneficiary, upsertBeneficiary, type Beneficiary } from '../../functions/data/beneficiaries.js';
import { createCampaign } from '../../functions/data/campaigns.js';
import { Table } from '../../functions/data/table.js';
import { keys } from '../../functions/data/keys.js';
import { advanceProgress, CHUNK_BYTES, getIntakeBatch, getUpload, saveUpload, saveUploadFile } from '../../functions/data/uploads.js';
import { BATCH_ROWS, finishIntake, MAX_REJECTED_ROWS, prepareIntake, storeIntakeBatches } from '../../functions/steps/intake.js';
import { INTAKE_BATCHES_PER_CHILD } from '../../workflows/phases.js';
import { makeId } from '../unit/core/fixtures.js';

const ID_KEY = 'h'.repeat(40);
const SEAL_KEY = 's'.repeat(64);
const HEADER = INTAKE_COLUMNS.map((c) => c.header).join(',');

/**
 * A table that can be told to fail the write that records the outcome, once (a crash before the
 * end), and that notes the rows done each time progress is recorded while a file is processed.
 */
class TestTable extends Table {
  progress: number[] = [];
  failRecordOnce = false;

  override async update(...args: Parameters<Table['update']>): Promise<boolean> {
    const [, fields] = args;
    if ('processedAt' in fields && this.failRecordOnce) {
      this.failRecordOnce = false;
      throw new Error('crashed before recording the outcome');
    }
    const done = await super.update(...args);
    if ('progress' in fields && !('processedAt' in fields) && done) this.progress.push((fields.progress as { rowsDone: number }).rowsDone);
    return done;
  }

  override async increment(...args: Parameters<Table['increment']>): Promise<number | undefined> {
    const rowsDone = await super.increment(...args);
    if (args[1].join('.') === 'progress.rowsDone' && rowsDone !== undefined) this.progress.push(rowsDone);
    return rowsDone;
  }
}

let table: TestTable;
let closeTable: () => Promise<void>;
beforeAll(async () => {
  ({ table, close: closeTable } = await startTable((client, name) => new TestTable(client, name)));
});
afterAll(() => closeTable());

const newCampaign = () =>
  createCampaign(table, {
    name: '测试活动',
    coordinator: 'coordinator@mzj.example.cn',
    units: ['莘庄镇', '古美路街道'],
    categories: ['低保家庭', '特困供养'],
    projects: [{ code: 'MZ01', name: '春节帮困慰问金', amountFen: 50_000 }, { code: 'GH02', name: '困难职工慰问', amountFen: 80_000 }],
    approvers: ['chief@mzj.example.cn'],
    callbackStaff: ['caller@mzj.example.cn'],
  });

/** Person n: a made-up valid ID number (distinct for n < 366,000). */
const personId = (n: number) => {
  const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 1000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  return makeId('310112', day, String(n % 1000).padStart(3, '0'));
};
const NAMES = ['张三', '李四', '王五', '赵六', '钱七', '孙八', '周九', '吴十'];
const line = (n: number, fields: Partial<Record<'name' | 'phone' | 'unit' | 'size' | 'method', string>> = {}) =>
  [fields.name ?? NAMES[n % NAMES.length], personId(n), fields.phone ?? `139${String(n).padStart(8, '0')}`, fields.unit ?? '莘庄镇', '低保家庭', 'MZ01', fields.size ?? '3', '', fields.method ?? '银行转账', `62220${personId(n).slice(0, 17)}`, '中国工商银行上海市莘庄支行'].join(',');
const csv = (lines: string[]) => Buffer.from(`\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8');

/**
 * The intake workflow's three steps in one process, in order: Prepare, the batches as the
 * distributed Map's ItemBatcher hands them to its children, then Finish.
 */
async function intakeUpload(input: { campaignId: string; uploadId: string }, batchRows?: number) {
  const { batches } = await prepareIntake(input, { table, idHashKey: ID_KEY, sealKey: SEAL_KEY, batchRows });
  for (let i = 0; i < batches.length; i += INTAKE_BATCHES_PER_CHILD) {
    await storeIntakeBatches({ ...input, batches: batches.slice(i, i + INTAKE_BATCHES_PER_CHILD) }, { table });
  }
  return finishIntake(input, { table });
}

/** Saves an upload as the upload route does (keyed on the content's hash, the file in chunks). */
async function save(campaignId: string, content: Buffer, fileName = 'list.csv') {
  const uploadId = createHash('sha256').update(content).digest('hex');
  if (!(await getUpload(table, campaignId, uploadId))) {
    await saveUpload(table, {
      campaignId, id: uploadId, fileName, uploadedAt: new Date().toISOString(), uploadedBy: 'coordinator@mzj.example.cn',
      chunkCount: await saveUploadFile(table, campaignId, uploadId, content), rowCount: 0, acceptedCount: 0, errors: [],
    });
  }
  return uploadId;
}

/** Saves an upload and runs intake. */
async function intake(campaignId: string, content: Buffer, fileName = 'list.csv', batchRows?: number) {
  const uploadId = await save(campaignId, content, fileName);
  const result = await intakeUpload({ campaignId, uploadId }, batchRows);
  return { uploadId, result, upload: (await getUpload(table, campaignId, uploadId))! };
}

/** The upload's temporary items (chunks, batches, their results) still in the table. */
const partsOf = (campaignId: string, uploadId: string) => table.all(keys.uploadChunk(campaignId, uploadId, 0).pk);

const stored = (campaignId: string, n: number) => getBeneficiary(table, campaignId, 'MZ01', keyedIdHash(ID_KEY, personId(n)));

describe('a corrected file updates the people it names', () => {
  const N = 20;
  const first = Array.from({ length: N }, (_, i) => line(i));
  // One phone corrected, one person added, the rest as before.
  const corrected = [...first.slice(0, 5), line(5, { phone: '13912345678' }), ...first.slice(6), line(N)];

  it('counts stored, updated and unchanged, and keeps the key and the first upload', async () => {
    const { id } = await newCampaign();
    const a = await intake(id, csv(first), 'a.csv');
    expect(a.result).toMatchObject({ rowCount: N, accepted: N, stored: N, updated: 0, unchanged: 0, rejected: 0 });

    const b = await intake(id, csv(corrected), 'a.csv'); // the same name, other content: another upload
    expect(b.uploadId).not.toBe(a.uploadId);
    expect(b.result).toMatchObject({ rowCount: N + 1, accepted: N + 1, stored: 1, updated: 1, unchanged: N - 1, rejected: 0 });
    expect(b.upload).toMatchObject({ storedCount: 1, updatedCount: 1, unchangedCount: N - 1, rejectedCount: 0, acceptedCount: N + 1 });

    expect(await listBeneficiaries(table, id)).toHaveLength(N + 1);
    expect(await stored(id, 5)).toMatchObject({
      phone: '13912345678', version: 2, uploadId: a.uploadId, row: 7, updatedByUploadId: b.uploadId, updatedRow: 7,
    });
    expect(await stored(id, 4)).toMatchObject({ phone: '13900000004', version: 1, uploadId: a.uploadId });
    expect((await stored(id, 4))?.updatedByUploadId).toBeUndefined();
    expect(await stored(id, N)).toMatchObject({ version: 1, uploadId: b.uploadId });

    // The same content again is the same upload: the step answers what it recorded and writes nothing.
    const again = await intakeUpload({ campaignId: id, uploadId: b.uploadId });
    expect(again).toEqual(b.result);
    // The first file once more, under another name (same content, same upload): nothing changes back.
    const firstAgain = await intake(id, csv(first), 'copy.csv');
    expect(firstAgain.uploadId).toBe(a.uploadId);
    expect((await stored(id, 5))?.phone).toBe('13912345678');
  });

  it('updates household size, name and payment method too, and ignores a change of spelling only', async () => {
    const { id } = await newCampaign();
    await intake(id, csv([line(1), line(2), line(3), line(4)]));
    const b = await intake(id, csv([
      line(1, { size: '4' }),
      line(2, { name: '张  大' }),
      line(3, { phone: '139 0000 0003', size: '3人', method: '银行\u3000转账' }), // the same values, written differently
      line(4, { method: '实物(礼包)' }),
    ]));
    expect(b.result).toMatchObject({ stored: 0, updated: 3, unchanged: 1, duplicate: 0 });
    expect(await stored(id, 1)).toMatchObject({ householdSize: 4 });
    expect(await stored(id, 2)).toMatchObject({ name: '张大' });
    expect(await stored(id, 3)).toMatchObject({ paymentMethod: '银行转账', version: 1 });
    expect(await stored(id, 4)).toMatchObject({ paymentMethod: '实物（礼包）', version: 2 });
  });

  it('keeps the nomination of the unit that named a person for a project first; another unit\'s row is a duplicate, listed by row', async () => {
    const { id } = await newCampaign();
    const a = await intake(id, csv([line(1), line(2)]), 'xinzhuang.csv');
    const b = await intake(id, csv([line(3, { unit: '古美路街道' }), line(2, { unit: '古美路街道', phone: '13911112222' }), line(1, { unit: '古美路街道' })]), 'gumei.csv');
    expect(b.result).toMatchObject({ accepted: 3, stored: 1, updated: 0, unchanged: 0, duplicate: 2 });
    expect(b.upload.duplicateCount).toBe(2);
    expect(b.upload.duplicateRows).toEqual([{ row: 3, heldByUnit: '莘庄镇' }, { row: 4, heldByUnit: '莘庄镇' }]);
    expect(await stored(id, 2)).toMatchObject({ unit: '莘庄镇', phone: '13900000002', version: 1, uploadId: a.uploadId });
    expect((await stored(id, 2))?.updatedByUploadId).toBeUndefined();
    expect(await listBeneficiaries(table, id)).toHaveLength(3);
    // The same file again, under another name: the same upload, the same counts, nothing written.
    const again = await intake(id, csv([line(3, { unit: '古美路街道' }), line(2, { unit: '古美路街道', phone: '13911112222' }), line(1, { unit: '古美路街道' })]), 'copy.csv');
    expect(again.result).toEqual(b.result);
  });

  it('gives the same counts when the step is retried after a crash', async () => {
    const { id } = await newCampaign();
    await intake(id, csv(first));
    table.failRecordOnce = true;
    const content = csv(corrected);
    await expect(intake(id, content)).rejects.toThrow('crashed before recording');
    const uploadId = createHash('sha256').update(content).digest('hex');
    expect((await getUpload(table, id, uploadId))?.processedAt).toBeUndefined();
    // Everything was written; the retry finds this upload's own writes and counts them as they were.
    const retried = await intakeUpload({ campaignId: id, uploadId });
    expect(retried).toMatchObject({ stored: 1, updated: 1, unchanged: N - 1 });
    expect((await stored(id, 5))?.version).toBe(2);
    expect(await partsOf(id, uploadId)).toEqual([]);
  });

  it('counts a batch stored twice (a retried Lambda) once, and moves progress on once', async () => {
    const { id } = await newCampaign();
    const uploadId = await save(id, csv(Array.from({ length: 25 }, (_, i) => line(i))));
    const input = { campaignId: id, uploadId };
    expect(await prepareIntake(input, { table, idHashKey: ID_KEY, sealKey: SEAL_KEY, batchRows: 10 })).toEqual({ batches: [0, 1, 2] });
    table.progress = [];
    await storeIntakeBatches({ ...input, batches: [0, 1] }, { table });
    await storeIntakeBatches({ ...input, batches: [0, 1, 2] }, { table });
    await storeIntakeBatches({ ...input, batches: [2] }, { table });
    expect(table.progress).toEqual([10, 20, 25]);
    expect(await finishIntake(input, { table })).toMatchObject({ rowCount: 25, accepted: 25, stored: 25, updated: 0, unchanged: 0, rejected: 0 });
    // After Finish a late repeat finds nothing left to do, and changes nothing.
    expect(await storeIntakeBatches({ ...input, batches: [0] }, { table })).toEqual({ batches: 1, rows: 0 });
    expect(await finishIntake(input, { table })).toMatchObject({ stored: 25 });
    expect(await listBeneficiaries(table, id)).toHaveLength(25);
  });
});

describe('upsertBeneficiary', () => {
  const person = (campaignId: string, fields: Partial<Beneficiary>): Beneficiary => ({
    campaignId, projectCode: 'MZ01', idHash: 'a'.repeat(64), idMasked: '310***********1234', name: '张三', phone: '13800138000',
    unit: '莘庄镇', category: '低保家庭', householdSize: 3, amountFen: 50_000, paymentMethod: '银行转账', uploadId: 'u1', row: 2, ...fields,
  });

  const upsert = async (...args: Parameters<typeof upsertBeneficiary>) => (await upsertBeneficiary(...args)).outcome;

  it('loses neither of two changes made at the same time: the one that read an old version reads again', async () => {
    const { id } = await newCampaign();
    expect(await upsert(table, person(id, {}))).toBe('stored');
    const outcomes = await Promise.all([
      upsert(table, person(id, { uploadId: 'u2', phone: '13900000002' })),
      upsert(table, person(id, { uploadId: 'u3', householdSize: 5 })),
    ]);
    expect(outcomes).toEqual(['updated', 'updated']);
    const after = await getBeneficiary(table, id, 'MZ01', 'a'.repeat(64));
    expect(after?.version).toBe(3);
    expect(['u2', 'u3']).toContain(after?.updatedByUploadId);
  });

  it('given what was read before, still loses no change made since: it reads again and compares again', async () => {
    const { id } = await newCampaign();
    const read = (await getBeneficiaries(table, id, [{ projectCode: 'MZ01', idHash: 'a'.repeat(64) }]))[0];
    expect(read).toBeUndefined();
    // Absent when read, stored since by another upload: the conditional put fails, and the row is compared.
    expect(await upsert(table, person(id, {}))).toBe('stored');
    expect(await upsert(table, person(id, { uploadId: 'u4' }), new Date(), read)).toBe('unchanged');
    // Read at version 1, changed to version 2 since: the write conditional on version 1 fails; read again, it changes version 2.
    const stale = (await getBeneficiaries(table, id, [{ projectCode: 'MZ01', idHash: 'a'.repeat(64) }]))[0];
    expect(await upsert(table, person(id, { uploadId: 'u2', phone: '13900000002' }))).toBe('updated');
    expect(await upsert(table, person(id, { uploadId: 'u3', phone: '13900000002', householdSize: 5 }), new Date(), stale)).toBe('updated');
    expect(await getBeneficiary(table, id, 'MZ01', 'a'.repeat(64))).toMatchObject({ version: 3, phone: '13900000002', householdSize: 5, updatedByUploadId: 'u3' });
    // Read as it is now and the same: nothing is written.
    const current = (await getBeneficiaries(table, id, [{ projectCode: 'MZ01', idHash: 'a'.repeat(64) }]))[0];
    expect(await upsert(table, person(id, { uploadId: 'u5', phone: '13900000002', householdSize: 5 }), new Date(), current)).toBe('unchanged');
    expect((await getBeneficiary(table, id, 'MZ01', 'a'.repeat(64)))?.version).toBe(3);
  });

  it('updates a beneficiary stored before versions were kept', async () => {
    const { id } = await newCampaign();
    expect(await storeBeneficiary(table, person(id, {}))).toBe(true);
    expect(await upsert(table, person(id, { uploadId: 'u2' }))).toBe('unchanged');
    expect(await upsert(table, person(id, { uploadId: 'u2', amountFen: 60_000 }))).toBe('updated');
    expect(await getBeneficiary(table, id, 'MZ01', 'a'.repeat(64))).toMatchObject({ amountFen: 60_000, version: 1, uploadId: 'u1' });
  });
});

describe('progress while a file is processed', () => {
  it(`is recorded on the upload after every batch of ${BATCH_ROWS} rows, counting rejected rows as done`, async () => {
    const { id } = await newCampaign();
    const lines = Array.from({ length: 1234 }, (_, i) => line(i, i < 34 ? { unit: '外区' } : {}));
    table.progress = [];
    const { result, upload } = await intake(id, csv(lines));
    expect(result).toMatchObject({ stored: 1200, rejected: 34 });
    expect(table.progress).toEqual([34, 534, 1034, 1234]);
    expect(upload.progress).toEqual({ rowsDone: 1234, rowsTotal: 1234 });
  });

  it('after every N rows when told, and never after the outcome is recorded', async () => {
    const { id } = await newCampaign();
    table.progress = [];
    const { uploadId } = await intake(id, csv(Array.from({ length: 25 }, (_, i) => line(i))), 'list.csv', 10);
    expect(table.progress).toEqual([0, 10, 20, 25]);
    expect(await advanceProgress(table, id, uploadId, 1)).toBeUndefined();
    expect((await getUpload(table, id, uploadId))?.progress).toEqual({ rowsDone: 25, rowsTotal: 25 });
  });
});

describe('the file and the batches, until intake finishes', () => {
  it(`keep the file in chunks of at most ${CHUNK_BYTES / 1024} KB, and the accepted rows in batches without raw ID numbers`, async () => {
    const { id } = await newCampaign();
    const rows = 6000;
    const content = csv(Array.from({ length: rows }, (_, i) => line(i, { name: '欧阳'.repeat(10) })));
    expect(content.length).toBeGreaterThan(2 * CHUNK_BYTES);
    const uploadId = await save(id, content);
    const saved = (await getUpload(table, id, uploadId))!;
    expect(saved.chunkCount).toBe(Math.ceil(content.length / CHUNK_BYTES));
    const chunks = await table.all<{ sk: string; data: Uint8Array }>(keys.uploadChunk(id, uploadId, 0).pk, 'CHUNK#');
    expect(chunks.map((c) => c.data.length).every((n) => n <= CHUNK_BYTES)).toBe(true);
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(content)).toBe(true);

    const { batches } = await prepareIntake({ campaignId: id, uploadId }, { table, idHashKey: ID_KEY, sealKey: SEAL_KEY });
    expect(batches).toEqual(Array.from({ length: rows / BATCH_ROWS }, (_, n) => n));
    const first = (await getIntakeBatch(table, id, uploadId, 0))!;
    expect(first).toHaveLength(BATCH_ROWS);
    expect(first[0]).toEqual({
      projectCode: 'MZ01', idHash: keyedIdHash(ID_KEY, personId(0)), idMasked: expect.stringMatching(/^\d{3}\*+\d{4}$/), name: '欧阳'.repeat(10),
      phone: '13900000000', unit: '莘庄镇', category: '低保家庭', householdSize: 3, amountFen: 50_000, paymentMethod: '银行转账', row: 2,
      sealedId: expect.stringMatching(/^v1\./), sealedAccount: expect.stringMatching(/^v1\./), accountDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Stored gzipped: well under half its JSON.
    const [stored] = await table.all<{ rows: Uint8Array }>(keys.intakeBatch(id, uploadId, 0).pk, 'BATCH#');
    expect(stored.rows).toBeInstanceOf(Uint8Array);
    expect(stored.rows.length).toBeLessThan(Buffer.byteLength(JSON.stringify(first)) / 2);
    const batchItems = JSON.stringify(await Promise.all(batches.map((n) => getIntakeBatch(table, id, uploadId, n))));
    // Neither the ID numbers nor the accounts (made of their first 17 digits) in the clear.
    for (const n of [0, 1, 2999, 5999]) expect(batchItems).not.toContain(personId(n).slice(0, 17));
    expect((await getUpload(table, id, uploadId))?.progress).toEqual({ rowsDone: 0, rowsTotal: rows });

    const result = await intakeUpload({ campaignId: id, uploadId });
    expect(result).toMatchObject({ rowCount: rows, stored: rows, rejected: 0 });
    expect(await partsOf(id, uploadId)).toEqual([]);
  });
});

describe('the rejected rows kept for the error file', () => {
  it('are the rejected rows only, as sent, with their reasons; the accepted rows\' ID numbers are not kept', async () => {
    const { id } = await newCampaign();
    const badId = `${personId(2).slice(0, 17)}${personId(2)[17] === '0' ? '1' : '0'}`;
    const { upload } = await intake(id, csv([
      line(1),
      `王五,${badId},1391234,外区,低保家庭,MZ01,3,,现金`,
      `"=HYPERLINK(""x"")",${personId(3)},13900000003,莘庄镇,低保家庭,MZ01,3,,社保卡`,
      line(4),
    ]));
    expect(upload.rejectedRows).toEqual({
      headers: INTAKE_COLUMNS.map((c) => c.header),
      rows: [
        { row: 3, values: ['王五', badId, '1391234', '外区', '低保家庭', 'MZ01', '3', '', '现金', '', ''], reasons: expect.stringMatching(/^身份证号码：校验位错误.*；联系电话：.+；所属单位：“外区”不在单位名单中/) },
        { row: 4, values: ['=HYPERLINK("x")', personId(3), '13900000003', '莘庄镇', '低保家庭', 'MZ01', '3', '', '社保卡', '', ''], reasons: '姓名：姓名不能包含数字或符号' },
      ],
      total: 2,
    });
    expect(await partsOf(id, upload.id)).toEqual([]);
    const item = JSON.stringify(upload);
    for (const n of [1, 4]) expect(item).not.toContain(personId(n));
    // Nor are their accounts: the stored beneficiaries hold them sealed only.
    const stored = JSON.stringify(await listBeneficiaries(table, id));
    for (const n of [1, 4]) expect(stored).not.toContain(personId(n).slice(0, 17));
    expect(stored).not.toContain('工商银行');
  });

  it('hold every row of a file held back as a whole, each with the file\'s problem', async () => {
    const { id } = await newCampaign();
    const content = Buffer.from(`${HEADER},姓名\r\n${line(1)},张三\r\n${line(2, { phone: '1' })},李四\r\n`);
    const { result, upload } = await intake(id, content);
    expect(result).toMatchObject({ accepted: 0, stored: 0, rejected: 2 });
    expect(await listBeneficiaries(table, id)).toHaveLength(0);
    expect(upload.errors[0]).toMatchObject({ row: 0, column: '文件', reason: expect.stringContaining('表头“姓名”出现了不止一次') });
    // A repeated column is read once (the first), so the error file has the template's columns.
    expect(upload.rejectedRows?.headers).toEqual(INTAKE_COLUMNS.map((c) => c.header));
    expect(upload.rejectedRows?.rows.map((r) => r.reasons)).toEqual([
      expect.stringMatching(/^表头“姓名”出现了不止一次/),
      expect.stringMatching(/^联系电话：.+；表头“姓名”出现了不止一次/),
    ]);
  });

  it(`stay within the item size, at most ${MAX_REJECTED_ROWS} rows, saying how many there were`, async () => {
    const { id } = await newCampaign();
    const lines = Array.from({ length: 3000 }, (_, i) => line(i, { unit: `第${i}区` }));
    const { result, upload } = await intake(id, csv(lines));
    expect(result).toMatchObject({ rowCount: 3000, stored: 0, rejected: 3000 });
    expect(upload.processedAt).toBeDefined();
    expect(upload.rejectedCount).toBe(3000);
    expect(upload.errorCount).toBe(3000);
    expect(upload.errors.length).toBeLessThan(3000);
    expect(upload.errors.length).toBeGreaterThan(1000);
    const kept = upload.rejectedRows!;
    expect(kept.total).toBe(3000);
    // Rows with an account and its bank: fewer than 500 of them fit beside the errors.
    expect(kept.rows.length).toBeGreaterThan(400);
    expect(kept.rows.length).toBeLessThan(3000);
    expect(kept.rows.map((r) => r.row)).toEqual(Array.from({ length: kept.rows.length }, (_, i) => i + 2));
    expect(Buffer.byteLength(JSON.stringify(upload))).toBeLessThan(400_000);
  });

  it('records how a GBK file was decoded', async () => {
    const { id } = await newCampaign();
    // 张三 and 莘庄镇, 低保家庭 in GBK, looked up with the decoder (see test/unit/core/intake-encoding.test.ts).
    const gbk = (text: string) => {
      const decoder = new TextDecoder('gbk');
      const table = new Map<string, number[]>();
      for (let lead = 0x81; lead <= 0xfe; lead++) {
        for (let trail = 0x40; trail <= 0xfe; trail++) {
          if (trail === 0x7f) continue;
          const ch = decoder.decode(Uint8Array.of(lead, trail));
          if (!table.has(ch)) table.set(ch, [lead, trail]);
        }
      }
      return Buffer.from(Array.from(text).flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch)!)));
    };
    const { result, upload } = await intake(id, gbk(`${HEADER}\r\n${line(1)}\r\n`));
    expect(result).toMatchObject({ stored: 1 });
    expect(upload.encoding).toBe('gb18030');
    expect((await stored(id, 1))?.name).toBe(NAMES[1]);
  });
});
