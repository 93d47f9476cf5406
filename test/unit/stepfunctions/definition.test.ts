import * as cdk from 'aws-cdk-lib';
import * as ddb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../infra/local/stepfunctions/definition.js';
import type { WorkflowType } from '../../../infra/local/stepfunctions/records.js';
import { parseResource } from '../../../infra/local/stepfunctions/resources.js';
import { ApiError } from '../../../infra/local/stepfunctions/errors.js';

type Json = Record<string, unknown>;

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:relief-intake';
const CHILD = 'arn:aws:states:us-east-1:123456789012:stateMachine:child';

/** A one-state machine around `state` (named S). */
const one = (state: Json, top: Json = {}): Json => ({ ...top, StartAt: 'S', States: { S: state } });
const pass: Json = { Type: 'Pass', End: true };
const task = (extra: Json = {}): Json => ({ Type: 'Task', Resource: FN, End: true, ...extra });
const mapWith = (processor: Json, extra: Json = {}): Json => ({
  Type: 'Map',
  End: true,
  ItemProcessor: { StartAt: 'Item', States: { Item: pass }, ...processor },
  ...extra,
});
const distributed = (executionType: WorkflowType, extra: Json = {}, inner: Json = pass): Json => ({
  Type: 'Map',
  End: true,
  ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType }, StartAt: 'Item', States: { Item: inner } },
  ...extra,
});

function refusal(definition: unknown, type: WorkflowType = 'STANDARD'): ApiError {
  try {
    validateDefinition(definition, type);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('definition was accepted');
}

function expectRefused(definition: unknown, fragments: string[], type: WorkflowType = 'STANDARD'): void {
  const err = refusal(definition, type);
  expect(err.name).toBe('InvalidDefinition');
  expect(err.message).toMatch(/^Invalid State Machine Definition: '[A-Z_]+: .+ at \/.*'$/);
  for (const fragment of fragments) expect(err.message).toContain(fragment);
}

// ---------------------------------------------------------------------------

/** Every state type, JSONPath, as a relief-distribution workflow would use them. */
const everyStateJsonPath: Json = {
  Comment: 'Winter relief: verify a family, prepare parcels, dispatch',
  Version: '1.0',
  TimeoutSeconds: 3600,
  StartAt: 'Intake',
  States: {
    Intake: {
      Type: 'Pass',
      Comment: 'normalise',
      InputPath: '$',
      Parameters: { 'familyId.$': '$.id', 'items.$': '$.items', 'count.$': 'States.ArrayLength($.items)', static: { a: [1, { 'b.$': '$.x' }] } },
      ResultPath: '$.intake',
      OutputPath: '$',
      Assign: { 'family.$': '$.id', region: 'north' },
      Next: 'Lookup',
    },
    Lookup: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: 'families', 'Key': { pk: { 'S.$': '$.id' } }, ConsistentRead: true },
      ResultSelector: { 'item.$': '$.Item' },
      ResultPath: '$.family',
      TimeoutSeconds: 30,
      Retry: [
        { ErrorEquals: ['DynamoDB.ProvisionedThroughputExceededException'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2.5, MaxDelaySeconds: 20, JitterStrategy: 'FULL' },
        { ErrorEquals: ['States.ALL'], MaxAttempts: 1 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Assign: { 'failedAt.$': '$$.State.Name' }, Next: 'Rejected' }],
      Next: 'Eligible?',
    },
    'Eligible?': {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.family.item', IsPresent: true },
            { Not: { Variable: '$.family.item.blocked.BOOL', BooleanEquals: true } },
            { Or: [{ Variable: '$.size', NumericGreaterThanEquals: 3 }, { Variable: '$.elderly', BooleanEqualsPath: '$.flags.elderly' }] },
          ],
          Assign: { eligible: true },
          Next: 'Prepare',
        },
        { Variable: '$.appliedAt', TimestampLessThan: '2026-01-01T00:00:00Z', Next: 'Hold' },
        { Variable: '$family', StringMatches: 'F-*', Comment: 'variables work as paths', Next: 'Hold' },
      ],
      Default: 'Rejected',
      InputPath: '$',
      OutputPath: '$',
    },
    Hold: { Type: 'Wait', Seconds: 5, Next: 'WaitUntil' },
    WaitUntil: { Type: 'Wait', TimestampPath: '$.notBefore', Assign: { waited: true }, Next: 'Prepare' },
    Prepare: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Parcels',
          States: {
            Parcels: {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemSelector: { 'item.$': '$$.Map.Item.Value', 'family.$': '$family' },
              MaxConcurrency: 4,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Pack',
                States: { Pack: { Type: 'Task', Resource: `${FN}:live`, HeartbeatSeconds: 10, TimeoutSeconds: 60, End: true } },
              },
              ResultSelector: { 'packed.$': '$' },
              ResultPath: '$.parcels',
              Retry: [{ ErrorEquals: ['States.TaskFailed'] }],
              End: true,
            },
          },
        },
        {
          Comment: 'notify the volunteer team',
          StartAt: 'Notify',
          States: {
            Notify: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token' } },
              HeartbeatSecondsPath: '$.heartbeat',
              End: true,
            },
          },
        },
      ],
      ResultPath: '$.prepared',
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Rejected' }],
      Next: 'Dispatch',
    },
    Dispatch: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: CHILD, Input: { 'family.$': '$family', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' } },
      ResultPath: null,
      Next: 'Record',
    },
    Record: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: 'families',
        Key: { pk: { 'S.$': '$.id' } },
        UpdateExpression: 'SET delivered = :t',
        ExpressionAttributeValues: { ':t': { BOOL: true } },
      },
      ResultPath: null,
      Next: 'Done',
    },
    Done: { Type: 'Succeed', OutputPath: '$.prepared' },
    Rejected: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: "States.Format('family {} rejected', $.id)" },
  },
};

