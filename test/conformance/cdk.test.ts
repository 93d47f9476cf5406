// Conformance: state machines written with aws-cdk-lib (aws-stepfunctions and
// aws-stepfunctions-tasks), rendered to Amazon States Language the way CDK synthesizes them,
// then run on the local engine. What CDK emits (default Lambda retries, `.sync:2`,
// `$$.Task.Token`, per-state QueryLanguage, ...) must run as AWS runs it.
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { fnArn, runAdvancingClock, sleep, type TestEngine } from '../support/engine.js';
import { engineForTest } from '../support/harness.js';
import { count, detailsOf } from '../support/history.js';

// ---------------------------------------------------------------------------------------
// Helpers

/**
 * Resolves what CloudFormation resolves at deploy time: CDK writes the partition of
 * `arn:${AWS::Partition}:states:::lambda:invoke` as a token. Any other intrinsic is an error.
 */
function cfn(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cfn);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };
  if ('Ref' in obj) {
    if (!(String(obj.Ref) in pseudo)) throw new Error(`unresolved Ref ${String(obj.Ref)}`);
    return pseudo[String(obj.Ref)];
  }
  if ('Fn::Join' in obj) {
    const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
    return parts.map(cfn).join(sep);
  }
  const unresolved = Object.keys(obj).find((k) => k.startsWith('Fn::'));
  if (unresolved) throw new Error(`unresolved intrinsic ${unresolved}`);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, cfn(v)]));
}

/** Builds a chain in a fresh Stack and renders it as CDK does for a state machine definition. */
function render(build: (stack: cdk.Stack) => sfn.IChainable): Record<string, any> {
  const stack = new cdk.Stack();
  const chain = build(stack);
  return cfn(stack.resolve(new sfn.StateGraph(chain.startState, 'test').toGraphJson())) as Record<string, any>;
}

const fn = (stack: Construct, name: string) => lambda.Function.fromFunctionArn(stack, `Fn-${name}`, fnArn(name));

// ---------------------------------------------------------------------------------------

describe('Choice with CDK Conditions', () => {
  const definition = render((stack) =>
    new sfn.Choice(stack, 'Route')
      .when(sfn.Condition.isNotPresent('$.order'), new sfn.Pass(stack, 'NoOrder', { result: sfn.Result.fromString('no order') }))
      .when(
        sfn.Condition.and(sfn.Condition.isPresent('$.order.express'), sfn.Condition.stringEquals('$.order.country', 'CN')),
        new sfn.Pass(stack, 'ExpressCN', { result: sfn.Result.fromString('express CN') }),
      )
      .when(
        sfn.Condition.or(sfn.Condition.numberGreaterThan('$.order.total', 1000), sfn.Condition.not(sfn.Condition.stringEquals('$.order.country', 'CN'))),
        new sfn.Pass(stack, 'Review', { result: sfn.Result.fromString('review') }),
      )
      .otherwise(new sfn.Pass(stack, 'Standard', { result: sfn.Result.fromString('standard') })),
  );

  it('renders the conditions as ASL comparison operators', () => {
    const [first, second, third] = definition.States.Route.Choices;
    expect(first).toEqual({ Variable: '$.order', IsPresent: false, Next: 'NoOrder' });
    expect(second.And).toEqual([
      { Variable: '$.order.express', IsPresent: true },
      { Variable: '$.order.country', StringEquals: 'CN' },
    ]);
    expect(third.Or).toEqual([
      { Variable: '$.order.total', NumericGreaterThan: 1000 },
      { Not: { Variable: '$.order.country', StringEquals: 'CN' } },
    ]);
    expect(definition.States.Route.Default).toBe('Standard');
  });

  it.each([
    ['isNotPresent', {}, 'no order'],
    ['and(isPresent, stringEquals)', { order: { express: true, country: 'CN', total: 5 } }, 'express CN'],
    ['or(numberGreaterThan, …)', { order: { country: 'CN', total: 1500 } }, 'review'],
    ['or(…, not(stringEquals))', { order: { country: 'FR', total: 5 } }, 'review'],
    ['otherwise', { order: { country: 'CN', total: 5 } }, 'standard'],
  ])('takes the branch of %s', async (_name, input, expected) => {
    const t = engineForTest();
    const r = await t.run(definition, input);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toBe(expected);
    expect(r.events).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });
});

