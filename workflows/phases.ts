import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Choice, Condition, DistributedMap, Fail, ItemBatcher, JsonPath, Map as MapState, Pass, StateMachineType, TaskInput, Timeout, type RetryProps, type StateMachineFragment } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ApprovalStep, approvalCall, taskRef } from './approval-step.js';
import { SANDBOX_LOST_RETRY, TRANSIENT_RETRY } from './phase-step.js';

/**
 * A Lambda step, retried on transient faults. It passes its function's result on, or with
 * `resultPath` keeps its input and puts the result there (so a next step still reads $.campaignId).
 */
function step(scope: Construct, id: string, fn: IFunction, payload: Record<string, unknown>, resultPath?: string) {
  return new LambdaInvoke(scope, id, { lambdaFunction: fn, payload: TaskInput.fromObject(payload), payloadResponseOnly: true, retryOnServiceExceptions: false, resultPath }).addRetry(TRANSIENT_RETRY);
}

const campaignId = () => JsonPath.stringAt('$.campaignId');

/**
 * 排摸 close: de-duplicate across every unit and project and check the base registers' coverage
 * (one step, one read of the register), remove the rejected rows kept for the error files (raw ID
 * numbers; before the mail, so that a mail that cannot go leaves none), then summarise and mail
 * the coordinator. (Uploads run the intake workflow.)
 */
export function surveyWorkflow(scope: Construct, fns: { checks: IFunction; rejectedRows: IFunction; summary: IFunction }) {
  return step(scope, 'Check the register', fns.checks, { campaignId: campaignId() }, '$.checks')
    .next(step(scope, 'Remove rejected rows', fns.rejectedRows, { campaignId: campaignId() }, '$.rejectedRows'))
    .next(step(scope, 'Summarize survey', fns.summary, { campaignId: campaignId(), dedup: JsonPath.objectAt('$.checks.dedup') }));
}

/**
 * A distributed Map over batch numbers at `itemsPath`: each child execution calls `fn` with
 * `perChild` of them as `batches`, and with `fields` (paths into the Map's input, in ASL's own
 * notation, as ItemBatcher renders BatchInput as given). Results are dropped. `retry`: retries of
 * the child's step beyond the transient ones.
 */
function batchMap(scope: Construct, id: string, props: { itemsPath: string; perChild: number; fields: Record<string, string>; step: string; fn: IFunction; retry?: RetryProps }) {
  const names = Object.keys(props.fields);
  return new DistributedMap(scope, id, {
    itemsPath: JsonPath.stringAt(props.itemsPath),
    itemBatcher: new ItemBatcher({
      maxItemsPerBatch: props.perChild,
      batchInput: Object.fromEntries(names.map((name) => [`${name}.$`, props.fields[name]])),
    }),
    maxConcurrency: 4,
    mapExecutionType: StateMachineType.STANDARD,
    resultPath: JsonPath.DISCARD,
  }).itemProcessor(withRetry(step(scope, props.step, props.fn, {
    ...Object.fromEntries(names.map((name) => [name, JsonPath.stringAt(`$.BatchInput.${name}`)])),
    batches: JsonPath.listAt('$.Items'),
  }), props.retry));
}

const withRetry = (task: ReturnType<typeof step>, retry?: RetryProps) => (retry ? task.addRetry(retry) : task);

/** Batch numbers given to one child execution of the intake Map: 10 batches of up to 500 rows. */
export const INTAKE_BATCHES_PER_CHILD = 10;

/**
 * One uploaded file, in batches, so that a file of 100,000 rows stays within Step Functions'
 * payload (256 KB) and history limits: Prepare reads and checks the file and writes the accepted
 * rows into batch items, answering only their numbers; a distributed Map stores them, each child
 * execution a few batches (the parent's history stays small, whatever the size of the file);
 * Finish adds the results up on the upload and deletes the file and the batches. If any of them
 * fails (after its retries), a Catch deletes the file and the batches all the same, records the
 * failure on the upload, and the execution ends failed. The input names the attempt (see
 * restartUpload), so that a failure is only ever recorded on the attempt that failed.
 */
export function intakeWorkflow(scope: Construct, fns: { prepare: IFunction; batch: IFunction; finish: IFunction; failure: IFunction }) {
  const upload = { campaignId: campaignId(), uploadId: JsonPath.stringAt('$.uploadId') };
  const prepare = step(scope, 'Prepare intake', fns.prepare, upload, '$.prepared');
  const store = batchMap(scope, 'Store batches', {
    itemsPath: '$.prepared.batches',
    perChild: INTAKE_BATCHES_PER_CHILD,
    fields: { campaignId: '$.campaignId', uploadId: '$.uploadId' },
    step: 'Store batch',
    fn: fns.batch,
  });
  const finish = step(scope, 'Finish intake', fns.finish, upload);
  const failed = step(scope, 'Clean up failed intake', fns.failure, { ...upload, attempt: JsonPath.numberAt('$.attempt'), error: JsonPath.objectAt('$.error') }, JsonPath.DISCARD)
    .next(new Fail(scope, 'Intake failed', { errorPath: '$.error.Error', cause: 'Intake failed: the upload records why; its file and batches are deleted' }));
  for (const state of [prepare, store, finish]) state.addCatch(failed, { resultPath: '$.error' });
  return prepare.next(store).next(finish);
}

/** How long a sent-back list may wait for its resubmission before 部署 fails (back to its gate). */
export const RESUBMISSION_WAIT_DAYS = 60;