/** The same shapes in a JSONata machine. */
const everyStateJsonata: Json = {
  QueryLanguage: 'JSONata',
  StartAt: 'Intake',
  States: {
    Intake: { Type: 'Pass', Output: { id: '{% $states.input.id %}', items: '{% $states.input.items %}' }, Assign: { n: '{% $count($states.input.items) %}' }, Next: 'Invoke' },
    Invoke: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: FN, Payload: '{% $states.input %}' },
      Output: '{% $states.result.Payload %}',
      TimeoutSeconds: '{% $n * 10 + 5 %}',
      HeartbeatSeconds: 3,
      Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Assign: { failed: true }, Next: 'Failed' }],
      Next: 'Route',
    },
    Route: {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $n > 3 %}', Output: { big: true }, Assign: { route: 'big' }, Next: 'Pause' },
        { Condition: true, Next: 'Fan' },
      ],
      Default: 'Failed',
    },
    Pause: { Type: 'Wait', Seconds: '{% $n %}', Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Arguments: '{% $states.input %}',
      Branches: [{ StartAt: 'Branch', States: { Branch: { Type: 'Pass', End: true } } }],
      Output: '{% $states.result[0] %}',
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      Items: '{% $states.input.items %}',
      ItemSelector: { value: '{% $states.context.Map.Item.Value %}' },
      MaxConcurrency: '{% $n %}',
      ItemProcessor: { StartAt: 'Put', States: { Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Arguments: { TableName: 't', Item: { pk: { S: '{% $states.input.value %}' } } }, End: true } } },
      Next: 'Later',
    },
    Later: { Type: 'Wait', Timestamp: '2026-02-10T08:00:00+08:00', Next: 'Ok' },
    Ok: { Type: 'Succeed', Output: '{% $states.input %}' },
    Failed: { Type: 'Fail', Error: 'Relief.Failed', Cause: '{% "failed: " & $string($route) %}' },
  },
};

describe('validateDefinition accepts', () => {
  const accepted: [string, Json, WorkflowType?][] = [
    ['a minimal machine', one(pass)],
    ['every state type in JSONPath', everyStateJsonPath],
    ['every state type in JSONata', everyStateJsonata],
    ['a JSONata state inside a JSONPath machine', one({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input %}', End: true })],
    ['an explicit JSONata state in a JSONata machine', one({ Type: 'Pass', QueryLanguage: 'JSONata', End: true }, { QueryLanguage: 'JSONata' })],
    ['China-partition resources', {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:f:prod', Next: 'B' },
        B: { Type: 'Task', Resource: 'arn:aws-cn:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, Next: 'C' },
        C: { Type: 'Task', Resource: 'arn:aws-cn:states:::dynamodb:deleteItem', Parameters: { TableName: 't', Key: {} }, End: true },
      },
    }],
    ['request-response tasks and an inline Map in an EXPRESS machine', {
      StartAt: 'M',
      States: { M: mapWith({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: CHILD }, End: true } } }) },
    }, 'EXPRESS'],
    ['a distributed Map whose STANDARD children wait on .sync', one(distributed('STANDARD', {
      ItemsPath: '$.families',
      ItemBatcher: { MaxItemsPerBatch: 10, MaxInputBytesPerBatchPath: '$.bytes', BatchInput: { 'campaign.$': '$.campaign' } },
      ToleratedFailurePercentage: 5.5,
      ToleratedFailureCountPath: '$.tolerated',
      MaxConcurrencyPath: '$.concurrency',
      Label: 'Families2026',
    }, { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: CHILD }, End: true }))],
    ['a legacy Map with Iterator and Parameters', one({
      Type: 'Map',
      Iterator: { StartAt: 'I', States: { I: pass } },
      Parameters: { 'v.$': '$$.Map.Item.Value' },
      End: true,
    })],
    ['a bare Lambda ARN with $LATEST and a static Result', {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Result: { a: 1 }, Next: 'B' }, B: task({ Resource: `${FN}:$LATEST`, Parameters: { 'x.$': '$.a' } }) },
    }],
    ['a loop that ends through a Choice', {
      StartAt: 'Poll',
      States: {
        Poll: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Ready?' },
        'Ready?': { Type: 'Choice', Choices: [{ Variable: '$.ready', BooleanEquals: false, Next: 'Poll' }], Default: 'Go' },
        Go: pass,
      },
    }],
  ];
  it.each(accepted)('%s', (_name, definition, type = 'STANDARD') => {
    expect(() => validateDefinition(definition, type)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------
// Definitions CDK emits

/** What CloudFormation does to the partition token CDK puts in integration ARNs. */
function cfnResolve(value: unknown, partition: string): unknown {
  if (Array.isArray(value)) return value.map((v) => cfnResolve(v, partition));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Json;
  if ('Ref' in obj && obj.Ref === 'AWS::Partition') return partition;
  if ('Fn::Join' in obj) {
    const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => cfnResolve(p, partition)).join(sep);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, cfnResolve(v, partition)]));
}

function cdkDefinition(build: (stack: cdk.Stack, fn: lambda.IFunction, table: ddb.ITable) => sfn.IChainable, partition = 'aws'): Json {
  const stack = new cdk.Stack();
  const fn = lambda.Function.fromFunctionArn(stack, 'F', 'arn:aws:lambda:us-east-1:123456789012:function:f');
  const table = ddb.Table.fromTableName(stack, 'T', 'families');
  const chain = build(stack, fn, table);
  const graph = new sfn.StateGraph(chain.startState, 'test');
  return cfnResolve(stack.resolve(graph.toGraphJson()), partition) as Json;
}

