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
