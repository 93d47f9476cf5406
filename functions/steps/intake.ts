import { keyedIdHash } from '../core/keyed-hash.js';
import { readIntakeFile, type IntakeFileContent } from '../core/intake-file.js';
import { INTAKE_COLUMNS, intakeColumnOf, validateIntakeRows, type IntakeBeneficiary } from '../core/intake-row.js';
import { maskIdNumber } from '../core/masking.js';
import { getCampaign } from '../data/campaigns.js';
import { upsertBeneficiary, type StoreOutcome } from '../data/beneficiaries.js';
import { getUpload, recordIntake, recordProgress, type RejectedRow, type RejectedRows, type RowError } from '../data/uploads.js';
import type { Table } from '../data/table.js';

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
  /** Rows refused. */
  rejected: number;
}

export interface IntakeDeps {
  table: Table;
  idHashKey: string;
  /** Progress is recorded on the upload every this many rows (default PROGRESS_EVERY). */
  progressEvery?: number;
  now?: () => Date;
}

/** Rows between two progress records on the upload. */
export const PROGRESS_EVERY = 500;
/** Rejected rows kept for the error file, at most. */
export const MAX_REJECTED_ROWS = 5_000;
/**
 * Bytes (as JSON) that the errors and the rejected rows may take on the upload item, itself at
 * most 400 KB in DynamoDB: errors up to 220 KB; rejected rows up to 200 KB, and no more than the
 * errors leave of 370 KB. A file wrong in every row can hold more errors than that: then the
 * first ones are kept, and the upload says how many there were.
 */
const ERRORS_BYTES = 220_000;
const REJECTED_ROWS_BYTES = 200_000;
const ITEM_BYTES = 370_000;
/** Beneficiaries written at the same time. */
const CONCURRENCY = 8;

/**
 * Validates an uploaded file row by row and stores its good rows as beneficiaries: every row is
 * either stored or reported with its row, column and reason, all at once. A row naming a person
 * already stored for the same project updates them when the file changed their details (a
 * corrected file), and changes nothing when it did not (the same rows again). ID numbers are kept
 * only as a keyed hash and a masked form; the file itself is discarded afterwards. Only the
 * rejected rows are kept as sent, for the error file (see RejectedRows).
 */
export async function intakeUpload(input: { campaignId: string; uploadId: string }, deps: IntakeDeps): Promise<IntakeResult> {
  const { table } = deps;
  const now = deps.now ?? (() => new Date());
  const campaign = await getCampaign(table, input.campaignId);
  const upload = await getUpload(table, input.campaignId, input.uploadId);
  if (!campaign || !upload) throw new Error(`Unknown campaign or upload: ${input.campaignId}/${input.uploadId}`);
  if (upload.processedAt) {
    const stored = upload.storedCount ?? 0;
    return {
      uploadId: upload.id,
      rowCount: upload.rowCount,
      accepted: upload.acceptedCount,
      stored,
      updated: upload.updatedCount ?? 0,
      unchanged: upload.unchangedCount ?? upload.acceptedCount - stored,
      rejected: upload.rejectedCount ?? upload.rowCount - upload.acceptedCount,
    };
  }

  const file = await readIntakeFile(Buffer.from(upload.content ?? '', 'base64'), upload.fileName);
  const rules = { units: campaign.units, categories: campaign.categories, projects: campaign.projects };
  const checked = file.rows.length > 0 ? validateIntakeRows(file.rows, rules, { rowNumbers: file.rowNumbers }) : { accepted: [], errors: [] };
  // A file-level problem (a repeated header, ID numbers stored as numbers) holds back the whole
  // file; its rows are still checked, so that every error is reported at once.
  const blocked = file.problems.length > 0;
  const errors: RowError[] = [...file.problems.map((reason): RowError => ({ row: 0, column: '文件', reason })), ...checked.errors];
  const accepted: IntakeBeneficiary[] = blocked ? [] : checked.accepted;
  const keptErrors = firstWithin(errors, ERRORS_BYTES);
  const rejected = rejectedRowsOf(file, errors, accepted, blocked, ITEM_BYTES - jsonBytes(keptErrors));

  const rowsTotal = file.rows.length;
  const every = Math.max(1, deps.progressEvery ?? PROGRESS_EVERY);
  let rowsDone = rejected.total;
  let progress: Promise<unknown> = recordProgress(table, campaign.id, upload.id, { rowsDone, rowsTotal });
  const counts: Record<StoreOutcome, number> = { stored: 0, updated: 0, unchanged: 0 };
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < accepted.length) {
      const row = accepted[next++];
      try {
        counts[await upsertBeneficiary(table, {
          campaignId: campaign.id,
          projectCode: row.projectCode,
          idHash: keyedIdHash(deps.idHashKey, row.idNumber),
          idMasked: maskIdNumber(row.idNumber),
          name: row.name,
          phone: row.phone,
          unit: row.unit,
          category: row.category,
          householdSize: row.householdSize,
          amountFen: row.amountFen,
          uploadId: upload.id,
          row: row.row,
        }, now())]++;
      } catch (err) {
        failed = true;
        throw err;
      }
      rowsDone++;
      if (rowsDone % every === 0) {
        const snapshot = { rowsDone, rowsTotal };
        // One after the other, so that the page never sees the count go back.
        progress = progress.then(() => recordProgress(table, campaign.id, upload.id, snapshot));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, accepted.length) }, worker));
  await progress;

  await recordIntake(table, campaign.id, upload.id, {
    rowCount: rowsTotal,
    acceptedCount: accepted.length,
    storedCount: counts.stored,
    updatedCount: counts.updated,
    unchangedCount: counts.unchanged,
    rejectedCount: rejected.total,
    ...(rejected.rows.length > 0 ? { rejectedRows: rejected } : {}),
    ...(file.encoding ? { encoding: file.encoding } : {}),
    progress: { rowsDone: rowsTotal, rowsTotal },
    errors: keptErrors,
    errorCount: errors.length,
  }, now());
  return {
    uploadId: upload.id,
    rowCount: rowsTotal,
    accepted: accepted.length,
    ...counts,
    rejected: rejected.total,
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