describe('validateDefinition accepts definitions CDK emits', () => {
  const jsonPathChain = (stack: cdk.Stack, fn: lambda.IFunction, table: ddb.ITable) => {
    const invoke = new tasks.LambdaInvoke(stack, 'Invoke', { lambdaFunction: fn, outputPath: '$.Payload' });
    const get = new tasks.DynamoGetItem(stack, 'Get', {
      table,
      key: { pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.id')) },
      resultPath: '$.family',
    });
    const put = new tasks.DynamoPutItem(stack, 'Put', {
      table,
      item: { pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.id')) },
      resultPath: sfn.JsonPath.DISCARD,
    });
    const each = new sfn.Map(stack, 'Each', { itemsPath: '$.items', maxConcurrency: 2, itemSelector: { 'v.$': '$$.Map.Item.Value' } });
    each.itemProcessor(new sfn.Pass(stack, 'Inner'));
    const both = new sfn.Parallel(stack, 'Both', { resultPath: '$.both' })
      .branch(new sfn.Pass(stack, 'Left'))
      .branch(new sfn.Wait(stack, 'Right', { time: sfn.WaitTime.secondsPath('$.delay') }).next(new sfn.Pass(stack, 'RightDone')));
    const failed = new sfn.Fail(stack, 'Failed', { error: 'Relief.Failed', cause: 'no family' });
    invoke.addRetry({ maxAttempts: 2, jitterStrategy: sfn.JitterType.FULL, maxDelay: cdk.Duration.seconds(30) });
    invoke.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const choice = new sfn.Choice(stack, 'Ok?')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.family.Item'), sfn.Condition.stringEquals('$.kind', 'family')), new sfn.Succeed(stack, 'Yes'))
      .otherwise(failed);
    return invoke
      .next(get)
      .next(put)
      .next(each)
      .next(both)
      .next(new sfn.Wait(stack, 'Pause', { time: sfn.WaitTime.duration(cdk.Duration.seconds(3)) }))
      .next(choice);
  };

  it('a JSONPath workflow of Lambda, DynamoDB, Map, Parallel, Wait, Choice', () => {
    const definition = cdkDefinition(jsonPathChain);
    expect((definition.States as Json).Invoke).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke' });
    expect(() => validateDefinition(definition, 'STANDARD')).not.toThrow();
    expect(() => validateDefinition(definition, 'EXPRESS')).not.toThrow();
  });

  it('the same workflow in the aws-cn partition', () => {
    const definition = cdkDefinition(jsonPathChain, 'aws-cn');
    expect((definition.States as Json).Invoke).toMatchObject({ Resource: 'arn:aws-cn:states:::lambda:invoke' });
    expect(() => validateDefinition(definition, 'STANDARD')).not.toThrow();
  });

  it('JSONata states mixed into a JSONPath machine', () => {
    const definition = cdkDefinition((stack, fn, table) =>
      tasks.DynamoGetItem.jsonata(stack, 'Get', {
        table,
        key: { pk: tasks.DynamoAttributeValue.fromString('{% $states.input.id %}') },
        outputs: '{% $states.result.Item %}',
      })
        .next(tasks.LambdaInvoke.jsonata(stack, 'Invoke', { lambdaFunction: fn, payload: sfn.TaskInput.fromObject({ a: '{% $states.input %}' }), assign: { x: '{% $states.result %}' } }))
        .next(sfn.Pass.jsonPath(stack, 'Back', { resultPath: '$.back' }))
        .next(sfn.Wait.jsonata(stack, 'W', { time: sfn.WaitTime.duration(cdk.Duration.seconds(1)) }))
        .next(sfn.Choice.jsonata(stack, 'Ch').when(sfn.Condition.jsonata('{% $x.StatusCode = 200 %}'), new sfn.Succeed(stack, 'Ok')).otherwise(new sfn.Fail(stack, 'No'))),
    );
    expect(() => validateDefinition(definition, 'STANDARD')).not.toThrow();
  });

  it('a distributed Map starting child executions with .sync:2', () => {
    const definition = cdkDefinition((stack) => {
      const child = sfn.StateMachine.fromStateMachineArn(stack, 'C', CHILD);
      const start = new tasks.StepFunctionsStartExecution(stack, 'Start', { stateMachine: child, integrationPattern: sfn.IntegrationPattern.RUN_JOB, associateWithParent: true });
      const map = new sfn.DistributedMap(stack, 'D', {
        itemsPath: '$.items',
        maxConcurrency: 5,
        toleratedFailurePercentage: 10,
        label: 'lbl',
        itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: 10 }),
      });
      return map.itemProcessor(start);
    });
    expect(() => validateDefinition(definition, 'STANDARD')).not.toThrow();
    // In an EXPRESS machine the distributed Map itself is refused.
    expectRefused(definition, ["'Mode' with value 'DISTRIBUTED'", '/States/D/ItemProcessor/ProcessorConfig/Mode'], 'EXPRESS');
  });

  it('a callback task CDK builds for lambda:invoke.waitForTaskToken', () => {
    const definition = cdkDefinition((stack, fn) =>
      new tasks.LambdaInvoke(stack, 'Callback', {
        lambdaFunction: fn,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken }),
        heartbeatTimeout: sfn.Timeout.duration(cdk.Duration.seconds(60)),
        taskTimeout: sfn.Timeout.duration(cdk.Duration.seconds(300)),
      }),
    );
    expect(() => validateDefinition(definition, 'STANDARD')).not.toThrow();
    expectRefused(definition, ["'.waitForTaskToken'", 'Resource', '/States/Callback/Resource'], 'EXPRESS');
  });
});

// ---------------------------------------------------------------------------

