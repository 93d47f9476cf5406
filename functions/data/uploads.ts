import { keys } from './keys.js';
import type { Table } from './table.js';

export interface RowError {
  row: number;
  column: string;
  reason: string;
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
  storedCount?: number;
  errors: RowError[];
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
  outcome: { rowCount: number; acceptedCount: number; storedCount: number; errors: RowError[] },
  now = new Date(),
) => table.update(keys.upload(campaignId, id), { ...outcome, content: null, processedAt: now.toISOString() });
