import { keyedIdHash } from '../core/keyed-hash.js';
import { readIntakeFile, type IntakeFileContent } from '../core/intake-file.js';
import { INTAKE_COLUMNS, intakeColumnOf, validateIntakeRows, type IntakeBeneficiary } from '../core/intake-row.js';
import { maskIdNumber } from '../core/masking.js';
import { sealPayee } from '../core/payee.js';
import { sealKeys, type SealKeys } from '../core/seal.js';
import { getCampaign } from '../data/campaigns.js';
import { inFlight } from '../data/in-flight.js';
import { unitsTakingUploadsNow } from '../data/upload-window.js';
import { getBeneficiaries, insertBeneficiaries, upsertBeneficiary, type Beneficiary, type StoreOutcome } from '../data/beneficiaries.js';
import {
  advanceProgress,
  deleteUploadParts,
  getIntakeBatch,
  getIntakeBatchResult,
  getUpload,
  listIntakeBatchResults,
  readUploadFile,
  recordIntake,
  recordPrepared,
  saveIntakeBatch,
  saveIntakeBatchResult,
  type IntakeBatchResult,
  type DuplicateRow,
  type IntakeBatchRow,
  type RejectedRow,
  type RejectedRows,
  type RowError,
  type Upload,
} from '../data/uploads.js';
import type { Table } from '../data/table.js';

/*
 * Intake of an uploaded file runs as three steps of the intake workflow, so that a file of tens of
 * thousands of rows stays within Step Functions' payload and history limits:
 *   1. prepareIntake reads the file once, checks every row (duplicates within the file included),
 *      records the errors and rejected rows on the upload, and writes the accepted rows into batch
 *      items of at most BATCH_ROWS rows. It answers only the batch numbers.
 *   2. storeIntakeBatches, over those numbers (a distributed Map), stores each batch's rows and
 *      records, once per batch, what storing them did; progress goes forward batch by batch.
 *   3. finishIntake adds the batches' results up on the upload and deletes the file's chunks and the
 *      batches (they hold what the unit sent) with their results.
 * Every step is safe to repeat: a retried step finds its own writes and counts them as they were.
 */

export interface IntakeResult {
  uploadId: string;
  rowCount: number;
  accepted: number;
  /** New beneficiaries. */
  stored: number;
  /** Beneficiaries already stored that this file corrected. */
  updated: number;
  /** Beneficiaries already stored exactly as this file has them. */
  unchanged: number;
  /** Rows naming a person another unit had nominated for the same project: not stored again. */
  duplicate: number;
  /** Rows refused. */
  rejected: number;
}

export interface IntakeInput {
  campaignId: string;
  uploadId: string;
}

export interface PrepareDeps {
  table: Table;
  idHashKey: string;
  /** Seals each payee's full ID number and bank account (see core/payee.ts). */
  sealKey: string;
  /** Accepted rows per batch (default BATCH_ROWS). */
  batchRows?: number;
}

export interface StoreDeps {
  table: Table;
  now?: () => Date;
}

/** Accepted rows per batch item, at most. */
export const BATCH_ROWS = 500;
/** Bytes (as JSON) a batch's rows may take: its item is at most 400 KB in DynamoDB. With sealed payees 500 rows take about 305 KB (measured: 493 rows of the intake test filled 300 KB). */
const BATCH_BYTES = 360_000;
/** Duplicate rows listed on the upload, at most: about 25 KB (see ITEM_BYTES). */
export const MAX_DUPLICATE_ROWS = 500;
/** Rejected rows kept for the error file, at most. */
export const MAX_REJECTED_ROWS = 5_000;
/**
 * Bytes (as JSON) that the errors and the rejected rows may take on the upload item, itself at
 * most 400 KB in DynamoDB: errors up to 220 KB; rejected rows up to 200 KB, and no more than the
 * errors leave of 350 KB, which leaves room for the duplicate rows recorded when intake finishes. A file wrong in every row can hold more errors than that: then the
 * first ones are kept, and the upload says how many there were.
 */
