import { keys } from './keys.js';
import type { Table } from './table.js';

export const SATISFACTION = ['满意', '基本满意', '不满意'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];

/**
 * What calling one sampled beneficiary found, as last recorded by their callback staff member.
 * The questions after `reached` are null until the person is reached.
 */
export interface CallOutcome {
  campaignId: string;
  /** The beneficiary called: `projectCode#idHash`. */
  beneficiaryKey: string;
  unit: string;
  category: string;
  staff: string;
  /** Calls made so far, reached or not. */
  attempts: number;
  reached: boolean;
  /** Received the aid, and the right amount. */
  receivedRightAmount: boolean | null;
  visited: boolean | null;
  satisfaction: Satisfaction | null;
  notes: string;
  recordedAt: string;
}

/** A mismatch found by a call (not received, wrong amount) is a mismatch: it opens a follow-up case. */
export const isMismatch = (o: Pick<CallOutcome, 'reached' | 'receivedRightAmount'>) => o.reached && o.receivedRightAmount === false;

export const listCallOutcomes = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.callOutcomePrefix(campaignId);
  return table.all<CallOutcome>(pk, skPrefix);
};
