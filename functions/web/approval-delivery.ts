import { decideTask, getApprovalTask, markDelivered, undecideTask, type ApprovalTask, type TaskDecision } from '../data/approval-tasks.js';
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
    sent = await completeTask(
      deps,
      token,
      decision.outcome === 'approved'
        ? { output: { decision: 'approved', approver: decision.by, at: decision.at } }
        : { error: SENT_BACK_ERRORS[decision.outcome], cause: decision.reason ?? '' },
    );
  } catch (err) {
    await undecideTask(deps.table, task, decision);
    throw err;
  }
  // 'closed' right after a deadline: the re-issued wait finds the decision and applies it.
  await markDelivered(deps.table, task, sent);
  return sent;
}
