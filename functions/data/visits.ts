import { keys } from './keys.js';
import type { Table } from './table.js';

/** A leader's visit (走访慰问) to a beneficiary's household: the ID number only hashed and masked. */
export interface Visit {
  campaignId: string;
  idHash: string;
  idMasked: string;
  name: string;
  /** The beneficiary's unit, which made the visit. */
  unit: string;
  /** YYYY-MM-DD. */
  date: string;
  leader: string;
  title: string;
  note: string;
  recordedBy: string;
  recordedAt: string;
}

/** Records a visit once per (household, date, leader): the same visit again adds nothing. True if new. */
export const storeVisit = (table: Table, visit: Visit) => table.putIfAbsent(keys.visit(visit.campaignId, visit.idHash, visit.date, visit.leader), { ...visit });

export const listVisits = (table: Table, campaignId: string) => table.all<Visit>(keys.visitPartition(campaignId).pk);
