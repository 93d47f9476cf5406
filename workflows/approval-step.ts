import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { IntegrationPattern, JsonPath, StateMachineFragment, TaskInput, Timeout, type INextable, type State } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ESCALATED_WAIT_DAYS } from '../functions/steps/approval.js';
import { TRANSIENT_RETRY } from './phase-step.js';

/** The task of one step of one unit's list in one round, as every approval state names it. */
export const taskRef = () => ({
  campaignId: JsonPath.stringAt('$.campaignId'),
  unit: JsonPath.stringAt('$.unit'),
  round: JsonPath.numberAt('$.round'),
  step: JsonPath.numberAt('$.step'),
});

/** A call of the approval function, retried on transient faults. */
export function approvalCall(scope: Construct, id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string, wait?: Timeout) {
  return new LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    ...(wait ? { integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN } : { payloadResponseOnly: true }),
    payload: TaskInput.fromObject(wait ? { ...payload, taskToken: JsonPath.taskToken } : payload),
    retryOnServiceExceptions: false,
    taskTimeout: wait,
    resultPath,
  }).addRetry(TRANSIENT_RETRY);
}

/**
 * One step of a unit's approval chain. Plan opens the task and counts its deadline in working
 * days; then the approvers are asked (a task token kept on the task, server-side) and the wait
 * times out at the reminder point (TimeoutSecondsPath), is re-issued with a reminder, times out
 * at the deadline, and is re-issued to the deputy. A decision that landed while a wait was being
 * re-issued is applied from the task. The step ends with the decision, or fails Rejected or
 * Returned (the decision page's SendTaskFailure).
 *
 * Input: { campaignId, unit, round, step, steps, config: ChainStep }.
 */
export class ApprovalStep extends StateMachineFragment {
  readonly startState: State;
  readonly endStates: INextable[];

  constructor(scope: Construct, id: string, props: { approval: IFunction }) {
    super(scope, id);
    const fn = props.approval;
    const plan = approvalCall(this, 'Plan approval step', fn, { action: 'plan', ...taskRef(), steps: JsonPath.numberAt('$.steps'), config: JsonPath.objectAt('$.config') }, '$.deadline');
    const wait = (name: string, kind: string, timeout: Timeout) => approvalCall(this, name, fn, { action: 'wait', kind, ...taskRef() }, '$.decision', timeout);
    const request = wait('Request approval', 'request', Timeout.at('$.deadline.reminderSeconds'));
    const remind = wait('Remind approvers', 'reminder', Timeout.at('$.deadline.escalateSeconds'));
    const escalate = wait('Escalate to deputy', 'escalation', Timeout.duration(Duration.days(ESCALATED_WAIT_DAYS)));
    const apply = approvalCall(this, 'Apply recorded decision', fn, { action: 'apply', ...taskRef() }, '$.decision');
    request.addCatch(remind, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
    remind.addCatch(escalate, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
    for (const w of [request, remind, escalate]) w.addCatch(apply, { errors: ['AlreadyDecided'], resultPath: JsonPath.DISCARD });
    plan.next(request);
    this.startState = plan;
    this.endStates = [request, remind, escalate, apply];
  }
}
