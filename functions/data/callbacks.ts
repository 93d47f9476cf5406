import { keys } from './keys.js';
import type { Table } from './table.js';

export const SATISFACTION = ['满意', '基本满意', '不满意'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
/** Why a reached person's answer is a mismatch (the follow-up case's reason). */
export const MISMATCHES = ['未收到', '金额不符'] as const;
export type Mismatch = (typeof MISMATCHES)[number];

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
  /** When `receivedRightAmount` is false: what was wrong (absent on older outcomes). */
  mismatch?: Mismatch;
}

/** A mismatch found by a call (not received, wrong amount) is a mismatch: it opens a follow-up case. */
export const isMismatch = (o: Pick<CallOutcome, 'reached' | 'receivedRightAmount'>) => o.reached && o.receivedRightAmount === false;

export const listCallOutcomes = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.callOutcomePrefix(campaignId);
  return table.all<CallOutcome>(pk, skPrefix);
};

export const getCallOutcome = (table: Table, campaignId: string, beneficiaryKey: string) => table.get<CallOutcome>(keys.callOutcome(campaignId, beneficiaryKey));

/**
 * Records a call's outcome if the stored one still has `seenAttempts` attempts (0: none stored):
 * a form sent twice, or two people recording the same call, write once. False when it moved on.
 */
export const recordCallOutcome = (table: Table, outcome: CallOutcome, seenAttempts: number) =>
  table.replaceIf(keys.callOutcome(outcome.campaignId, outcome.beneficiaryKey), { ...outcome },
    seenAttempts === 0 ? { expression: 'attribute_not_exists(pk)' } : { expression: 'attempts = :seen', values: { ':seen': seenAttempts } });
