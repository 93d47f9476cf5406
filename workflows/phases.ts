import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { IntegrationPattern, JsonPath, Map as MapState, TaskInput, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
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
 * then summarise and mail the coordinator. (Uploads run the intake workflow.)
 */
export const surveyWorkflow = (scope: Construct, fns: { dedup: IFunction; coverage: IFunction; summary: IFunction }) =>
  step(scope, 'Find conflicts', fns.dedup, { campaignId: campaignId() }, '$.dedup')
    .next(step(scope, 'Check coverage', fns.coverage, { campaignId: campaignId() }, '$.coverage'))
    .next(step(scope, 'Summarize survey', fns.summary, { campaignId: campaignId() }));

/** One uploaded file: validate every row and store the good ones. */
export const intakeWorkflow = (scope: Construct, fns: { intake: IFunction }) =>
  step(scope, 'Intake upload', fns.intake, { campaignId: campaignId(), uploadId: JsonPath.stringAt('$.uploadId') });

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
