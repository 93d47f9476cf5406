import { signatureSheets, type SignatureSheet } from '../core/signature-sheet.js';
import type { Campaign } from './campaigns.js';
import { listPayments, withPayees } from './payments.js';
import type { Table } from './table.js';

/** Every unit's signature sheet (签收表) from the payments recorded so far. */
export async function loadSignatureSheets(table: Table, campaign: Pick<Campaign, 'id' | 'projects' | 'units'>): Promise<SignatureSheet[]> {
  return signatureSheets(await withPayees(table, campaign.id, await listPayments(table, campaign.id)), campaign.projects, campaign.units);
}
