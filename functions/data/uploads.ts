import { gunzipSync, gzipSync } from 'node:zlib';
import type { Beneficiary, StoreOutcome } from './beneficiaries.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

/** One rejected row as it was sent: its cells in the order of RejectedRows.headers, and why it was refused. */
export interface RejectedRow {
  row: number;
  values: string[];
  /** Every reason of the row, each as 列：原因, joined with '；'. */
  reasons: string;
}

/**
 * The rejected rows of an upload, kept for the downloadable error file only. They hold the raw ID
 * numbers as typed, so that the unit can correct and upload them again: never shown on a page
 * (pages show row, column and reason), never logged. Accepted rows are not kept.
 */
export interface RejectedRows {
  /** The template's headers, then any other columns of the file. */
  headers: string[];
  /** The first rejected rows, up to a limit (see steps/intake.ts). */
  rows: RejectedRow[];
  /** How many rows were rejected; more than rows.length when the list was capped. */
  total: number;
}

/** An uploaded intake file, keyed by the hash of its content: the same file twice is one upload. */
export interface Upload {
  campaignId: string;
  id: string;
  fileName: string;
  uploadedAt: string;
  uploadedBy: string;
  /** How many chunk items hold the file (see saveUploadFile), until its intake finishes. */
  chunkCount: number;
  /** How many batches of accepted rows intake made of the file, once it has read and checked it. */
  batchCount?: number;
  rowCount: number;
  acceptedCount: number;
  /** New beneficiaries (campaign, project, person) this file added. */
  storedCount?: number;
  /** Beneficiaries already stored whose name, phone, unit, category, household size, amount or payment method this file changed. */
  updatedCount?: number;
  /** Beneficiaries already stored exactly as this file has them. */
  unchangedCount?: number;
  /** Rows naming a person another unit had nominated for the same project: not stored again. */
  duplicateCount?: number;
  /** The first of those rows, in row order. */
  duplicateRows?: DuplicateRow[];
  /** Data rows refused (each has one or more errors). */
  rejectedCount?: number;
  rejectedRows?: RejectedRows;
  /** How a CSV file was decoded. */
  encoding?: string;
  /** Recorded while the file is processed. */
  progress?: { rowsDone: number; rowsTotal: number };
  /** The errors, or the first of them when there were too many to keep (errorCount says how many). */
  errors: RowError[];
  errorCount?: number;
  processedAt?: string;
  /** Which attempt at intake this is: one more each time the same file comes again after a failure (absent: 1). */
  attempt?: number;
  /** When the latest attempt failed, and why (zh-CN, for the unit); its file and batches were deleted first. */
  failedAt?: string;
  failureReason?: string;
}

/** The upload's latest attempt at intake; uploads saved before attempts were counted are at 1. */
export const attemptOf = (upload: Pick<Upload, 'attempt'>) => upload.attempt ?? 1;

/** The upload is still at `attempt`. */
function atAttempt(attempt: number) {
  return {
    expression: `attribute_exists(pk) AND ${attempt === 1 ? '(attribute_not_exists(#attempt) OR #attempt = :attempt)' : '#attempt = :attempt'}`,
    names: { '#attempt': 'attempt' },
    values: { ':attempt': attempt },
  };
}

/** Saves a new upload; false if the same content was uploaded before. Save its file first (saveUploadFile). */
export const saveUpload = (table: Table, upload: Upload) => table.putIfAbsent(keys.upload(upload.campaignId, upload.id), { ...upload });

export const getUpload = (table: Table, campaignId: string, id: string) => table.get<Upload>(keys.upload(campaignId, id));

/** An upload as a campaign's list of uploads reads it: without its rejected rows (getUpload reads those, for the error file). */
export type ListedUpload = Omit<Upload, 'rejectedRows'>;
/** Every field of a listed upload: the type makes a field added to Upload missing here a compile error. */
const LISTED_FIELDS = Object.keys({
  campaignId: true, id: true, fileName: true, uploadedAt: true, uploadedBy: true, chunkCount: true, batchCount: true, rowCount: true, acceptedCount: true,
  storedCount: true, updatedCount: true, unchangedCount: true, duplicateCount: true, duplicateRows: true, rejectedCount: true, encoding: true, progress: true,
  errors: true, errorCount: true, processedAt: true, attempt: true, failedAt: true, failureReason: true,
} satisfies Record<keyof ListedUpload, true>);