describe('LambdaInvoke', () => {
  it('with default settings outputs the whole Invoke response (payloadResponseOnly false)', async () => {
    const t = engineForTest({ greet: (e: { name: string }) => ({ greeting: `hello ${e.name}` }) });
    const definition = render((stack) => new tasks.LambdaInvoke(stack, 'Greet', { lambdaFunction: fn(stack, 'greet') }));
    const state = definition.States.Greet;
    expect(state.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(state.Parameters).toEqual({ FunctionName: fnArn('greet'), 'Payload.$': '$' });
    // CDK adds AWS's recommended retry on transient Lambda errors.
    expect(state.Retry).toEqual([
      {
        ErrorEquals: ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
        IntervalSeconds: 2,
        MaxAttempts: 6,
        BackoffRate: 2,
      },
    ]);
    const r = await t.run(definition, { name: 'Ann' });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({ ExecutedVersion: '$LATEST', Payload: { greeting: 'hello Ann' }, StatusCode: 200 });
    expect(r.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(detailsOf(r.history, 'TaskScheduled')[0]).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
  });

  it("with outputPath '$.Payload' outputs only the function's result", async () => {
    const t = engineForTest({ greet: (e: { name: string }) => ({ greeting: `hello ${e.name}` }) });
    const definition = render((stack) => new tasks.LambdaInvoke(stack, 'Greet', { lambdaFunction: fn(stack, 'greet'), outputPath: '$.Payload' }));
    const r = await t.run(definition, { name: 'Bo' });
    expect(r.output).toEqual({ greeting: 'hello Bo' });
  });

  it('retries a Lambda.ServiceException with the retrier CDK adds by default', async () => {
    let calls = 0;
    const t = engineForTest({
      flaky: () => {
        if (++calls === 1) throw Object.assign(new Error('Service unavailable'), { name: 'Lambda.ServiceException' });
        return 'ok';
      },
    });
    const definition = render((stack) => new tasks.LambdaInvoke(stack, 'Call', { lambdaFunction: fn(stack, 'flaky'), outputPath: '$.Payload' }));
    const r = await runAdvancingClock(t, definition);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toBe('ok');
    expect(calls).toBe(2);
    expect(r.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered',
      'TaskScheduled', 'TaskStarted', 'TaskFailed',
      'TaskScheduled', 'TaskStarted', 'TaskSucceeded',
      'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(r.history, 'TaskFailed')[0].error).toBe('Lambda.ServiceException');
  });

  it('with WAIT_FOR_TASK_TOKEN waits for SendTaskSuccess with the $$.Task.Token it was given', async () => {
    let t!: TestEngine;
    const seen: { token: string; orderId: string }[] = [];
    t = engineForTest({
      approve: (e: { token: string; orderId: string }) => {
        seen.push(e);
        setTimeout(() => t.engine.sendTaskSuccess({ taskToken: e.token, output: JSON.stringify({ approved: e.orderId }) }), 20);
        return 'submitted';
      },
    });
    const definition = render(
      (stack) =>
        new tasks.LambdaInvoke(stack, 'Approve', {
          lambdaFunction: fn(stack, 'approve'),
          integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken, orderId: sfn.JsonPath.stringAt('$.id') }),
          resultPath: '$.approval',
        }),
    );
    expect(definition.States.Approve.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(definition.States.Approve.Parameters.Payload).toEqual({ 'token.$': '$$.Task.Token', 'orderId.$': '$.id' });
    const r = await t.run(definition, { id: 'o-9' });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ id: 'o-9', approval: { approved: 'o-9' } });
    expect(seen).toHaveLength(1);
    expect(typeof seen[0].token).toBe('string');
    expect(r.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('with WAIT_FOR_TASK_TOKEN fails with the error sent by SendTaskFailure', async () => {
    let t!: TestEngine;
    t = engineForTest({
      approve: (e: { token: string }) => {
        setTimeout(() => t.engine.sendTaskFailure({ taskToken: e.token, error: 'Rejected', cause: 'over budget' }), 10);
        return null;
      },
    });
    const definition = render(
      (stack) =>
        new tasks.LambdaInvoke(stack, 'Approve', {
          lambdaFunction: fn(stack, 'approve'),
          integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken }),
        }),
    );
    const r = await t.run(definition);
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'Rejected', 'over budget']);
    expect(r.events.slice(-3)).toEqual(['TaskSubmitted', 'TaskFailed', 'ExecutionFailed']);
  });
});