const ERRORS_BYTES = 220_000;
const REJECTED_ROWS_BYTES = 200_000;
const ITEM_BYTES = 350_000;
/** Items written at the same time by one step. */
const CONCURRENCY = 8;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function uploadOf(table: Table, input: IntakeInput): Promise<Upload> {
  const upload = await getUpload(table, input.campaignId, input.uploadId);
  if (!upload) throw new Error(`Unknown upload: ${input.campaignId}/${input.uploadId}`);
  return upload;
}

/**
 * Step 1: validates an uploaded file row by row, all at once: every row is either accepted or
 * reported with its row, column and reason. ID numbers of accepted rows are kept only as a keyed
 * hash and a masked form; only the rejected rows are kept as sent, for the error file (see
 * RejectedRows). Answers the numbers of the batches the accepted rows were written into.
 */
export async function prepareIntake(input: IntakeInput, deps: PrepareDeps): Promise<{ batches: number[] }> {
  const { table } = deps;
  const [campaign, upload] = await Promise.all([getCampaign(table, input.campaignId), uploadOf(table, input)]);
  if (!campaign) throw new Error(`Unknown campaign: ${input.campaignId}`);
  if (upload.processedAt) return { batches: [] };
  // Prepared before (a retried step): the batches were all written before the upload said so.
  if (upload.batchCount !== undefined) return { batches: range(upload.batchCount) };

  const file = await readIntakeFile(await readUploadFile(table, upload), upload.fileName);
  // Only the units whose lists may be changed now: every unit in 排摸, the sent-back ones in 部署.
  const openUnits = await unitsTakingUploadsNow(table, campaign);
  const rules = { units: campaign.units, categories: campaign.categories, projects: campaign.projects, openUnits };
  const checked = file.rows.length > 0 ? validateIntakeRows(file.rows, rules, { rowNumbers: file.rowNumbers }) : { accepted: [], errors: [] };
  // A file-level problem (a repeated header, ID numbers stored as numbers) holds back the whole
  // file; its rows are still checked, so that every error is reported at once.
  const blocked = file.problems.length > 0;
  const errors: RowError[] = [...file.problems.map((reason): RowError => ({ row: 0, column: '文件', reason })), ...checked.errors];
  const accepted: IntakeBeneficiary[] = blocked ? [] : checked.accepted;
  const keptErrors = firstWithin(errors, ERRORS_BYTES);
  // Rejected rows (raw ID numbers) are kept for error files only in 排摸, whose close removes them.
  const keepRejected = campaign.phase === 'survey';
  const rejected = rejectedRowsOf(file, errors, accepted, blocked, keepRejected ? ITEM_BYTES - jsonBytes(keptErrors) : 0);

  const keys = sealKeys(deps.sealKey);
  const batches = batchesOf(accepted.map((row) => batchRowOf(upload.campaignId, row, deps.idHashKey, keys)), Math.max(1, deps.batchRows ?? BATCH_ROWS));
  await inFlight(range(batches.length), (n) => saveIntakeBatch(table, upload.campaignId, upload.id, n, batches[n]), CONCURRENCY);
  await recordPrepared(table, upload.campaignId, upload.id, {
    rowCount: file.rows.length,
    acceptedCount: accepted.length,
    rejectedCount: rejected.total,
    ...(rejected.rows.length > 0 ? { rejectedRows: rejected } : {}),
    ...(file.encoding ? { encoding: file.encoding } : {}),
    errors: keptErrors,
    errorCount: errors.length,
    batchCount: batches.length,
    progress: { rowsDone: rejected.total, rowsTotal: file.rows.length },
  });
  return { batches: range(batches.length) };
}

/** A row as a batch keeps it: the ID number hashed, masked and sealed, the bank account sealed. */
function batchRowOf(campaignId: string, row: IntakeBeneficiary, idHashKey: string, keys: SealKeys): IntakeBatchRow {
  const idHash = keyedIdHash(idHashKey, row.idNumber);
  return {
  projectCode: row.projectCode,
  idHash,
  idMasked: maskIdNumber(row.idNumber),
  ...sealPayee(keys, { campaignId, projectCode: row.projectCode, idHash }, row.idNumber, row.account),
  name: row.name,
  phone: row.phone,
  unit: row.unit,
  category: row.category,
  householdSize: row.householdSize,
  amountFen: row.amountFen,
  paymentMethod: row.paymentMethod,
  row: row.row,
  };
}