/**
 * 部署: every unit's list goes through its own approval chain (the units at once, each chain's
 * steps in order). A list rejected or returned at any step waits for the unit's resubmission
 * (a task token the coordinator's page completes), then starts the chain again, one round on.
 *
 * `beforeFinalStep`: the seam for public posting (公示): when given, a unit's list passes through
 * it right before the final step of every round; it gets and must pass on the step's input
 * { campaignId, unit, round, step, steps, config }.
 */
export function deployWorkflow(scope: Construct, props: { approval: IFunction; beforeFinalStep?: StateMachineFragment }) {
  const units = step(scope, 'Read approval chains', props.approval, { action: 'units', campaignId: campaignId() }, '$.chains');
  const approvalStep = new ApprovalStep(scope, 'Approval step', { approval: props.approval });
  const processor = props.beforeFinalStep
    ? new Choice(scope, 'Final step?').when(Condition.numberEqualsJsonPath('$.step', '$.steps'), props.beforeFinalStep.next(approvalStep)).otherwise(approvalStep)
    : approvalStep;
  const chain = new MapState(scope, 'Approve in order', {
    itemsPath: '$.steps',
    maxConcurrency: 1,
    itemSelector: {
      ...taskRef(),
      step: JsonPath.mathAdd(JsonPath.numberAt('$$.Map.Item.Index'), 1),
      steps: JsonPath.arrayLength(JsonPath.listAt('$.steps')),
      config: JsonPath.objectAt('$$.Map.Item.Value'),
    },
    resultPath: JsonPath.DISCARD,
  }).itemProcessor(processor);
  const resubmission = approvalCall(scope, 'Await resubmission', props.approval,
    { action: 'resubmission', campaignId: campaignId(), unit: JsonPath.stringAt('$.unit'), round: JsonPath.numberAt('$.round') },
    JsonPath.DISCARD, Timeout.duration(Duration.days(RESUBMISSION_WAIT_DAYS)));
  const nextRound = new Pass(scope, 'Start next round', {
    parameters: { campaignId: campaignId(), unit: JsonPath.stringAt('$.unit'), steps: JsonPath.listAt('$.steps'), round: JsonPath.mathAdd(JsonPath.numberAt('$.round'), 1) },
  });
  chain.addCatch(resubmission, { errors: ['Rejected', 'Returned'], resultPath: '$.sentBack' });
  resubmission.next(nextRound).next(chain);
  // A list waits on people (approvals, its posting), not on compute: every unit's list is in
  // flight at once, so no unit waits for another's approvers. 40 is the inline Map's own ceiling.
  const lists = new MapState(scope, 'Unit lists', {
    itemsPath: '$.chains.units',
    maxConcurrency: 40,
    itemSelector: { campaignId: campaignId(), unit: JsonPath.stringAt('$$.Map.Item.Value.unit'), steps: JsonPath.listAt('$$.Map.Item.Value.steps'), round: 1 },
    resultPath: JsonPath.DISCARD,
  }).itemProcessor(chain);
  return units.next(lists);
}

/** Payment batch numbers given to one child execution of the payment Map: 10 batches of up to 100 keys. */
export const PAYMENT_BATCHES_PER_CHILD = 10;

/**
 * 实施: pay the register in batches, each payment once, at any register size: Plan writes the
 * batches as items and answers only their numbers; a distributed Map pays them, each child
 * execution a few batches, its result only counts (dropped: the payments are the record). Every
 * payment names this execution. The batch items stay (keys only): no payment function deletes.
 * Both steps are idempotent (the plan writes the same batches, a payment is a conditional write),
 * so both are retried when their function dies or times out, even after its writes.
 */
export function implementWorkflow(scope: Construct, fns: { plan: IFunction; pay: IFunction }) {
  const plan = step(scope, 'Plan payments', fns.plan, { campaignId: campaignId(), executionId: JsonPath.executionId }, '$.planned').addRetry(SANDBOX_LOST_RETRY);
  const pay = batchMap(scope, 'Pay batches', {
    itemsPath: '$.planned.batches',
    perChild: PAYMENT_BATCHES_PER_CHILD,
    fields: { campaignId: '$.campaignId', executionId: '$$.Execution.Id' },
    step: 'Pay batch',
    fn: fns.pay,
    retry: SANDBOX_LOST_RETRY,
  });
  return plan.next(pay);
}

/** How long the review workflow waits for the coordinator to end the callbacks (结束回访). */
export const CALLBACK_WAIT_DAYS = 120;

/**
 * 回访: commit the sampling seed (its SHA-256 mailed and shown, the seed kept back), draw the
 * sample with it and mail the staff their lists, then wait (a task token kept on an item) until the
 * coordinator ends the callbacks on the campaign page; last, summarise the campaign (总结) and mail
 * the coordinator its link.
 */
export const reviewWorkflow = (scope: Construct, fns: { sampling: IFunction; summary: IFunction }) =>
  step(scope, 'Commit sampling seed', fns.sampling, { action: 'commit', campaignId: campaignId() }, '$.commitment')
    .next(step(scope, 'Draw callback sample', fns.sampling, { action: 'draw', campaignId: campaignId() }, '$.sample'))
    .next(approvalCall(scope, 'Await callbacks', fns.sampling, { action: 'await', campaignId: campaignId() }, '$.callbacks', Timeout.duration(Duration.days(CALLBACK_WAIT_DAYS))))
    .next(step(scope, 'Summarise campaign', fns.summary, { campaignId: campaignId() }));