describe('Map and DistributedMap', () => {
  it('sfn.Map with itemSelector and maxConcurrency', async () => {
    let now = 0;
    let peak = 0;
    const t = engineForTest({
      pack: async (e: { index: number; gift: string; region: string }) => {
        peak = Math.max(peak, ++now);
        await sleep(30);
        now--;
        return `${e.index}:${e.gift}@${e.region}`;
      },
    });
    const definition = render((stack) => {
      const map = new sfn.Map(stack, 'PackGifts', {
        itemsPath: '$.gifts',
        itemSelector: { 'index.$': '$$.Map.Item.Index', 'gift.$': '$$.Map.Item.Value', 'region.$': '$.region' },
        maxConcurrency: 2,
        resultPath: '$.packed',
      });
      map.itemProcessor(new tasks.LambdaInvoke(stack, 'Pack', { lambdaFunction: fn(stack, 'pack'), outputPath: '$.Payload' }));
      return map;
    });
    expect(definition.States.PackGifts).toMatchObject({ MaxConcurrency: 2, ItemsPath: '$.gifts', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } } });
    const r = await t.run(definition, { region: 'north', gifts: ['rice', 'oil', 'quilt', 'coat', 'tea'] });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({
      region: 'north',
      gifts: ['rice', 'oil', 'quilt', 'coat', 'tea'],
      packed: ['0:rice@north', '1:oil@north', '2:quilt@north', '3:coat@north', '4:tea@north'],
    });
    expect(peak).toBe(2);
    expect(detailsOf(r.history, 'MapStateStarted')).toEqual([{ length: 5 }]);
    expect(count(r.events, 'MapIterationSucceeded')).toBe(5);
  });

  it('sfn.DistributedMap with itemBatcher runs each batch as a child execution', async () => {
    const t = engineForTest({ sum: (e: { Items: number[]; BatchInput: { unit: string } }) => `${e.Items.reduce((a, b) => a + b, 0)} ${e.BatchInput.unit}` });
    const definition = render((stack) => {
      const map = new sfn.DistributedMap(stack, 'Sum', {
        itemsPath: sfn.JsonPath.stringAt('$.amounts'),
        itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: 2, batchInput: { unit: 'yuan' } }),
        label: 'SumBatches',
      });
      map.itemProcessor(new tasks.LambdaInvoke(stack, 'Add', { lambdaFunction: fn(stack, 'sum'), outputPath: '$.Payload' }));
      return map;
    });
    expect(definition.States.Sum.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(definition.States.Sum.ItemBatcher).toEqual({ MaxItemsPerBatch: 2, BatchInput: { unit: 'yuan' } });
    const r = await t.run(definition, { amounts: [1, 2, 3, 4, 5] });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual(['3 yuan', '7 yuan', '5 yuan']);
    expect(r.events).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    const [run] = t.engine.listMapRuns({ executionArn: r.executionArn }).mapRuns;
    expect(run.mapRunArn).toContain('/SumBatches:');
    const children = t.engine.listExecutions({ mapRunArn: run.mapRunArn }).executions;
    expect(children).toHaveLength(3);
    const inputs = children.map((c) => JSON.parse(t.engine.describeExecution({ executionArn: c.executionArn }).input)).sort((a, b) => a.Items[0] - b.Items[0]);
    expect(inputs).toEqual([
      { BatchInput: { unit: 'yuan' }, Items: [1, 2] },
      { BatchInput: { unit: 'yuan' }, Items: [3, 4] },
      { BatchInput: { unit: 'yuan' }, Items: [5] },
    ]);
  });
});