describe('validateDefinition refuses', () => {
  // [what, definition, fragments the message must contain (field and location), workflow type]
  const refused: [string, unknown, string[], WorkflowType?][] = [
    // Top level
    ['a definition that is not an object', [], ['JSON object', "at /'"]],
    ['a missing StartAt', { States: { S: pass } }, ['[StartAt]', "at /'"]],
    ['a missing States', { StartAt: 'S' }, ['[States]', "at /'"]],
    ['an unknown top-level field', { ...one(pass), Coment: 'typo' }, ["Field 'Coment' is not supported", "at /'"]],
    ['a non-positive TimeoutSeconds', one(pass, { TimeoutSeconds: 0 }), ["'TimeoutSeconds'", 'at /TimeoutSeconds']],
    ['a fractional TimeoutSeconds', one(pass, { TimeoutSeconds: 1.5 }), ["'TimeoutSeconds'", 'at /TimeoutSeconds']],
    ['an unknown QueryLanguage', one(pass, { QueryLanguage: 'XPath' }), ["'QueryLanguage'", '[JSONPath, JSONata]', 'at /QueryLanguage']],
    ['an unknown Version', one(pass, { Version: '2.0' }), ["'Version'", 'at /Version']],

    // States and transitions
    ['a state without Type', one({ End: true }), ['[Type]', 'at /States/S']],
    ['an unknown state Type', one({ Type: 'Sleep', End: true }), ["'Type'", 'at /States/S/Type']],
    ['an unknown state field', one({ ...pass, Foo: 1 }), ["Field 'Foo' is not supported", 'at /States/S']],
    ['a field of another state type', one({ ...pass, TimeoutSeconds: 5 }), ["Field 'TimeoutSeconds' is not supported", 'at /States/S']],
    ['Catch on a Pass state', one({ ...pass, Catch: [] }), ["Field 'Catch' is not supported", 'at /States/S']],
    ['Assign on a Succeed state', one({ Type: 'Succeed', Assign: { a: 1 } }), ["Field 'Assign' is not supported", 'at /States/S']],
    ['both Next and End', { StartAt: 'S', States: { S: { ...pass, Next: 'T' }, T: pass } }, ['[Next, End]', 'at /States/S']],
    ['neither Next nor End', one({ Type: 'Pass' }), ['[Next, End]', 'at /States/S']],
    ['End: false', one({ Type: 'Pass', End: false }), ["'End' must be true", 'at /States/S/End']],
    ['Next on a Succeed state', { StartAt: 'S', States: { S: { Type: 'Succeed', Next: 'T' }, T: pass } }, ["Field 'Next' is not supported", 'at /States/S']],
    ['a missing Next target', { StartAt: 'Foo', States: { Foo: { Type: 'Pass', Next: 'Bar' } } }, ["MISSING_TRANSITION_TARGET: Missing 'Next' target: Bar", 'at /States/Foo/Next']],
    ['a missing StartAt target', { StartAt: 'Nope', States: { S: pass } }, ["Missing 'StartAt' target: Nope", 'at /StartAt']],
    ['a missing Default target', one({ Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Next: 'S' }], Default: 'Gone' }), ["Missing 'Default' target: Gone", 'at /States/S/Default']],
    ['a missing Catch target', one(task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Gone' }] })), ['Missing', 'Gone', 'at /States/S/Catch/0/Next']],
    ['an unreachable state', { StartAt: 'A', States: { A: pass, B: pass } }, ['State "B" is not reachable.', 'at /States/B']],
    ['a machine without terminal state', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'A' } } }, ['MISSING_END_STATE', 'at /States']],
    ['a state name over 80 characters', { StartAt: 'x'.repeat(81), States: { ['x'.repeat(81)]: pass } }, ['INVALID_STATE_NAME', `at /States/${'x'.repeat(81)}`]],
    ['a state name used twice (nested)', { StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'P', States: { P: pass } }] } } }, ['DUPLICATE_STATE_NAME', 'P', 'at /States/P/Branches/0/States/P']],
    ['a Next out of a Parallel branch', { StartAt: 'P', States: { P: { Type: 'Parallel', Next: 'After', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Next: 'After' } } }] }, After: pass } }, ["Missing 'Next' target: After", 'at /States/P/Branches/0/States/B/Next']],

    // Query languages
    ['a JSONPath field in a JSONata state', one({ ...pass, InputPath: '$.a' }, { QueryLanguage: 'JSONata' }), ["field 'InputPath' is only supported for the 'JSONPath' QueryLanguage", 'at /States/S']],
    ['a JSONata field in a JSONPath state', one({ ...pass, Output: {} }), ["field 'Output' is only supported for the 'JSONata' QueryLanguage", 'at /States/S']],
    ['Parameters in a JSONata Task', one(task({ QueryLanguage: 'JSONata', Parameters: {} })), ["'Parameters'", "'JSONPath' QueryLanguage", 'at /States/S']],
    ['Arguments in a JSONPath Task', one(task({ Arguments: {} })), ["'Arguments'", "'JSONata' QueryLanguage", 'at /States/S']],
    ['a JSONPath state in a JSONata machine', one({ ...pass, QueryLanguage: 'JSONPath' }, { QueryLanguage: 'JSONata' }), ["'QueryLanguage' can not be 'JSONPath'", 'at /States/S']],
    ['an unknown state QueryLanguage', one({ ...pass, QueryLanguage: 'jsonata' }), ["'QueryLanguage'", 'at /States/S/QueryLanguage']],
    ['QueryLanguage on an ItemProcessor', one(mapWith({ QueryLanguage: 'JSONata' })), ["Field 'QueryLanguage' is not supported", 'at /States/S/ItemProcessor']],
    ['nested states not inheriting the Map state language', one(mapWith({ States: { Item: { ...pass, Output: 1 } } }, { QueryLanguage: 'JSONata' })), ["field 'Output'", 'at /States/S/ItemProcessor/States/Item']],
    ['a JSONata expression in a JSONPath state', one({ ...pass, Parameters: { a: '{% $states.input %}' } }), ["field 'Parameters'", 'JSONata', 'at /States/S/Parameters/a']],
    ['an unterminated JSONata string', one({ ...pass, Output: { a: '{% $states.input' } }, { QueryLanguage: 'JSONata' }), ["Field 'Output'", '{% and end with %}', 'at /States/S/Output/a']],
    ['a JSONata expression that does not parse', one({ ...pass, Output: '{% a[1,2) %}' }, { QueryLanguage: 'JSONata' }), ['INVALID_JSONATA_EXPRESSION', "Field 'Output'", 'at /States/S/Output']],
    ['a static string where JSONata needs a number', one(task({ QueryLanguage: 'JSONata', TimeoutSeconds: '10' })), ["'TimeoutSeconds'", 'at /States/S/TimeoutSeconds']],
    ['a JSONata expression for a number in JSONPath', one(task({ TimeoutSeconds: '{% 10 %}' })), ["'TimeoutSeconds'", 'at /States/S/TimeoutSeconds']],

    // Payload templates and paths
    ['a .$ key whose value is not a path', one({ ...pass, Parameters: { 'a.$': 'literal' } }), ["'a.$'", 'valid JSONPath', 'at /States/S/Parameters/a.$']],
    ['a .$ key deep in an array', one({ ...pass, Parameters: { list: [{ 'b.$': 3 }] } }), ["'b.$'", 'at /States/S/Parameters/list/0/b.$']],
    ['a .$ key in ResultSelector', one(task({ ResultSelector: { 'r.$': 'x' } })), ["'r.$'", 'at /States/S/ResultSelector/r.$']],
    ['a .$ key in Assign', one({ ...pass, Assign: { 'v.$': 'x' } }), ["'v.$'", 'at /States/S/Assign/v.$']],
    ['a bad variable name', one({ ...pass, Assign: { '1st': 1 } }), ["Field 'Assign'", "'1st'", 'at /States/S/Assign/1st']],
    ['the reserved variable name states', one({ ...pass, Assign: { states: 1 } }), ["Field 'Assign'", "'states'", 'at /States/S/Assign/states']],
    ['a non-object Parameters', one({ ...pass, Parameters: 'x' }), ["'Parameters'", 'at /States/S/Parameters']],
    ['an InputPath that is not a path', one({ ...pass, InputPath: 'a.b' }), ["'InputPath'", 'at /States/S/InputPath']],
    ['a ResultPath into the context object', one({ ...pass, ResultPath: '$$.x' }), ["'ResultPath'", 'at /States/S/ResultPath']],
    ['an indefinite ResultPath', one({ ...pass, ResultPath: '$.a[*]' }), ["'ResultPath'", 'at /States/S/ResultPath']],
    ['an ErrorPath that is not a path', one({ Type: 'Fail', ErrorPath: 'oops' }), ["'ErrorPath'", 'at /States/S/ErrorPath']],

    // Task
    ['a Task without Resource', one({ Type: 'Task', End: true }), ['[Resource]', 'at /States/S']],
    ['an unsupported service integration', one(task({ Resource: 'arn:aws:states:::sqs:sendMessage' })), ["Field 'Resource'", "'arn:aws:states:::sqs:sendMessage'", 'at /States/S/Resource']],
    ['an activity', one(task({ Resource: 'arn:aws:states:us-east-1:123456789012:activity:a' })), ["Field 'Resource'", 'activity:a', 'at /States/S/Resource']],
    ['a pattern the integration lacks', one(task({ Resource: 'arn:aws:states:::lambda:invoke.sync', Parameters: { FunctionName: FN } })), ["'arn:aws:states:::lambda:invoke.sync'", 'at /States/S/Resource']],
    ['dynamodb with a suffix', one(task({ Resource: 'arn:aws:states:::dynamodb:getItem.waitForTaskToken' })), ["'Resource'", 'dynamodb:getItem.waitForTaskToken', 'at /States/S/Resource']],
    ['a Resource that is not an ARN', one(task({ Resource: 'relief-intake' })), ["Field 'Resource' value 'relief-intake' is not a valid resource ARN", 'at /States/S/Resource']],
    ['a partial Lambda ARN', one(task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function' })), ["'Resource'", 'at /States/S/Resource']],
    ['.sync in an EXPRESS machine', one(task({ Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: CHILD } })), ["'.sync'", "'Resource'", 'at /States/S/Resource'], 'EXPRESS'],
    ['.waitForTaskToken in an EXPRESS machine', one(task({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: FN } })), ["'.waitForTaskToken'", 'at /States/S/Resource'], 'EXPRESS'],
    ['.sync in an INLINE Map of an EXPRESS machine', one(mapWith({ StartAt: 'T', States: { T: task({ Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: CHILD } }) } })), ["'.sync:2'", 'at /States/S/ItemProcessor/States/T/Resource'], 'EXPRESS'],
    ['.sync in a distributed Map with EXPRESS children', one(distributed('EXPRESS', {}, task({ Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: CHILD } }))), ["'.sync'", 'at /States/S/ItemProcessor/States/Item/Resource']],
    ['Credentials (not implemented)', one(task({ Credentials: { RoleArn: 'arn:aws:iam::123456789012:role/r' } })), ["Field 'Credentials'", 'not implemented', 'at /States/S']],
    ['an unknown integration parameter', one(task({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: FN, Foo: 1 } })), ['The field "Foo" is not supported by Step Functions', 'at /States/S/Parameters/Foo']],
    ['an unknown integration argument (JSONata)', one(task({ QueryLanguage: 'JSONata', Resource: 'arn:aws:states:::dynamodb:getItem', Arguments: { TableName: 't', Key: {}, Limit: 1 } })), ['The field "Limit"', 'at /States/S/Arguments/Limit']],
    ['a missing required integration parameter', one(task({ Resource: 'arn:aws:states:::states:startExecution', Parameters: { Input: {} } })), ["'StateMachineArn' is required", 'at /States/S/Parameters']],
    ['an integration without Parameters', one(task({ Resource: 'arn:aws:states:::lambda:invoke' })), ["'FunctionName' is required", 'at /States/S']],
    ['TimeoutSeconds with TimeoutSecondsPath', one(task({ TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' })), ['[TimeoutSeconds, TimeoutSecondsPath]', 'at /States/S']],
    ['HeartbeatSeconds with HeartbeatSecondsPath', one(task({ HeartbeatSeconds: 5, HeartbeatSecondsPath: '$.h' })), ['[HeartbeatSeconds, HeartbeatSecondsPath]', 'at /States/S']],
    ['a heartbeat not below the timeout', one(task({ TimeoutSeconds: 10, HeartbeatSeconds: 10 })), ["'HeartbeatSeconds'", "'TimeoutSeconds'", 'at /States/S/HeartbeatSeconds']],
    ['a zero TimeoutSeconds', one(task({ TimeoutSeconds: 0 })), ["'TimeoutSeconds'", 'at /States/S/TimeoutSeconds']],

    // Retry and Catch
    ['Retry that is not an array', one(task({ Retry: {} })), ["'Retry'", 'at /States/S/Retry']],
    ['a retrier without ErrorEquals', one(task({ Retry: [{ MaxAttempts: 1 }] })), ['[ErrorEquals]', 'at /States/S/Retry/0']],
    ['an empty ErrorEquals', one(task({ Retry: [{ ErrorEquals: [] }] })), ["'ErrorEquals'", 'at /States/S/Retry/0/ErrorEquals']],
    ['an unknown retrier field', one(task({ Retry: [{ ErrorEquals: ['X'], Delay: 1 }] })), ["Field 'Delay' is not supported", 'at /States/S/Retry/0']],
    ['IntervalSeconds 0', one(task({ Retry: [{ ErrorEquals: ['X'], IntervalSeconds: 0 }] })), ["'IntervalSeconds'", 'at /States/S/Retry/0/IntervalSeconds']],
    ['a negative MaxAttempts', one(task({ Retry: [{ ErrorEquals: ['X'], MaxAttempts: -1 }] })), ["'MaxAttempts'", 'at /States/S/Retry/0/MaxAttempts']],
    ['a BackoffRate below 1', one(task({ Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] })), ["'BackoffRate'", 'at /States/S/Retry/0/BackoffRate']],
    ['MaxDelaySeconds 0', one(task({ Retry: [{ ErrorEquals: ['X'], MaxDelaySeconds: 0 }] })), ["'MaxDelaySeconds'", 'at /States/S/Retry/0/MaxDelaySeconds']],
    ['an unknown JitterStrategy', one(task({ Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'HALF' }] })), ["'JitterStrategy'", '[FULL, NONE]', 'at /States/S/Retry/0/JitterStrategy']],
    ['States.ALL with other errors', one(task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] })), ['States.ALL', "'ErrorEquals'", 'at /States/S/Retry/0/ErrorEquals']],
    ['States.ALL before the last catcher', { StartAt: 'S', States: { S: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }, { ErrorEquals: ['X'], Next: 'F' }] }), F: pass } }, ['States.ALL', 'at /States/S/Catch/0/ErrorEquals']],
    ['a catcher without Next', one(task({ Catch: [{ ErrorEquals: ['X'] }] })), ['[Next]', 'at /States/S/Catch/0']],
    ['Output on a JSONPath catcher', { StartAt: 'S', States: { S: task({ Catch: [{ ErrorEquals: ['X'], Output: {}, Next: 'F' }] }), F: pass } }, ["field 'Output'", 'at /States/S/Catch/0']],
    ['ResultPath on a JSONata catcher', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: task({ Catch: [{ ErrorEquals: ['X'], ResultPath: '$.e', Next: 'F' }] }), F: pass } }, ["field 'ResultPath'", 'at /States/S/Catch/0']],

    // Choice
    ['a Choice without Choices', { StartAt: 'S', States: { S: { Type: 'Choice', Default: 'T' }, T: pass } }, ['[Choices]', 'at /States/S']],
    ['empty Choices', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [], Default: 'T' }, T: pass } }, ["'Choices'", 'at /States/S/Choices']],
    ['a rule without Next', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true }], Default: 'T' }, T: pass } }, ['[Next]', 'at /States/S/Choices/0']],
    ['a rule without operator', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', Next: 'T' }] }, T: pass } }, ['comparison operator', 'at /States/S/Choices/0']],
    ['a rule with two operators', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, IsString: true, Next: 'T' }] }, T: pass } }, ['[IsNull, IsString]', 'at /States/S/Choices/0']],
    ['an unknown operator', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', StringContains: 'x', Next: 'T' }] }, T: pass } }, ["Field 'StringContains' is not supported", 'at /States/S/Choices/0']],
    ['a rule without Variable', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ StringEquals: 'x', Next: 'T' }] }, T: pass } }, ['[Variable]', 'at /States/S/Choices/0']],
    ['an operand of the wrong type', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: '3', Next: 'T' }] }, T: pass } }, ["'NumericEquals'", 'at /States/S/Choices/0/NumericEquals']],
    ['a bad timestamp operand', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', TimestampEquals: '2026-01-01', Next: 'T' }] }, T: pass } }, ["'TimestampEquals'", 'at /States/S/Choices/0/TimestampEquals']],
    ['a Path operator without a path', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', StringEqualsPath: 'b', Next: 'T' }] }, T: pass } }, ["'StringEqualsPath'", 'at /States/S/Choices/0/StringEqualsPath']],
    ['an empty And', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ And: [], Next: 'T' }] }, T: pass } }, ["'And'", 'at /States/S/Choices/0/And']],
    ['Next inside a nested rule', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Not: { Variable: '$.a', IsNull: true, Next: 'T' }, Next: 'T' }] }, T: pass } }, ["Field 'Next' is not supported", 'at /States/S/Choices/0/Not']],
    ['Variable next to And', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', And: [{ Variable: '$.a', IsNull: true }], Next: 'T' }] }, T: pass } }, ["'Variable'", 'at /States/S/Choices/0']],
    ['Condition in a JSONPath Choice', { StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Condition: true, Next: 'T' }] }, T: pass } }, ["field 'Condition'", 'at /States/S/Choices/0']],
    ['Variable in a JSONata Choice', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Next: 'T' }] }, T: pass } }, ["field 'Variable' is only supported for the 'JSONPath' QueryLanguage", 'at /States/S/Choices/0']],
    ['a JSONata rule without Condition', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Next: 'T' }] }, T: pass } }, ['[Condition]', 'at /States/S/Choices/0']],
    ['a JSONata Condition that is a plain string', { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Choice', Choices: [{ Condition: 'true', Next: 'T' }] }, T: pass } }, ["'Condition'", 'at /States/S/Choices/0/Condition']],

    // Wait, Fail
    ['a Wait without duration', one({ Type: 'Wait', End: true }), ['[Seconds, SecondsPath, Timestamp, TimestampPath]', 'at /States/S']],
    ['a Wait with Seconds and Timestamp', one({ Type: 'Wait', Seconds: 1, Timestamp: '2026-01-01T00:00:00Z', End: true }), ['[Seconds, Timestamp]', 'at /States/S']],
    ['negative Seconds', one({ Type: 'Wait', Seconds: -1, End: true }), ["'Seconds'", 'at /States/S/Seconds']],
    ['a malformed Timestamp', one({ Type: 'Wait', Timestamp: '2026-01-01 00:00:00', End: true }), ["'Timestamp'", 'at /States/S/Timestamp']],
    ['Error with ErrorPath', one({ Type: 'Fail', Error: 'E', ErrorPath: '$.e' }), ['[Error, ErrorPath]', 'at /States/S']],
    ['Cause with CausePath', one({ Type: 'Fail', Cause: 'C', CausePath: '$.c' }), ['[Cause, CausePath]', 'at /States/S']],
    ['ErrorPath in a JSONata Fail', one({ Type: 'Fail', ErrorPath: '$.e' }, { QueryLanguage: 'JSONata' }), ["field 'ErrorPath'", 'at /States/S']],

    // Parallel
    ['a Parallel without Branches', one({ Type: 'Parallel', End: true }), ['[Branches]', 'at /States/S']],
    ['empty Branches', one({ Type: 'Parallel', End: true, Branches: [] }), ["'Branches'", 'at /States/S/Branches']],
    ['a branch without StartAt', one({ Type: 'Parallel', End: true, Branches: [{ States: { B: pass } }] }), ['[StartAt]', 'at /States/S/Branches/0']],
    ['an unknown branch field', one({ Type: 'Parallel', End: true, Branches: [{ StartAt: 'B', States: { B: pass }, ProcessorConfig: {} }] }), ["Field 'ProcessorConfig' is not supported", 'at /States/S/Branches/0']],
    ['an invalid state inside a branch', one({ Type: 'Parallel', End: true, Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass' } } }] }), ['[Next, End]', 'at /States/S/Branches/0/States/B']],

    // Map
    ['a Map without ItemProcessor', one({ Type: 'Map', End: true }), ['[ItemProcessor, Iterator]', 'at /States/S']],
    ['ItemProcessor with Iterator', one(mapWith({}, { Iterator: { StartAt: 'J', States: { J: pass } } })), ['[ItemProcessor, Iterator]', 'at /States/S']],
    ['ItemSelector with Parameters', one(mapWith({}, { ItemSelector: {}, Parameters: {} })), ['[ItemSelector, Parameters]', 'at /States/S']],
    ['MaxConcurrency with MaxConcurrencyPath', one(mapWith({}, { MaxConcurrency: 1, MaxConcurrencyPath: '$.m' })), ['[MaxConcurrency, MaxConcurrencyPath]', 'at /States/S']],
    ['a negative MaxConcurrency', one(mapWith({}, { MaxConcurrency: -1 })), ["'MaxConcurrency'", 'at /States/S/MaxConcurrency']],
    ['ItemReader (needs S3)', one(distributed('STANDARD', { ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: {} } })), ["Field 'ItemReader'", 'not implemented', 'at /States/S']],
    ['ResultWriter (needs S3)', one(distributed('STANDARD', { ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: {} } })), ["Field 'ResultWriter'", 'not implemented', 'at /States/S']],
    ['Items in a JSONPath Map', one(mapWith({}, { Items: [1] })), ["field 'Items'", 'at /States/S']],
    ['ItemsPath in a JSONata Map', one(mapWith({}, { ItemsPath: '$.a' }), { QueryLanguage: 'JSONata' }), ["field 'ItemsPath'", 'at /States/S']],
    ['an unknown Mode', one(mapWith({ ProcessorConfig: { Mode: 'PARALLEL' } })), ["'Mode'", 'at /States/S/ItemProcessor/ProcessorConfig/Mode']],
    ['DISTRIBUTED without ExecutionType', one(mapWith({ ProcessorConfig: { Mode: 'DISTRIBUTED' } })), ['[ExecutionType]', 'at /States/S/ItemProcessor/ProcessorConfig']],
    ['ExecutionType on an INLINE Map', one(mapWith({ ProcessorConfig: { Mode: 'INLINE', ExecutionType: 'EXPRESS' } })), ["'ExecutionType'", 'at /States/S/ItemProcessor/ProcessorConfig/ExecutionType']],
    ['an unknown ProcessorConfig field', one(mapWith({ ProcessorConfig: { Mode: 'INLINE', Workers: 2 } })), ["Field 'Workers' is not supported", 'at /States/S/ItemProcessor/ProcessorConfig']],
    ['a distributed Map in an EXPRESS machine', one(distributed('EXPRESS')), ["'Mode' with value 'DISTRIBUTED'", 'EXPRESS', 'at /States/S/ItemProcessor/ProcessorConfig/Mode'], 'EXPRESS'],
    ['ItemBatcher on an INLINE Map', one(mapWith({}, { ItemBatcher: { MaxItemsPerBatch: 2 } })), ["Field 'ItemBatcher'", 'DISTRIBUTED', 'at /States/S/ItemBatcher']],
    ['Label on an INLINE Map', one(mapWith({}, { Label: 'x' })), ["Field 'Label'", 'DISTRIBUTED', 'at /States/S/Label']],
    ['ToleratedFailureCount on an INLINE Map', one(mapWith({}, { ToleratedFailureCount: 1 })), ["Field 'ToleratedFailureCount'", 'at /States/S/ToleratedFailureCount']],
    ['a tolerated percentage over 100', one(distributed('STANDARD', { ToleratedFailurePercentage: 101 })), ["'ToleratedFailurePercentage'", 'at /States/S/ToleratedFailurePercentage']],
    ['an ItemBatcher without limits', one(distributed('STANDARD', { ItemBatcher: { BatchInput: {} } })), ['[MaxItemsPerBatch', 'at /States/S/ItemBatcher']],
    ['an unknown ItemBatcher field', one(distributed('STANDARD', { ItemBatcher: { MaxItemsPerBatch: 1, MaxBatches: 1 } })), ["Field 'MaxBatches' is not supported", 'at /States/S/ItemBatcher']],
    ['MaxItemsPerBatch with its Path', one(distributed('STANDARD', { ItemBatcher: { MaxItemsPerBatch: 1, MaxItemsPerBatchPath: '$.m' } })), ['[MaxItemsPerBatch, MaxItemsPerBatchPath]', 'at /States/S/ItemBatcher']],
    ['an invalid Label', one(distributed('STANDARD', { Label: 'has space' })), ['INVALID_LABEL_NAME', "'Label'", 'at /States/S/Label']],
    ['a duplicate Label', { StartAt: 'A', States: { A: { ...distributed('STANDARD', { Label: 'L' }), End: undefined, Next: 'B' }, B: { ...distributed('STANDARD', { Label: 'L' }), ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'I2', States: { I2: pass } } } } }, ['DUPLICATE_LABEL_NAME', "'Label'", 'at /States/B/Label']],
    ['an invalid state inside a processor', one(mapWith({ States: { Item: { Type: 'Task', End: true } } })), ['[Resource]', 'at /States/S/ItemProcessor/States/Item']],
    ['an unreachable state inside a processor', one(mapWith({ States: { Item: pass, Orphan: pass } })), ['State "Orphan" is not reachable.', 'at /States/S/ItemProcessor/States/Orphan']],
  ];

  it.each(refused)('%s', (_name, definition, fragments, type = 'STANDARD') => {
    expectRefused(JSON.parse(JSON.stringify(definition)), fragments, type);
  });

  it('escapes state names in the JSON pointer', () => {
    expectRefused({ StartAt: 'a/b~c', States: { 'a/b~c': { Type: 'Pass' } } }, ['at /States/a~1b~0c']);
  });
});

