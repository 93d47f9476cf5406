import { keys } from './keys.js';
import type { Table } from './table.js';

export type Outcome = 'approved' | 'rejected' | 'returned';

/** Where a step's wait stands: first asked, reminded, or escalated to the deputy. */
export type TaskStage = 'requested' | 'reminded' | 'escalated';

/** A decision as recorded: who, when, from which link, what they saw, and the outcome. */
export interface TaskDecision {
  outcome: Outcome;
  reason?: string;
  by: string;
  at: string;
  linkId: string;
  /** SHA-256 of the summary shown on the decision page, recomputed at the POST. */
  summaryHash: string;
  /** Decided with the approver's other pending lists in one action. */
  batch: boolean;
}

/**
 * One step of one unit's list in one round. The workflow's task token for it stays here, on the
 * server, and is replaced when the wait is re-issued (reminder, escalation). The decision is
 * written once (conditionally), whichever link or action comes first.
 */
export interface ApprovalTask {
  campaignId: string;
  unit: string;
  round: number;
  step: number;
  steps: number;
  stepName: string;
  approvers: string[];
  deputy: string;
  issuedAt: string;
  reminderAt: string;
  deadlineAt: string;
  /** Years whose holidays were not known when the deadline was counted (weekends only). */
  unknownYears: number[];
  stage: TaskStage;
  taskToken?: string;
  decision?: TaskDecision;
  /** How the decision reached the workflow: 'closed' if its wait no longer waited. Absent until then. */
  delivered?: 'sent' | 'closed';
}

export type TaskRef = Pick<ApprovalTask, 'campaignId' | 'unit' | 'round' | 'step'>;

const keyOf = (t: TaskRef) => keys.approvalTask(t.campaignId, t.unit, t.round, t.step);

export const getApprovalTask = (table: Table, ref: TaskRef) => table.get<ApprovalTask>(keyOf(ref));

/** Creates the task once; a retried step finds the one it made (and its deadlines). */
export async function openApprovalTask(table: Table, task: ApprovalTask): Promise<ApprovalTask> {
  if (await table.putIfAbsent(keyOf(task), { ...task })) return task;
  return (await getApprovalTask(table, task))!;
}

/** Stores the token of the current wait; false when the task was decided meanwhile. */
export const storeTaskToken = (table: Table, ref: TaskRef, taskToken: string, stage: TaskStage) =>
  table.update(keyOf(ref), { taskToken, stage }, { expression: 'attribute_exists(pk) AND attribute_not_exists(decision)' });

/**
 * Decides the task, once: false if it had been decided already (another link, a replay, a race).
 * After it, the token can no longer change (storeTaskToken is conditional on no decision).
 */
export const decideTask = (table: Table, ref: TaskRef, decision: TaskDecision) =>
  table.update(keyOf(ref), { decision }, { expression: 'attribute_exists(pk) AND attribute_not_exists(decision)' });

/** Records that the decision reached the workflow (or could not: the wait had closed). */
export const markDelivered = (table: Table, ref: TaskRef, delivered: 'sent' | 'closed') =>
  table.update(keyOf(ref), { delivered }, { expression: 'attribute_exists(decision)' });

/** Every task of a campaign, by unit, round and step. */
export const listApprovalTasks = (table: Table, campaignId: string) => {
  const { pk, skPrefix } = keys.approvalTaskPrefix(campaignId);
  return table.all<ApprovalTask>(pk, skPrefix);
};

/** Whether an email may decide the task now: its approvers, and the deputy once escalated. */
export function roleOf(task: ApprovalTask, email: string): 'approver' | 'deputy' | undefined {
  const e = email.toLowerCase();
  if (task.approvers.some((a) => a.toLowerCase() === e)) return 'approver';
  if (task.stage === 'escalated' && task.deputy.toLowerCase() === e) return 'deputy';
  return undefined;
}

/** Takes back a decision that could not reach the workflow (a transient fault), if it is still this one. */
export const undecideTask = (table: Table, ref: TaskRef, decision: Pick<TaskDecision, 'linkId' | 'at'>) =>
  table.remove(keyOf(ref), ['decision'], {
    expression: '#d.#l = :l AND #d.#a = :a AND attribute_not_exists(delivered)',
    names: { '#d': 'decision', '#l': 'linkId', '#a': 'at' },
    values: { ':l': decision.linkId, ':a': decision.at },
  });
