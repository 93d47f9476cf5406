import { keyedIdHash } from '../core/keyed-hash.js';
import { readIntakeFile } from '../core/intake-file.js';
import { validateIntakeRows } from '../core/intake-row.js';
import { maskIdNumber } from '../core/masking.js';
import { getCampaign } from '../data/campaigns.js';
import { storeBeneficiary } from '../data/beneficiaries.js';
import { getUpload, recordIntake, type RowError } from '../data/uploads.js';
import type { Table } from '../data/table.js';

export interface IntakeResult {
  uploadId: string;
  rowCount: number;
  accepted: number;
  stored: number;
  rejected: number;
}

/**
 * Validates an uploaded file row by row and stores its good rows as beneficiaries: every
 * row is either stored or reported with its row, column and reason. ID numbers are kept
 * only as a keyed hash and a masked form; the file itself is discarded afterwards.
 */
export async function intakeUpload(input: { campaignId: string; uploadId: string }, deps: { table: Table; idHashKey: string }): Promise<IntakeResult> {
  const { table } = deps;
  const campaign = await getCampaign(table, input.campaignId);
  const upload = await getUpload(table, input.campaignId, input.uploadId);
  if (!campaign || !upload) throw new Error(`Unknown campaign or upload: ${input.campaignId}/${input.uploadId}`);
  if (upload.processedAt) return summary(upload.id, upload.rowCount, upload.acceptedCount, upload.storedCount ?? 0, upload.errors.length);

  const file = await readIntakeFile(Buffer.from(upload.content ?? '', 'base64'), upload.fileName);
  const { accepted, errors } = file.problems.length
    ? { accepted: [], errors: file.problems.map((reason): RowError => ({ row: 0, column: '文件', reason })) }
    : validateIntakeRows(file.rows, { units: campaign.units, categories: campaign.categories, projects: campaign.projects }, { rowNumbers: file.rowNumbers });
  let stored = 0;
  for (const row of accepted) {
    const isNew = await storeBeneficiary(table, {
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
    });
    if (isNew) stored++;
  }
  await recordIntake(table, campaign.id, upload.id, { rowCount: file.rows.length, acceptedCount: accepted.length, storedCount: stored, errors });
  return summary(upload.id, file.rows.length, accepted.length, stored, errors.length);
}

const summary = (uploadId: string, rowCount: number, accepted: number, stored: number, rejected: number): IntakeResult => ({
  uploadId, rowCount, accepted, stored, rejected,
});