describe('Parallel, Wait and nested executions', () => {
  /**
   * Creates the machine `name` from `child` on `t`, and renders a RunChild task that runs it with
   * StepFunctionsStartExecution, RUN_JOB and associateWithParent (plus `props`).
   */
  function runChildJob(t: TestEngine, name: string, child: (stack: cdk.Stack) => sfn.IChainable, props: Partial<tasks.StepFunctionsStartExecutionProps> = {}) {
    const childArn = t.createMachine(render(child), name);
    const definition = render(
      (stack) =>
        new tasks.StepFunctionsStartExecution(stack, 'RunChild', {
          stateMachine: sfn.StateMachine.fromStateMachineArn(stack, 'Child', childArn),
          integrationPattern: sfn.IntegrationPattern.RUN_JOB,
          associateWithParent: true,
          ...props,
        }),
    );
    return { childArn, definition };
  }

  it('sfn.Parallel with addCatch sends the branch error to the handler', async () => {
    const t = engineForTest({ lookup: (e: { id: string }) => ({ address: `addr of ${e.id}` }) });
    const definition = render((stack) => {
      const parallel = new sfn.Parallel(stack, 'LookupCustomerInfo', { resultPath: '$.info' });
      parallel.branch(new tasks.LambdaInvoke(stack, 'LookupAddress', { lambdaFunction: fn(stack, 'lookup'), outputPath: '$.Payload' }));
      parallel.branch(new sfn.Fail(stack, 'LookupPhone', { error: 'PhoneServiceDown', cause: 'no phone directory' }));
      parallel.addCatch(new sfn.Pass(stack, 'Fallback'), { errors: ['PhoneServiceDown'], resultPath: '$.error' });
      return parallel.next(new sfn.Succeed(stack, 'Done'));
    });
    expect(definition.States.LookupCustomerInfo.Catch).toEqual([{ ErrorEquals: ['PhoneServiceDown'], ResultPath: '$.error', Next: 'Fallback' }]);
    const r = await t.run(definition, { id: 'c1' });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ id: 'c1', error: { Error: 'PhoneServiceDown', Cause: 'no phone directory' } });
    expect(r.events.slice(0, 3)).toEqual(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted']);
    expect(r.events.slice(-5)).toEqual(['ParallelStateFailed', 'ParallelStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(r.events).not.toContain('SucceedStateEntered');
  });

  it('sfn.Wait with WaitTime.secondsPath waits the number of seconds in the input', async () => {
    const t = engineForTest();
    const definition = render((stack) => new sfn.Wait(stack, 'Cooldown', { time: sfn.WaitTime.secondsPath('$.seconds') }));
    expect(definition.States.Cooldown).toEqual({ Type: 'Wait', SecondsPath: '$.seconds', End: true });
    const r = await runAdvancingClock(t, definition, { seconds: 3600 });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ seconds: 3600 });
    expect(r.events).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded']);
    const [entered, exited] = r.history.filter((e) => e.type.startsWith('WaitState')).map((e) => Number(e.timestamp));
    expect(exited - entered).toBeGreaterThanOrEqual(3600);
  });

  it('StepFunctionsStartExecution RUN_JOB with associateWithParent runs the child to completion (.sync:2)', async () => {
    const t = engineForTest({ wrap: (e: { gift: string }) => ({ wrapped: e.gift }) });
    const { childArn, definition } = runChildJob(
      t,
      'WrapGift',
      (stack) => new tasks.LambdaInvoke(stack, 'Wrap', { lambdaFunction: fn(stack, 'wrap'), outputPath: '$.Payload' }),
      { input: sfn.TaskInput.fromObject({ gift: sfn.JsonPath.stringAt('$.gift') }) },
    );
    const state = definition.States.RunChild;
    expect(state.Resource).toBe('arn:aws:states:::states:startExecution.sync:2');
    expect(state.Parameters.Input).toEqual({ 'gift.$': '$.gift', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' });
    const r = await t.run(definition, { gift: 'scarf' });
    expect(r.status).toBe('SUCCEEDED');
    const output = r.output as Record<string, any>;
    // .sync:2 returns DescribeExecution's response with Input and Output as JSON, not strings.
    expect(output).toMatchObject({ Status: 'SUCCEEDED', StateMachineArn: childArn, Output: { wrapped: 'scarf' } });
    expect(output.Input).toEqual({ gift: 'scarf', AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: r.executionArn });
    // AWS records the StartExecution response as TaskSubmitted, then the child's end as TaskSucceeded.
    expect(r.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(detailsOf(r.history, 'TaskSubmitted')[0]).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2' });
    expect(JSON.parse(detailsOf(r.history, 'TaskSubmitted')[0].output)).toMatchObject({ ExecutionArn: output.ExecutionArn });
    const children = t.engine.listExecutions({ stateMachineArn: childArn }).executions;
    expect(children).toHaveLength(1);
    expect(children[0].executionArn).toBe(output.ExecutionArn);
  });

  it('StepFunctionsStartExecution RUN_JOB fails the task when the child fails', async () => {
    const t = engineForTest();
    const { definition } = runChildJob(t, 'Broken', (stack) => new sfn.Fail(stack, 'Nope', { error: 'ChildFailed', cause: 'child gave up' }));
    const r = await t.run(definition);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.TaskFailed');
    expect(JSON.parse(r.cause!)).toMatchObject({ Status: 'FAILED', Error: 'ChildFailed', Cause: 'child gave up' });
    expect(r.events.slice(-2)).toEqual(['TaskFailed', 'ExecutionFailed']);
  });
});

describe('JSONata-flavoured constructs', () => {
  it('runs Pass.jsonata, LambdaInvoke.jsonata and Choice.jsonata with Condition.jsonata', async () => {
    const t = engineForTest({ double: (e: { n: number }) => ({ n: e.n * 2 }) });
    const definition = render((stack) =>
      sfn.Pass.jsonata(stack, 'Start', { outputs: { n: '{% $states.input.count + 1 %}' } })
        .next(
          tasks.LambdaInvoke.jsonata(stack, 'Double', {
            lambdaFunction: fn(stack, 'double'),
            payload: sfn.TaskInput.fromObject({ n: '{% $states.input.n %}' }),
            outputs: '{% $states.result.Payload %}',
          }),
        )
        .next(
          sfn.Choice.jsonata(stack, 'Big?')
            .when(sfn.Condition.jsonata('{% $states.input.n > 10 %}'), sfn.Succeed.jsonata(stack, 'Big', { outputs: { size: 'big', n: '{% $states.input.n %}' } }))
            .otherwise(sfn.Fail.jsonata(stack, 'Small', { error: 'TooSmall', cause: '{% "n is " & $string($states.input.n) %}' })),
        ),
    );
    expect(definition.States.Start.QueryLanguage).toBe('JSONata');
    expect(definition.States.Double).toMatchObject({ QueryLanguage: 'JSONata', Arguments: { FunctionName: fnArn('double'), Payload: { n: '{% $states.input.n %}' } } });
    expect(definition.States['Big?'].Choices).toEqual([{ Condition: '{% $states.input.n > 10 %}', Next: 'Big' }]);

    const big = await t.run(definition, { count: 5 });
    expect(big.status).toBe('SUCCEEDED');
    expect(big.output).toEqual({ size: 'big', n: 12 });
    expect(big.events).toEqual([
      'ExecutionStarted', 'PassStateEntered', 'PassStateExited',
      'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited',
      'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded',
    ]);

    const small = await t.run(definition, { count: 1 });
    expect([small.status, small.error, small.cause]).toEqual(['FAILED', 'TooSmall', 'n is 4']);
  });
});

describe('StateMachineFragment', () => {
  /** A reusable fragment: prepare a parcel, then label it. */
  class PrepareParcel extends sfn.StateMachineFragment {
    readonly startState: sfn.State;
    readonly endStates: sfn.INextable[];

    constructor(scope: Construct, id: string, props: { recipient: string }) {
      super(scope, id);
      const prepare = new sfn.Pass(this, 'Prepare', { parameters: { 'items.$': '$.items', recipient: props.recipient }, resultPath: '$.parcel' });
      const label = new sfn.Pass(this, 'Label', { parameters: { 'text.$': "States.Format('{} ({} items)', $.parcel.recipient, States.ArrayLength($.parcel.items))" }, resultPath: '$.label' });
      prepare.next(label);
      this.startState = prepare;
      this.endStates = label.endStates;
    }
  }

  it('runs a fragment chained between other states', async () => {
    const t = engineForTest({ ship: (e: { label: { text: string } }) => `shipped: ${e.label.text}` });
    const definition = render((stack) =>
      new sfn.Pass(stack, 'Receive')
        .next(new PrepareParcel(stack, 'Parcel', { recipient: 'Grandma Li' }))
        .next(new tasks.LambdaInvoke(stack, 'Ship', { lambdaFunction: fn(stack, 'ship'), outputPath: '$.Payload' })),
    );
    expect(Object.keys(definition.States)).toEqual(expect.arrayContaining(['Receive', 'Prepare', 'Label', 'Ship']));
    const r = await t.run(definition, { items: ['rice', 'oil'] });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toBe('shipped: Grandma Li (2 items)');
    expect(detailsOf(r.history, 'PassStateEntered').map((d) => d.name)).toEqual(['Receive', 'Prepare', 'Label']);
    expect(r.events.slice(-3)).toEqual(['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });
});
