import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { DistributedMap, Fail, IntegrationPattern, ItemBatcher, JsonPath, Map as MapState, StateMachineType, TaskInput, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoGetItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { campaignKey } from './keys.js';
import { TRANSIENT_RETRY } from './phase-step.js';

/**
 * A Lambda step, retried on transient faults. It passes its function's result on, or with
 * `resultPath` keeps its input and puts the result there (so a next step still reads $.campaignId).
 */
function step(scope: Construct, id: string, fn: IFunction, payload: Record<string, unknown>, resultPath?: string) {
  return new LambdaInvoke(scope, id, { lambdaFunction: fn, payload: TaskInput.fromObject(payload), payloadResponseOnly: true, retryOnServiceExceptions: false, resultPath }).addRetry(TRANSIENT_RETRY);
}

const campaignId = () => JsonPath.stringAt('$.campaignId');

/**
 * 排摸 close: de-duplicate across every unit and project, check the base registers' coverage,
 * remove the rejected rows kept for the error files (raw ID numbers; before the mail, so that a
 * mail that cannot go leaves none), then summarise and mail the coordinator. (Uploads run the
 * intake workflow.)
 */
export const surveyWorkflow = (scope: Construct, fns: { dedup: IFunction; coverage: IFunction; rejectedRows: IFunction; summary: IFunction }) =>
  step(scope, 'Find conflicts', fns.dedup, { campaignId: campaignId() }, '$.dedup')
    .next(step(scope, 'Check coverage', fns.coverage, { campaignId: campaignId() }, '$.coverage'))
    .next(step(scope, 'Remove rejected rows', fns.rejectedRows, { campaignId: campaignId() }, '$.rejectedRows'))
    .next(step(scope, 'Summarize survey', fns.summary, { campaignId: campaignId() }));

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
  const store = new DistributedMap(scope, 'Store batches', {
    itemsPath: JsonPath.stringAt('$.prepared.batches'),
    itemBatcher: new ItemBatcher({
      maxItemsPerBatch: INTAKE_BATCHES_PER_CHILD,
      // ItemBatcher renders BatchInput as given: paths into the Map's input, in ASL's own notation.
      batchInput: { 'campaignId.$': '$.campaignId', 'uploadId.$': '$.uploadId' },
    }),
    maxConcurrency: 4,
    mapExecutionType: StateMachineType.STANDARD,
    resultPath: JsonPath.DISCARD,
  }).itemProcessor(step(scope, 'Store batch', fns.batch, {
    campaignId: JsonPath.stringAt('$.BatchInput.campaignId'),
    uploadId: JsonPath.stringAt('$.BatchInput.uploadId'),
    batches: JsonPath.listAt('$.Items'),
  }));
  const finish = step(scope, 'Finish intake', fns.finish, upload);
  const failed = step(scope, 'Clean up failed intake', fns.failure, { ...upload, attempt: JsonPath.numberAt('$.attempt'), error: JsonPath.objectAt('$.error') }, JsonPath.DISCARD)
    .next(new Fail(scope, 'Intake failed', { errorPath: '$.error.Error', cause: 'Intake failed: the upload records why; its file and batches are deleted' }));
  for (const state of [prepare, store, finish]) state.addCatch(failed, { resultPath: '$.error' });
  return prepare.next(store).next(finish);
}

/** 部署: each approver in turn decides through an emailed link; a reject fails the workflow. */
export function deployWorkflow(scope: Construct, props: { table: ITable; approval: IFunction; decisionTimeout?: Duration }) {
  const campaign = new DynamoGetItem(scope, 'Read campaign', {
    table: props.table,
    key: campaignKey(),
    consistentRead: true,
    resultSelector: { 'approvers.$': '$.Item.approvers.L' },
    resultPath: '$.campaign',
  });
  const approve = new LambdaInvoke(scope, 'Request approval', {
    lambdaFunction: props.approval,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({
      campaignId: campaignId(),
      approver: JsonPath.stringAt('$.approver'),
      step: JsonPath.numberAt('$.step'),
      steps: JsonPath.numberAt('$.steps'),
      taskToken: JsonPath.taskToken,
    }),
    taskTimeout: Timeout.duration(props.decisionTimeout ?? Duration.days(14)),
  }).addRetry(TRANSIENT_RETRY);
  const chain = new MapState(scope, 'Approval chain', {
    itemsPath: '$.campaign.approvers',
    maxConcurrency: 1,
    itemSelector: {
      campaignId: campaignId(),
      approver: JsonPath.stringAt('$$.Map.Item.Value.S'),
      step: JsonPath.mathAdd(JsonPath.numberAt('$$.Map.Item.Index'), 1),
      steps: JsonPath.arrayLength(JsonPath.listAt('$.campaign.approvers')),
    },
    resultPath: '$.decisions',
  }).itemProcessor(approve);
  return campaign.next(chain);
}

/** 实施: pay the register in batches, each payment once. */
export function implementWorkflow(scope: Construct, fns: { plan: IFunction; pay: IFunction }) {
  const plan = step(scope, 'Plan payments', fns.plan, { campaignId: campaignId() });
  const pay = new MapState(scope, 'Pay batches', {
    itemsPath: '$.batches',
    maxConcurrency: 4,
    itemSelector: { campaignId: campaignId(), keys: JsonPath.listAt('$$.Map.Item.Value.keys'), executionId: JsonPath.stringAt('$$.Execution.Id') },
    resultPath: '$.paid',
  }).itemProcessor(step(scope, 'Pay batch', fns.pay, { campaignId: campaignId(), keys: JsonPath.listAt('$.keys'), executionId: JsonPath.stringAt('$.executionId') }));
  return plan.next(pay);
}

/** 回访: draw the callback sample from a recorded seed and mail the staff their lists. */
export const reviewWorkflow = (scope: Construct, fns: { sampling: IFunction }) =>
  step(scope, 'Draw callback sample', fns.sampling, { campaignId: campaignId() });
