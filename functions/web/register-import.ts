import { createHash } from 'node:crypto';
import { readIntakeFile } from '../core/intake-file.js';
import { keyedIdHash } from '../core/keyed-hash.js';
import { maskIdNumber } from '../core/masking.js';
import { validateRegisterRows } from '../core/register-rows.js';
import type { Campaign } from '../data/campaigns.js';
import { getRegisterUpload, saveRegisterUpload, storeRegisteredHouseholds, type RegisterUpload } from '../data/registers.js';
import type { Table } from '../data/table.js';
import type { RowError } from '../data/uploads.js';

/**
 * Loads a base register file (低保、特困 rolls …) into a campaign: every valid row is stored as a
 * household keyed by (campaign, register, idHash), its ID number only hashed and masked; every
 * other row is reported. Keyed on the file's content: the same file twice loads once, and the
 * file itself is not kept.
 */
export async function importRegister(
  deps: { table: Table; idHashKey: string },
  campaign: Campaign,
  file: { bytes: Buffer; fileName: string; uploadedBy: string; at: Date },
): Promise<{ upload: RegisterUpload; fresh: boolean }> {
  const id = createHash('sha256').update(file.bytes).digest('hex');
  const existing = await getRegisterUpload(deps.table, campaign.id, id);
  if (existing) return { upload: existing, fresh: false };

  const content = await readIntakeFile(file.bytes, file.fileName);
  const { accepted, errors } = content.problems.length
    ? { accepted: [], errors: content.problems.map((reason): RowError => ({ row: 0, column: '文件', reason })) }
    : validateRegisterRows(content.rows, campaign.units, content.rowNumbers);
  const registers: Record<string, number> = {};
  // One row per (register, person) in a file: the rows' keys are distinct.
  await storeRegisteredHouseholds(deps.table, accepted.map((row) => ({
    campaignId: campaign.id,
    register: row.register,
    idHash: keyedIdHash(deps.idHashKey, row.idNumber),
    idMasked: maskIdNumber(row.idNumber),
    name: row.name,
    unit: row.unit,
    uploadId: id,
    row: row.row,
  })));
  for (const row of accepted) registers[row.register] = (registers[row.register] ?? 0) + 1;
  const upload: RegisterUpload = {
    campaignId: campaign.id,
    id,
    fileName: file.fileName,
    uploadedAt: file.at.toISOString(),
    uploadedBy: file.uploadedBy,
    rowCount: content.rows.length,
    storedCount: accepted.length,
    errors,
    registers,
  };
  const fresh = await saveRegisterUpload(deps.table, upload);
  return { upload: fresh ? upload : (await getRegisterUpload(deps.table, campaign.id, id))!, fresh };
}