// ---------------------------------------------------------------------------

describe('parseResource', () => {
  it.each([
    [FN, { service: 'lambda', action: 'invoke', pattern: 'request-response', functionArn: FN }],
    [`${FN}:7`, { service: 'lambda', action: 'invoke', pattern: 'request-response', functionArn: `${FN}:7` }],
    ['arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:live', { service: 'lambda', functionArn: 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:live' }],
    ['arn:aws:states:::lambda:invoke', { service: 'lambda', action: 'invoke', pattern: 'request-response' }],
    ['arn:aws-cn:states:::lambda:invoke.waitForTaskToken', { service: 'lambda', action: 'invoke', pattern: 'waitForTaskToken' }],
    ['arn:aws:states:::dynamodb:getItem', { service: 'dynamodb', action: 'getItem', pattern: 'request-response' }],
    ['arn:aws:states:::dynamodb:putItem', { service: 'dynamodb', action: 'putItem' }],
    ['arn:aws:states:::dynamodb:updateItem', { service: 'dynamodb', action: 'updateItem' }],
    ['arn:aws:states:::dynamodb:deleteItem', { service: 'dynamodb', action: 'deleteItem' }],
    ['arn:aws:states:::states:startExecution', { service: 'states', action: 'startExecution', pattern: 'request-response' }],
    ['arn:aws:states:::states:startExecution.sync', { service: 'states', pattern: 'sync' }],
    ['arn:aws-cn:states:::states:startExecution.sync:2', { service: 'states', pattern: 'sync:2' }],
    ['arn:aws:states:::states:startExecution.waitForTaskToken', { service: 'states', pattern: 'waitForTaskToken' }],
  ])('%s', (resource, expected) => {
    const parsed = parseResource(resource);
    expect(parsed).toMatchObject(expected);
    if (!('functionArn' in expected)) expect(parsed.functionArn).toBeUndefined();
  });

  it.each([
    'arn:aws:states:::lambda:invoke.sync',
    'arn:aws:states:::dynamodb:scan',
    'arn:aws:states:::sqs:sendMessage',
    'arn:aws:states:::aws-sdk:dynamodb:getItem',
    'arn:aws:lambda:us-east-1:123456789012:function:',
    'arn:aws:lambda:us-east-1:12345:function:f',
    'my-function',
  ])('refuses %s, naming Resource and the value', (resource) => {
    let err: unknown;
    try {
      parseResource(resource);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).name).toBe('InvalidDefinition');
    expect((err as ApiError).message).toContain(`Field 'Resource' value '${resource}'`);
  });
});
