import type { Outcome } from './approval-tasks.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/** A unit's list sent back (rejected or returned) in a round, waiting until it is resubmitted. */
export interface Resubmission {
  campaignId: string;
  unit: string;
  round: number;
  outcome: Exclude<Outcome, 'approved'>;
  reason: string;
  sentBackAt: string;
  taskToken?: string;
  resubmittedAt?: string;
  resubmittedBy?: string;
  note?: string;
}

type Ref = Pick<Resubmission, 'campaignId' | 'unit' | 'round'>;
const keyOf = (r: Ref) => keys.resubmission(r.campaignId, r.unit, r.round);

/** Records the wait for resubmission with its token (again, if the step is retried). */
export const awaitResubmission = (table: Table, r: Resubmission) =>
  table.replaceIf(keyOf(r), { ...r }, { expression: 'attribute_not_exists(resubmittedAt)' });

export const getResubmission = (table: Table, r: Ref) => table.get<Resubmission>(keyOf(r));

/** Marks the list resubmitted, once: false if it already was. */
export const markResubmitted = (table: Table, r: Ref, by: string, note: string, at: string) =>
  table.update(keyOf(r), { resubmittedAt: at, resubmittedBy: by, note }, { expression: 'attribute_exists(taskToken) AND attribute_not_exists(resubmittedAt)' });

/** Gives a resubmission back when it could not be delivered (a transient fault), so it can be tried again. */
export const releaseResubmission = (table: Table, r: Ref, at: string) =>
  table.remove(keyOf(r), ['resubmittedAt', 'resubmittedBy', 'note'], { expression: 'resubmittedAt = :at', values: { ':at': at } });

export const listResubmissions = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.resubmissionPrefix(campaignId);
  return table.all<Resubmission>(pk, skPrefix);
};
