import type { RegisterEntry } from '../core/coverage.js';
import { inFlight } from './in-flight.js';
import { keys } from './keys.js';
import type { Table } from './table.js';
import type { RowError } from './uploads.js';

/** A household on a base register, keyed by (campaign, register, idHash): the ID number only hashed and masked. */
export interface RegisteredHousehold extends RegisterEntry {
  campaignId: string;
  uploadId: string;
  row: number;
}

/** A loaded register file, keyed by the hash of its content: the same file twice is one load. Its content is not kept. */
export interface RegisterUpload {
  campaignId: string;
  id: string;
  fileName: string;
  uploadedAt: string;
  uploadedBy: string;
  rowCount: number;
  storedCount: number;
  errors: RowError[];
  /** Households stored from this file, per 登记类别. */
  registers: Record<string, number>;
}

/** Stores a household; loading it again (or a corrected row) overwrites the same item. */
export const storeRegisteredHousehold = (table: Table, h: RegisteredHousehold) =>
  table.put(keys.registeredHousehold(h.campaignId, h.register, h.idHash), { ...h });

/**
 * Stores households of distinct keys as storeRegisteredHousehold does, the new ones 25 to a
 * request (each inserted only if absent); a household stored before is overwritten on its own.
 */
export async function storeRegisteredHouseholds(table: Table, households: readonly RegisteredHousehold[]): Promise<void> {
  const inserted = await table.insertMany(households.map((h) => ({ ...h, ...keys.registeredHousehold(h.campaignId, h.register, h.idHash) })));
  await inFlight(households.filter((_, i) => !inserted[i]), (h) => storeRegisteredHousehold(table, h));
}

export const listRegisteredHouseholds = (table: Table, campaignId: string) => table.all<RegisteredHousehold>(keys.registerPartition(campaignId).pk);

export const saveRegisterUpload = (table: Table, upload: RegisterUpload) => table.putIfAbsent(keys.registerUpload(upload.campaignId, upload.id), { ...upload });

export const getRegisterUpload = (table: Table, campaignId: string, id: string) => table.get<RegisterUpload>(keys.registerUpload(campaignId, id));

export const listRegisterUploads = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.registerUploadPrefix(campaignId);
  return table.all<RegisterUpload>(pk, skPrefix);
};
