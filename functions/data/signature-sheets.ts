import { signatureSheets, type SignatureSheet } from '../core/signature-sheet.js';
import type { Campaign } from './campaigns.js';
import { beneficiaryKey, listBeneficiaryRecords } from './exclusions.js';
import { listPayments } from './payments.js';
import type { Table } from './table.js';

/** Every unit's signature sheet (签收表) from the payments recorded so far. */
export async function loadSignatureSheets(table: Table, campaign: Pick<Campaign, 'id' | 'projects' | 'units'>): Promise<SignatureSheet[]> {
  const [payments, records] = await Promise.all([listPayments(table, campaign.id), listBeneficiaryRecords(table, campaign.id)]);
  return signatureSheets(payments, new Map(records.map((b) => [beneficiaryKey(b), b])), campaign.projects, campaign.units);
}