/** Every upload of a campaign, none with its rejected rows: each look at the campaign reads them all. */
export const listUploads = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.uploadPrefix(campaignId);
  return table.all<ListedUpload>(pk, skPrefix, LISTED_FIELDS);
};

/** Bytes of the file per chunk item, stored as binary: well within DynamoDB's 400 KB per item. */
export const CHUNK_BYTES = 300 * 1024;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Stores an uploaded file in chunks of at most CHUNK_BYTES; how many. The same file twice writes the same items. */
export async function saveUploadFile(table: Table, campaignId: string, uploadId: string, file: Uint8Array): Promise<number> {
  const count = Math.ceil(file.length / CHUNK_BYTES);
  await Promise.all(range(count).map((n) => table.put(keys.uploadChunk(campaignId, uploadId, n), { data: file.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) })));
  return count;
}

/** The uploaded file, from its chunks. */
export async function readUploadFile(table: Table, upload: Upload): Promise<Buffer> {
  const chunks = await Promise.all(range(upload.chunkCount).map((n) => table.get<{ data: Uint8Array }>(keys.uploadChunk(upload.campaignId, upload.id, n))));
  const missing = chunks.findIndex((c) => !c);
  if (missing >= 0) throw new Error(`Chunk ${missing} of ${upload.chunkCount} of upload ${upload.campaignId}/${upload.id} is missing`);
  return Buffer.concat(chunks.map((c) => c!.data));
}

/**
 * An accepted row as intake stores it: the beneficiary it names, the ID number already reduced to
 * its keyed hash and masked form. Kept in a batch item until the upload's intake finishes.
 */
export type IntakeBatchRow = Pick<Beneficiary, 'projectCode' | 'idHash' | 'idMasked' | 'name' | 'phone' | 'unit' | 'category' | 'householdSize' | 'amountFen' | 'paymentMethod' | 'row'>
  & Required<Pick<Beneficiary, 'sealedId' | 'sealedAccount' | 'accountDigest'>>;

/**
 * Batch n of an upload's accepted rows: one JSON text, measured as such, stored gzipped (about 40%
 * of it: written once and read once, it costs the store less to write, read and delete).
 */
export const saveIntakeBatch = (table: Table, campaignId: string, uploadId: string, n: number, rows: readonly IntakeBatchRow[]) =>
  table.put(keys.intakeBatch(campaignId, uploadId, n), { rows: gzipSync(JSON.stringify(rows)) });

export async function getIntakeBatch(table: Table, campaignId: string, uploadId: string, n: number): Promise<IntakeBatchRow[] | undefined> {
  const item = await table.get<{ rows: Uint8Array | string }>(keys.intakeBatch(campaignId, uploadId, n));
  if (!item) return undefined;
  // A batch written before batches were gzipped is the JSON text itself.
  return JSON.parse(typeof item.rows === 'string' ? item.rows : gunzipSync(item.rows).toString('utf8')) as IntakeBatchRow[];
}

/** A row naming a person that another unit (heldByUnit) had nominated for the same project first. */
export interface DuplicateRow {
  row: number;
  heldByUnit: string;
}

/** What storing one batch did (results recorded before duplicates were counted have no such count). */
export type IntakeBatchResult = Record<Exclude<StoreOutcome, 'duplicate'>, number> & { duplicate?: number; duplicateRows?: DuplicateRow[]; batch: number; rows: number };

/** Records what storing a batch did, once: false if it was recorded before (a retried batch). */
export const saveIntakeBatchResult = (table: Table, campaignId: string, uploadId: string, result: IntakeBatchResult) =>
  table.putIfAbsent(keys.intakeBatchResult(campaignId, uploadId, result.batch), { ...result });

export const getIntakeBatchResult = (table: Table, campaignId: string, uploadId: string, n: number) =>
  table.get<IntakeBatchResult>(keys.intakeBatchResult(campaignId, uploadId, n));

export const listIntakeBatchResults = (table: Table, campaignId: string, uploadId: string) => {
  const { pk, skPrefix } = keys.intakeBatchResultPrefix(campaignId, uploadId);
  return table.all<IntakeBatchResult>(pk, skPrefix);
};

const NOT_PROCESSED = { expression: 'attribute_exists(pk) AND attribute_not_exists(#processedAt)', names: { '#processedAt': 'processedAt' } };

/**
 * Records what reading and checking the file found: its rows, the errors and the rejected rows,
 * how many batches the accepted rows make, and progress so far (the rejected rows are done).
 */
