import { keys } from './keys.js';
import type { Table } from './table.js';

/** A stored beneficiary: the ID number only as a keyed hash and a masked form. */
export interface Beneficiary {
  campaignId: string;
  projectCode: string;
  idHash: string;
  idMasked: string;
  name: string;
  phone: string;
  unit: string;
  category: string;
  householdSize: number;
  amountFen: number;
  uploadId: string;
  row: number;
}

/** Stores a beneficiary once per (campaign, project, person); a re-upload adds nothing. */
export const storeBeneficiary = (table: Table, b: Beneficiary) =>
  table.putIfAbsent(keys.beneficiary(b.campaignId, b.projectCode, b.idHash), { ...b });

export const listBeneficiaries = (table: Table, campaignId: string) => table.all<Beneficiary>(keys.beneficiaryPartition(campaignId).pk);

export const beneficiaryPages = (table: Table, campaignId: string, pageSize: number) =>
  table.query<Beneficiary>(keys.beneficiaryPartition(campaignId).pk, undefined, pageSize);

export const getBeneficiary = (table: Table, campaignId: string, projectCode: string, idHash: string) =>
  table.get<Beneficiary>(keys.beneficiary(campaignId, projectCode, idHash));