/** The rows in order, cut into batches of at most `size` rows and BATCH_BYTES bytes. */
function batchesOf(rows: readonly IntakeBatchRow[], size: number): IntakeBatchRow[][] {
  const batches: IntakeBatchRow[][] = [];
  let current: IntakeBatchRow[] = [];
  let bytes = 2;
  for (const row of rows) {
    const rowBytes = jsonBytes(row) + 1;
    if (current.length > 0 && (current.length >= size || bytes + rowBytes > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 2;
    }
    current.push(row);
    bytes += rowBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Step 2: stores the rows of the given batches as beneficiaries. A row naming a person already
 * stored for the same project updates them when the file changed their details (a corrected
 * file), and changes nothing when it did not (the same rows again). What each batch did is
 * recorded once: a batch stored before (a retried step) is not stored or counted again.
 */
export async function storeIntakeBatches(input: IntakeInput & { batches: number[] }, deps: StoreDeps): Promise<{ batches: number; rows: number }> {
  const { table } = deps;
  const now = deps.now ?? (() => new Date());
  const { campaignId, uploadId } = input;
  let rowsStored = 0;
  for (const n of input.batches) {
    if (await getIntakeBatchResult(table, campaignId, uploadId, n)) continue;
    const rows = await getIntakeBatch(table, campaignId, uploadId, n);
    if (!rows) {
      // Gone only once intake has finished (a late repeat of this step): nothing left to do.
      if ((await uploadOf(table, input)).processedAt) continue;
      throw new Error(`Batch ${n} of upload ${campaignId}/${uploadId} is missing`);
    }
    const duplicateRows: DuplicateRow[] = [];
    const result: IntakeBatchResult = { batch: n, rows: rows.length, stored: 0, updated: 0, unchanged: 0, duplicate: 0, duplicateRows };
    const beneficiaries = rows.map((row): Beneficiary => ({ ...row, campaignId, uploadId }));
    // New people are inserted 25 to a request, each only if absent; the others were stored
    // before, by this upload (a retried step) or another: they are read, compared and updated.
    const inserted = await insertBeneficiaries(table, beneficiaries);
    result.stored = inserted.filter(Boolean).length;
    const known = beneficiaries.filter((_, i) => !inserted[i]);
    const seen = await getBeneficiaries(table, campaignId, known);
    await inFlight(range(known.length), async (i) => {
      const stored = await upsertBeneficiary(table, known[i], now(), seen[i] ?? null);
      result[stored.outcome]++;
      if (stored.outcome === 'duplicate') duplicateRows.push({ row: known[i].row, heldByUnit: stored.heldByUnit });
    }, CONCURRENCY);
    if (await saveIntakeBatchResult(table, campaignId, uploadId, result)) await advanceProgress(table, campaignId, uploadId, rows.length);
    rowsStored += rows.length;
  }
  return { batches: input.batches.length, rows: rowsStored };
}

/**
 * Step 3: records the outcome on the upload (the batches' results added up), then deletes the
 * file's chunks, the batches and their results. Answers the outcome as recorded.
 */
export async function finishIntake(input: IntakeInput, deps: StoreDeps): Promise<IntakeResult> {
  const { table } = deps;
  const now = deps.now ?? (() => new Date());
  let upload = await uploadOf(table, input);
  if (!upload.processedAt) {
    if (upload.batchCount === undefined) throw new Error(`Upload ${input.campaignId}/${input.uploadId} was not prepared`);
    const results = await listIntakeBatchResults(table, upload.campaignId, upload.id);
    if (results.length !== upload.batchCount) {
      throw new Error(`${results.length} of ${upload.batchCount} batches of upload ${upload.campaignId}/${upload.id} are stored`);
    }
    const sum = (outcome: StoreOutcome) => results.reduce((total, r) => total + (r[outcome] ?? 0), 0);
    const duplicateRows = results.flatMap((r) => r.duplicateRows ?? []).sort((a, b) => a.row - b.row);
    const outcome = {
      storedCount: sum('stored'),
      updatedCount: sum('updated'),
      unchangedCount: sum('unchanged'),
      duplicateCount: sum('duplicate'),
      ...(duplicateRows.length > 0 ? { duplicateRows: duplicateRows.slice(0, MAX_DUPLICATE_ROWS) } : {}),
      progress: { rowsDone: upload.rowCount, rowsTotal: upload.rowCount },
    };
    const processedAt = now();
    await recordIntake(table, upload.campaignId, upload.id, outcome, processedAt);
    upload = { ...upload, ...outcome, processedAt: processedAt.toISOString() };
  }
  await deleteUploadParts(table, upload);
  const stored = upload.storedCount ?? 0;
  return {
    uploadId: upload.id,
    rowCount: upload.rowCount,
    accepted: upload.acceptedCount,
    stored,
    updated: upload.updatedCount ?? 0,
    unchanged: upload.unchangedCount ?? upload.acceptedCount - stored,
    duplicate: upload.duplicateCount ?? 0,
    rejected: upload.rejectedCount ?? upload.rowCount - upload.acceptedCount,
  };
}

/**
 * The rejected rows as they were sent, in the template's columns (then the file's other columns),
 * each with its reasons. A row without reasons of its own was held back by the file's or the
 * header's problems, which it then carries. Kept up to MAX_REJECTED_ROWS rows and a size budget.
 */
function rejectedRowsOf(
  file: IntakeFileContent,
  errors: readonly RowError[],
  accepted: readonly IntakeBeneficiary[],
  blocked: boolean,
  bytesLeft: number,
): RejectedRows {
  // The same column choice as validateIntakeRows: the first header naming a column is its source.
  const sources = new Map<string, string>();
  const others: string[] = [];
  for (const header of new Set(file.rows.flatMap((row) => Object.keys(row)))) {
    const key = intakeColumnOf(header)?.key;
    if (key && !sources.has(key)) sources.set(key, header);
    else others.push(header);
  }
  const headers = [...INTAKE_COLUMNS.map((c) => c.header), ...others];
  const sourceOf = [...INTAKE_COLUMNS.map((c) => sources.get(c.key)), ...others];

  const byRow = new Map<number, string[]>();
  const general: string[] = [];
  for (const e of errors) {
    if (e.row <= 1) general.push(e.row === 0 ? e.reason : `${e.column}：${e.reason}`);
    else byRow.set(e.row, [...(byRow.get(e.row) ?? []), `${e.column}：${e.reason}`]);
  }
  const acceptedRows = new Set(accepted.map((b) => b.row));
  const budget = Math.max(0, Math.min(REJECTED_ROWS_BYTES, bytesLeft));

  const rows: RejectedRow[] = [];
  let total = 0;
  let bytes = 0;
  let full = false;
  file.rows.forEach((cells, index) => {
    const row = file.rowNumbers[index];
    if (acceptedRows.has(row)) return;
    total++;
    if (full) return;
    const own = byRow.get(row) ?? [];
    const reasons = [...own, ...(blocked || own.length === 0 ? general : [])];
    const rejected: RejectedRow = {
      row,
      values: sourceOf.map((source) => (source === undefined ? '' : cells[source] ?? '')),
      reasons: reasons.join('；') || '本行未导入',
    };
    const size = jsonBytes(rejected);
    if (rows.length >= MAX_REJECTED_ROWS || bytes + size > budget) {
      full = true;
      return;
    }
    rows.push(rejected);
    bytes += size;
  });
  return { headers, rows, total };
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** The first items that fit in `budget` bytes (as JSON). */
function firstWithin<T>(items: readonly T[], budget: number): T[] {
  let bytes = 0;
  const kept: T[] = [];
  for (const item of items) {
    bytes += jsonBytes(item) + 1;
    if (bytes > budget) break;
    kept.push(item);
  }
  return kept;
}
