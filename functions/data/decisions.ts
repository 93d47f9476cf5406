import { keys } from './keys.js';
import type { Table } from './table.js';

/** An approver's decision on a campaign's register, as delivered to the deploy workflow. */
export interface Decision {
  campaignId: string;
  linkId: string;
  approver: string;
  step: number;
  steps: number;
  decision: 'approved' | 'rejected';
  reason?: string;
  at: string;
}

/** Records a decision once per link. */
export const recordDecision = (table: Table, d: Decision) => table.putIfAbsent(keys.decision(d.campaignId, d.at, d.linkId), { ...d });

/** A campaign's decisions, oldest first. */
export const listDecisions = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.decisionPrefix(campaignId);
  return table.all<Decision>(pk, skPrefix);
};
