// The failure step and the restart of a failed upload on a real store (dynalite in memory): what a
// failed attempt leaves (nothing of the file), what it logs (no ID or phone numbers), and the one
// conditional write that lets exactly one of two simultaneous re-uploads start the next attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys.js';
import { getUpload, recordIntakeFailure, recordIntake, restartUpload, saveIntakeBatch, saveUpload, saveUploadFile, type Upload } from '../../functions/data/uploads.js';
import type { Table } from '../../functions/data/table.js';
import { failIntake } from '../../functions/steps/intake-failure.js';
import { startTable } from '../support/table.js';

let table: Table;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ table, close } = await startTable());
});
afterAll(() => close());

const CAMPAIGN = '00000000-0000-4000-8000-000000000001';
let next = 0;
/** A saved upload of a one-chunk file, at attempt 1, as the upload route saves it. */
async function saved(fields: Partial<Upload> = {}): Promise<Upload> {
  const id = (++next).toString(16).padStart(64, '0');
  const upload: Upload = {
    campaignId: CAMPAIGN, id, fileName: 'list.csv', uploadedAt: new Date().toISOString(), uploadedBy: 'x@y.cn',
    chunkCount: await saveUploadFile(table, CAMPAIGN, id, Buffer.from('姓名,身份证号码\n')), rowCount: 0, acceptedCount: 0, errors: [], attempt: 1, ...fields,
  };
  await saveUpload(table, upload);
  return upload;
}
const partsOf = (id: string) => table.all(keys.uploadChunk(CAMPAIGN, id, 0).pk);
const caught = { Error: 'Error', Cause: JSON.stringify({ errorType: 'Error', errorMessage: 'intake broke', trace: ['at prepareIntake'] }) };

describe('the failure step', () => {
  it('deletes the batches of a Prepare that failed before counting them, and says where it stopped', async () => {
    const u = await saved();
    for (const n of [0, 1, 2]) await saveIntakeBatch(table, CAMPAIGN, u.id, n, []);
    expect(await partsOf(u.id)).toHaveLength(4);
    const logged: Record<string, unknown>[] = [];
    const out = await failIntake({ campaignId: CAMPAIGN, uploadId: u.id, attempt: 1, error: caught }, { table, log: (e) => logged.push(e) });
    expect(out.reason).toBe('处理失败：读取和检查文件时出错。');
    expect(await partsOf(u.id)).toEqual([]);
    expect(await getUpload(table, CAMPAIGN, u.id)).toMatchObject({ failureReason: '处理失败：读取和检查文件时出错。', failedAt: expect.any(String) });
    // The technical error goes to the log only, without its stack.
    expect(logged).toEqual([{ level: 'ERROR', message: 'Intake failed', campaignId: CAMPAIGN, uploadId: u.id, attempt: 1, error: 'Error', errorType: 'Error', errorMessage: 'intake broke' }]);
  });

  it('logs no ID or phone number that an error message quotes', async () => {
    const u = await saved({ batchCount: 0 });
    const logged: string[] = [];
    const error = { Error: 'States.Timeout', Cause: JSON.stringify({ errorMessage: 'row 310112195001010012 (13912345678) failed' }) };
    const out = await failIntake({ campaignId: CAMPAIGN, uploadId: u.id, attempt: 1, error }, { table, log: (e) => logged.push(JSON.stringify(e)) });
    expect(out.reason).toBe('处理失败：保存名单数据时出错（处理超时）。');
    expect(logged[0]).toContain('row [redacted] ([redacted]) failed');
    expect(logged[0]).not.toMatch(/310112|13912345678/);
  });

  it('is safe to repeat, and leaves a later attempt alone', async () => {
    const u = await saved();
    const input = { campaignId: CAMPAIGN, uploadId: u.id, attempt: 1, error: caught };
    await failIntake(input, { table, log: () => {} });
    const failed = (await getUpload(table, CAMPAIGN, u.id))!;
    expect(await failIntake(input, { table, log: () => {} })).toEqual({ uploadId: u.id, attempt: 1 });
    expect(await getUpload(table, CAMPAIGN, u.id)).toEqual(failed);

    // The file comes again: attempt 2 has its chunks. A late repeat of attempt 1's step touches nothing.
    const again = { ...u, chunkCount: await saveUploadFile(table, CAMPAIGN, u.id, Buffer.from('姓名,身份证号码\n')) };
    expect(await restartUpload(table, again, 1)).toBe(true);
    await failIntake(input, { table, log: () => {} });
    expect(await partsOf(u.id)).toHaveLength(1);
    expect(await getUpload(table, CAMPAIGN, u.id)).toEqual({ ...again, attempt: 2, pk: expect.any(String), sk: expect.any(String) });
  });

  it('records nothing on an upload that does not exist', async () => {
    expect(await recordIntakeFailure(table, CAMPAIGN, 'f'.repeat(64), 1, { failedAt: 'now', failureReason: 'x' })).toBe(false);
    expect(await getUpload(table, CAMPAIGN, 'f'.repeat(64))).toBeUndefined();
  });
});

describe('restarting a failed upload', () => {
  it('lets exactly one of two simultaneous re-uploads start the next attempt, with the outcome fields gone', async () => {
    const u = await saved();
    await table.update(keys.upload(CAMPAIGN, u.id), {
      rowCount: 3, acceptedCount: 2, rejectedCount: 1, batchCount: 1, errors: [{ row: 3, column: '身份证号码', reason: '校验位错误' }], errorCount: 1,
      rejectedRows: { headers: ['姓名'], rows: [{ row: 3, values: ['张三'], reasons: '…' }], total: 1 }, progress: { rowsDone: 1, rowsTotal: 3 },
    });
    await failIntake({ campaignId: CAMPAIGN, uploadId: u.id, attempt: 1, error: caught }, { table, log: () => {} });

    const fresh = { ...u, fileName: 'again.csv' };
    const results = await Promise.all([restartUpload(table, fresh, 1), restartUpload(table, fresh, 1)]);
    expect(results.sort()).toEqual([false, true]);
    const { pk, sk, ...restarted } = (await getUpload(table, CAMPAIGN, u.id)) as Upload & { pk: string; sk: string };
    expect(restarted).toEqual({ ...fresh, attempt: 2 });
    expect([pk, sk]).toEqual([keys.upload(CAMPAIGN, u.id).pk, keys.upload(CAMPAIGN, u.id).sk]);
    // A stale restart (from attempt 1 again) does nothing.
    expect(await restartUpload(table, fresh, 1)).toBe(false);
  });

  it('restarts an upload saved before attempts were counted as attempt 1, and never one that finished', async () => {
    const { attempt: _, ...legacy } = await saved();
    await table.replaceIf(keys.upload(CAMPAIGN, legacy.id), legacy, { expression: 'attribute_exists(pk)' });
    expect((await getUpload(table, CAMPAIGN, legacy.id))?.attempt).toBeUndefined();
    expect(await restartUpload(table, legacy, 1)).toBe(true);
    expect((await getUpload(table, CAMPAIGN, legacy.id))?.attempt).toBe(2);

    const done = await saved();
    await recordIntake(table, CAMPAIGN, done.id, { storedCount: 0, updatedCount: 0, unchangedCount: 0, duplicateCount: 0, progress: { rowsDone: 0, rowsTotal: 0 } });
    expect(await restartUpload(table, done, 1)).toBe(false);
    expect((await getUpload(table, CAMPAIGN, done.id))?.processedAt).toBeDefined();
  });
});
