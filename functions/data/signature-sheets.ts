import { signatureSheets, type SignatureSheet } from '../core/signature-sheet.js';
import type { Campaign } from './campaigns.js';
import { beneficiaryKey, listRegisterFields } from './exclusions.js';
import { listPayments } from './payments.js';
import type { Table } from './table.js';

/** What a signature sheet reads of each beneficiary: who signs, in which unit, for which channel. */
const SIGNER_FIELDS = ['projectCode', 'idHash', 'name', 'idMasked', 'unit', 'paymentMethod'] as const;

/** Every unit's signature sheet (签收表) from the payments recorded so far. */
export async function loadSignatureSheets(table: Table, campaign: Pick<Campaign, 'id' | 'projects' | 'units'>): Promise<SignatureSheet[]> {
  const [payments, records] = await Promise.all([listPayments(table, campaign.id), listRegisterFields(table, campaign.id, SIGNER_FIELDS)]);
  return signatureSheets(payments, new Map(records.map((b) => [beneficiaryKey(b), b])), campaign.projects, campaign.units);
}
