import { decideTask, getApprovalTask, listApprovalTasks, markDelivered, undecideTask, type ApprovalTask, type TaskDecision, type TaskRef } from '../data/approval-tasks.js';
import type { Campaign } from '../data/campaigns.js';
import { SENT_BACK_ERRORS } from '../steps/approval-errors.js';
import type { AppDeps } from './context.js';
import { completeTask } from './workflows.js';

/**
 * Decides a task once and hands the decision to its workflow wait, with the token stored on the
 * task at the moment of the decision (it cannot change after it). 'taken' when the task had a
 * decision already; 'closed' when its wait no longer waits. If the workflow cannot be reached
 * (a transient fault), the decision is taken back and the fault thrown, to try again.
 */
export async function decideAndDeliver(deps: AppDeps, task: ApprovalTask, decision: TaskDecision): Promise<'sent' | 'closed' | 'taken'> {
  if (!(await decideTask(deps.table, task, decision))) return 'taken';
  const token = (await getApprovalTask(deps.table, task))?.taskToken;
  if (!token) throw new Error('approval task without a task token');
  let sent: 'sent' | 'closed';
  try {
    sent = await completeTask(deps, token, workflowOutcome(decision));
  } catch (err) {
    await undecideTask(deps.table, task, decision);
    throw err;
  }
  // 'closed' right after a deadline: the re-issued wait finds the decision and applies it.
  await markDelivered(deps.table, task, sent);
  return sent;
}

/** How long a decision may go without a recorded delivery before it counts as lost on the way (the server died in between). */
const LOST_DELIVERY_MS = 30_000;

/**
 * Hands a recorded decision to its workflow wait again if it was lost on the way: recorded, never
 * marked delivered, and older than a delivery takes. The same token again answers 'closed' if it
 * did arrive, which changes nothing.
 */
async function redeliverIfLost(deps: AppDeps, task: ApprovalTask): Promise<void> {
  if (!task.decision || task.delivered || !task.taskToken) return;
  if (deps.now().getTime() - Date.parse(task.decision.at) <= LOST_DELIVERY_MS) return;
  await markDelivered(deps.table, task, await completeTask(deps, task.taskToken, workflowOutcome(task.decision)));
}

/**
 * Tried whenever a page that shows them is read: a lost decision would otherwise hold its list back
 * until the step's reminder re-issues the wait, days later. A fault is logged, not shown: the page
 * is still read, and the next read tries again.
 */
async function quietly(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    console.error(JSON.stringify({ level: 'warn', what: 'lost approval decision not handed on', error: (err as Error).name }));
  }
}

/** When a decided task's link is opened again. */
export const redeliverLostDecision = (deps: AppDeps, ref: TaskRef) =>
  quietly(async () => {
    const task = await getApprovalTask(deps.table, ref);
    if (task) await redeliverIfLost(deps, task);
  });

/** When the coordinator looks at a campaign: in 部署, the only phase whose lists wait on decisions. */
export const redeliverLostDecisions = (deps: AppDeps, campaign: Pick<Campaign, 'id' | 'phase'>) =>
  quietly(async () => {
    if (campaign.phase !== 'deploy') return;
    for (const task of await listApprovalTasks(deps.table, campaign.id)) await redeliverIfLost(deps, task);
  });

const workflowOutcome = (decision: TaskDecision) =>
  decision.outcome === 'approved'
    ? { output: { decision: 'approved', approver: decision.by, at: decision.at } }
    : { error: SENT_BACK_ERRORS[decision.outcome], cause: decision.reason ?? '' };
