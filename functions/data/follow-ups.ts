import { keys } from './keys.js';
import type { Table } from './table.js';

/** A follow-up case (异常核查): opened by a callback mismatch, assigned to the beneficiary's unit, closed with a resolution. */
export interface FollowUp {
  campaignId: string;
  caseId: string;
  beneficiaryKey: string;
  unit: string;
  /** Why it was opened, zh-CN (e.g. 未收到, 金额不符). */
  reason: string;
  openedBy: string;
  openedAt: string;
  status: 'open' | 'closed';
  resolution?: string;
  closedBy?: string;
  closedAt?: string;
}

export const listFollowUps = (table: Table, campaignId: string) => table.all<FollowUp>(keys.followUpPartition(campaignId).pk);

export const getFollowUp = (table: Table, campaignId: string, caseId: string) => table.get<FollowUp>(keys.followUp(campaignId, caseId));

/** Opens a case once per case id (one per person: see followUpCaseId); false if it was open already. */
export const openFollowUp = (table: Table, f: FollowUp) => table.putIfAbsent(keys.followUp(f.campaignId, f.caseId), { ...f });

/** Closes an open case with its resolution, once: false if it was not open. */
export const closeFollowUp = (table: Table, campaignId: string, caseId: string, closed: { resolution: string; closedBy: string; closedAt: string }) =>
  table.update(keys.followUp(campaignId, caseId), { status: 'closed', ...closed }, { expression: '#status = :open', names: { '#status': 'status' }, values: { ':open': 'open' } });