export const recordPrepared = (
  table: Table,
  campaignId: string,
  id: string,
  outcome: {
    rowCount: number;
    acceptedCount: number;
    rejectedCount: number;
    rejectedRows?: RejectedRows;
    encoding?: string;
    errors: RowError[];
    errorCount: number;
    batchCount: number;
    progress: { rowsDone: number; rowsTotal: number };
  },
) => table.update(keys.upload(campaignId, id), { ...outcome }, NOT_PROCESSED);

/** Counts `rows` more rows as done; nothing once the outcome is recorded. The new count, or undefined. */
export const advanceProgress = (table: Table, campaignId: string, id: string, rows: number) =>
  table.increment(keys.upload(campaignId, id), ['progress', 'rowsDone'], rows, {
    expression: `${NOT_PROCESSED.expression} AND attribute_exists(#progress)`,
    names: { ...NOT_PROCESSED.names, '#progress': 'progress' },
  });

/** Records the outcome of intake: what storing the accepted rows did. */
export const recordIntake = (
  table: Table,
  campaignId: string,
  id: string,
  outcome: {
    storedCount: number;
    updatedCount: number;
    unchangedCount: number;
    duplicateCount: number;
    duplicateRows?: DuplicateRow[];
    progress: { rowsDone: number; rowsTotal: number };
  },
  now = new Date(),
) => table.update(keys.upload(campaignId, id), { ...outcome, processedAt: now.toISOString() });

/**
 * Records that an attempt failed, once, and only while it is the upload's latest and unfinished:
 * false when the failure was recorded before, the upload finished, or a later attempt started.
 */
export function recordIntakeFailure(table: Table, campaignId: string, id: string, attempt: number, failure: { failedAt: string; failureReason: string }) {
  const at = atAttempt(attempt);
  return table.update(keys.upload(campaignId, id), { ...failure }, {
    expression: `${at.expression} AND attribute_not_exists(#processedAt) AND attribute_not_exists(#failedAt)`,
    names: { ...at.names, '#processedAt': 'processedAt', '#failedAt': 'failedAt' },
    values: at.values,
  });
}

/**
 * Starts the next attempt at a failed upload: `upload` (fresh, without any outcome of the failed
 * attempt) replaces it at attempt + 1, in one write conditional on the failed attempt still being
 * the latest, so that of two uploads of the same file at the same time only one restarts it.
 * Save its file first (saveUploadFile). False when the upload had moved on.
 */
export function restartUpload(table: Table, upload: Upload, failedAttempt: number) {
  const at = atAttempt(failedAttempt);
  return table.replaceIf(keys.upload(upload.campaignId, upload.id), { ...upload, attempt: failedAttempt + 1 }, {
    expression: `${at.expression} AND attribute_not_exists(#processedAt)`,
    names: { ...at.names, '#processedAt': 'processedAt' },
    values: at.values,
  });
}

/**
 * How many batch items of the upload Prepare wrote: one past the highest, so that the batches of a
 * Prepare that failed before recording batchCount are found too. Reads the batches: for failures only.
 */
export async function writtenBatchCount(table: Table, campaignId: string, uploadId: string): Promise<number> {
  const { pk, skPrefix } = keys.intakeBatchPrefix(campaignId, uploadId);
  const numbers = (await table.all<{ sk: string }>(pk, skPrefix)).map((item) => keys.intakeBatchNumber(item.sk));
  return numbers.length ? Math.max(...numbers) + 1 : 0;
}

/** Removes the rejected rows (raw ID numbers as sent) from an upload; its counts and errors stay. */
export const removeRejectedRows = (table: Table, campaignId: string, id: string) =>
  table.remove(keys.upload(campaignId, id), ['rejectedRows'], { expression: 'attribute_exists(#rejectedRows)', names: { '#rejectedRows': 'rejectedRows' } });

/** Deletes the items that held the file (with the raw ID numbers it was sent with), its batches of accepted rows, and their results. */
export async function deleteUploadParts(table: Table, upload: Pick<Upload, 'campaignId' | 'id' | 'chunkCount' | 'batchCount'>): Promise<void> {
  const { campaignId, id } = upload;
  const parts = [
    ...range(upload.chunkCount).map((n) => keys.uploadChunk(campaignId, id, n)),
    ...range(upload.batchCount ?? 0).flatMap((n) => [keys.intakeBatch(campaignId, id, n), keys.intakeBatchResult(campaignId, id, n)]),
  ];
  let next = 0;
  const worker = async () => {
    while (next < parts.length) await table.delete(parts[next++]);
  };
  await Promise.all(range(Math.min(16, parts.length)).map(worker));
}
