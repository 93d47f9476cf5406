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
  /** The file, base64, until the intake step has read it. */
  content?: string;
  rowCount: number;
  acceptedCount: number;
  /** New beneficiaries (campaign, project, person) this file added. */
  storedCount?: number;
  /** Beneficiaries already stored whose name, phone, unit, category, household size or amount this file changed. */
  updatedCount?: number;
  /** Beneficiaries already stored exactly as this file has them. */
  unchangedCount?: number;
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
}

/** Saves a new upload; false if the same content was uploaded before. */
export const saveUpload = (table: Table, upload: Upload) => table.putIfAbsent(keys.upload(upload.campaignId, upload.id), { ...upload });

export const getUpload = (table: Table, campaignId: string, id: string) => table.get<Upload>(keys.upload(campaignId, id));

export const listUploads = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.uploadPrefix(campaignId);
  return table.all<Upload>(pk, skPrefix);
};

/** Records the outcome of intake and drops the file, which holds raw ID numbers. */
export const recordIntake = (
  table: Table,
  campaignId: string,
  id: string,
  outcome: {
    rowCount: number;
    acceptedCount: number;
    storedCount: number;
    updatedCount?: number;
    unchangedCount?: number;
    rejectedCount?: number;
    rejectedRows?: RejectedRows;
    encoding?: string;
    progress?: { rowsDone: number; rowsTotal: number };
    errors: RowError[];
    errorCount?: number;
  },
  now = new Date(),
) => table.update(keys.upload(campaignId, id), { ...outcome, content: null, processedAt: now.toISOString() });

/** Records how far intake has got; nothing once the outcome is recorded. */
export const recordProgress = (table: Table, campaignId: string, id: string, progress: { rowsDone: number; rowsTotal: number }) =>
  table.update(keys.upload(campaignId, id), { progress }, {
    expression: 'attribute_exists(pk) AND attribute_not_exists(#processedAt)',
    names: { '#processedAt': 'processedAt' },
  });
