// Conformance: JSONPath states and their input/output processing, as the AWS Step Functions
// developer guide documents them ("Processing input and output", "InputPath, Parameters and
// ResultSelector", "ResultPath", "OutputPath", "Context object", "Intrinsic functions",
// "Passing data between states with variables", the state pages, and the API reference's
// HistoryEvent shapes). Inputs and expected outputs are the documented examples where a page
// gives one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineTimeIn, fnArn, ROLE, testEngine } from '../support/engine.js';
import { runThroughWait } from '../support/harness.js';
import { count, detailsOf } from '../support/history.js';

// ---- helpers ------------------------------------------------------------------------------

type States = Record<string, Record<string, unknown>>;

/** A machine whose StartAt is its first state. */
const machine = (states: States, extra: Record<string, unknown> = {}) => ({ StartAt: Object.keys(states)[0], States: states, ...extra });

/** A one-state machine. */
const single = (state: Record<string, unknown>) => machine({ Only: { ...state, ...(['Succeed', 'Fail', 'Choice'].includes(state.Type as string) ? {} : { End: true }) } });

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The AWS docs' "Hello World" Lambda: `Hello, ${who}!`. */
const helloFunction = (event: { who: string }) => `Hello, ${event.who}!`;

class CustomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustomError';
  }
}

/** The raw result of an EMR createCluster.sync call, as the ResultSelector example shows it. */
const emrResult = {
  resourceType: 'elasticmapreduce',
  resource: 'createCluster.sync',
  output: {
    SdkHttpMetadata: {
      HttpHeaders: { 'Content-Length': '1112', 'Content-Type': 'application/x-amz-JSON-1.1', Date: 'Mon, 25 Nov 2019 19:41:29 GMT', 'x-amzn-RequestId': '1234-5678-9012' },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: '1234-5678-9012' },
    ClusterId: 'AKIAIOSFODNN7EXAMPLE',
  },
};

const h = testEngine({
  HelloFunction: helloFunction,
  EchoFunction: (event: unknown) => event,
  CreateCluster: () => emrResult,
  FailFunction: () => {
    throw new CustomError('This is a custom error!');
  },
});
afterAll(() => h.close());

/** A second engine whose clock tests move forward, for long Waits. */
const clocked = testEngine({}, { movableClock: true });
afterAll(() => clocked.close());

// ---- Pass ---------------------------------------------------------------------------------

describe('Pass state', () => {
  it('places its Result at ResultPath, as in the "No-op" example of the Pass state page', async () => {
    const r = await h.run(
      single({ Type: 'Pass', Result: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 }, ResultPath: '$.coords' }),
      { georefOf: 'Home' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ georefOf: 'Home', coords: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 } });
    expect(r.events).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('passes its input to its output when it has no Result', async () => {
    const r = await h.run(single({ Type: 'Pass' }), { a: 1, b: [true, null] });
    expect(r.output).toEqual({ a: 1, b: [true, null] });
  });

  it('uses Parameters as its result when there is no Result', async () => {
    const r = await h.run(single({ Type: 'Pass', Parameters: { 'who.$': '$.name', fixed: 'x' } }), { name: 'Ana' });
    expect(r.output).toEqual({ who: 'Ana', fixed: 'x' });
  });

  it('replaces the whole input with its Result when ResultPath is omitted', async () => {
    const r = await h.run(single({ Type: 'Pass', Result: 'done' }), { a: 1 });
    expect(r.output).toBe('done');
  });
});

// ---- Succeed ------------------------------------------------------------------------------

describe('Succeed state', () => {
  it('ends the execution successfully with its input as output', async () => {
    const r = await h.run(single({ Type: 'Succeed' }), { ok: true });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ ok: true });
    expect(r.events).toEqual(['ExecutionStarted', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  it('applies InputPath and OutputPath', async () => {
    const r = await h.run(single({ Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' }), { a: { b: 42 }, c: 1 });
    expect(r.output).toBe(42);
  });
});

// ---- Fail ---------------------------------------------------------------------------------

describe('Fail state', () => {
  it('fails the execution with its Error and Cause', async () => {
    const r = await h.run(single({ Type: 'Fail', Error: 'ErrorA', Cause: 'Kaiju attack' }), {});
    expect(r.status).toBe('FAILED');
    expect([r.error, r.cause]).toEqual(['ErrorA', 'Kaiju attack']);
    expect(r.events).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
    expect(detailsOf(r.history, 'ExecutionFailed')[0]).toEqual({ error: 'ErrorA', cause: 'Kaiju attack' });
  });

  it('reads the error and cause from the input with ErrorPath and CausePath', async () => {
    const r = await h.run(single({ Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' }), { Error: 'ErrorA', Cause: 'Kaiju attack' });
    expect(r.status).toBe('FAILED');
    expect([r.error, r.cause]).toEqual(['ErrorA', 'Kaiju attack']);
  });

  it('accepts intrinsic functions in ErrorPath and CausePath (the Fail state page example with States.Format)', async () => {
    const r = await h.run(
      single({
        Type: 'Fail',
        CausePath: "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)",
        ErrorPath: "States.Format('{}', $.Error)",
      }),
      { Error: 'ErrorA', Cause: 'Kaiju attack' },
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('ErrorA');
    expect(r.cause).toBe('This is a custom error message for ErrorA, caused by Kaiju attack.');
  });

  it('fails with States.Runtime when ErrorPath selects nothing', async () => {
    const r = await h.run(single({ Type: 'Fail', ErrorPath: '$.missing' }), {});
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });
});

// ---- Choice -------------------------------------------------------------------------------

describe('Choice state', () => {
  const targets: States = {
    Public: { Type: 'Pass', Result: 'public', End: true },
    ValueIsZero: { Type: 'Pass', Result: 'zero', End: true },
    ValueInTwenties: { Type: 'Pass', Result: 'twenties', End: true },
    NotNumber: { Type: 'Pass', Result: 'not-a-number', End: true },
    RecordEvent: { Type: 'Pass', Result: 'default', End: true },
  };
  /** A Choice state plus the Pass states its rules and Default lead to (each outputs its name). */
  const choice = (choices: { Next: string; [op: string]: unknown }[], extra: { Default?: string } = {}) => {
    const used = new Set([...choices.map((c) => c.Next), ...(extra.Default ? [extra.Default] : [])]);
    return machine({ Decide: { Type: 'Choice', Choices: choices, ...extra }, ...Object.fromEntries([...used].map((name) => [name, targets[name]])) });
  };

  // The Choice state page example: Not/StringEquals, NumericEquals, And of NumericGreaterThanEquals/NumericLessThan.
  const documented = [
    { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
    { Variable: '$.value', IsNumeric: false, Next: 'NotNumber' },
    { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
    { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
  ];

  it('follows the first matching rule', async () => {
    expect((await h.run(choice(documented, { Default: 'RecordEvent' }), { type: 'Public', value: 0 })).output).toBe('public');
    expect((await h.run(choice(documented, { Default: 'RecordEvent' }), { type: 'Private', value: 0 })).output).toBe('zero');
    expect((await h.run(choice(documented, { Default: 'RecordEvent' }), { type: 'Private', value: 25 })).output).toBe('twenties');
  });

  it('matches an Is* test whose operand is false when the value is not of that type', async () => {
    const r = await h.run(choice(documented, { Default: 'RecordEvent' }), { type: 'Private', value: 'abc' });
    expect(r.output).toBe('not-a-number');
  });

  it('takes Default when no rule matches, passing its input on unchanged', async () => {
    const r = await h.run(
      machine({
        Decide: { Type: 'Choice', Choices: documented, Default: 'Out' },
        Public: { Type: 'Pass', End: true },
        NotNumber: { Type: 'Pass', End: true },
        ValueIsZero: { Type: 'Pass', End: true },
        ValueInTwenties: { Type: 'Pass', End: true },
        Out: { Type: 'Succeed' },
      }),
      { type: 'Private', value: 50 },
    );
    expect(r.output).toEqual({ type: 'Private', value: 50 });
    expect(r.events).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  it('fails with States.NoChoiceMatched when no rule matches and there is no Default', async () => {
    const r = await h.run(choice(documented), { type: 'Private', value: 50 });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.NoChoiceMatched');
    expect(r.events).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ExecutionFailed']);
  });

  it('uses IsPresent: false to route input without a field', async () => {
    const r = await h.run(choice([{ Variable: '$.type', IsPresent: false, Next: 'RecordEvent' }], { Default: 'Public' }), { value: 1 });
    expect(r.output).toBe('default');
  });
});

// ---- Wait ---------------------------------------------------------------------------------

describe('Wait state', () => {
  const waitThenSucceed = (wait: Record<string, unknown>) => machine({ Pause: { Type: 'Wait', ...wait, Next: 'Done' }, Done: { Type: 'Succeed' } });

  it('waits the given Seconds before moving on', async () => {
    const r = await runThroughWait(clocked, waitThenSucceed({ Seconds: 600 }), { keep: 'me' }, 600);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ keep: 'me' });
    expect(r.events).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  it('waits the number of seconds SecondsPath reads from the input', async () => {
    const r = await runThroughWait(clocked, waitThenSucceed({ SecondsPath: '$.expiryseconds' }), { expiryseconds: 7 * 24 * 3600 }, 7 * 24 * 3600);
    expect(r.status).toBe('SUCCEEDED');
  });

  it('waits until an absolute Timestamp', async () => {
    const r = await runThroughWait(clocked, waitThenSucceed({ Timestamp: engineTimeIn(clocked, 3600) }), {}, 3600);
    expect(r.status).toBe('SUCCEEDED');
  });

  it('waits until the timestamp TimestampPath reads from the input', async () => {
    const r = await runThroughWait(clocked, waitThenSucceed({ TimestampPath: '$.expirydate' }), { expirydate: engineTimeIn(clocked, 2 * 86400) }, 2 * 86400);
    expect(r.status).toBe('SUCCEEDED');
  });

  it('fails with States.Runtime when TimestampPath does not hold a timestamp', async () => {
    const r = await h.run(single({ Type: 'Wait', TimestampPath: '$.when' }), { when: 'tomorrow' });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });
});

// ---- Input and output processing ----------------------------------------------------------

describe('InputPath, Parameters and ResultSelector', () => {
  it('InputPath selects a portion of the state input (dataset2 example)', async () => {
    const r = await h.run(single({ Type: 'Pass', InputPath: '$.dataset2' }), {
      comment: 'Example for InputPath.',
      dataset1: { val1: 1, val2: 2, val3: 3 },
      dataset2: { val1: 'a', val2: 'b', val3: 'c' },
    });
    expect(r.output).toEqual({ val1: 'a', val2: 'b', val3: 'c' });
  });

  it('InputPath can yield a selection of values ($.a[0:2] gives [1, 2])', async () => {
    const r = await h.run(single({ Type: 'Pass', InputPath: '$.a[0:2]' }), { a: [1, 2, 3, 4] });
    expect(r.output).toEqual([1, 2]);
  });

  it('Parameters mixes static values and values selected with `.$` keys (product example)', async () => {
    const r = await h.run(
      single({
        Type: 'Pass',
        Parameters: { comment: 'Selecting what I care about.', MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', StaticValue: 'foo' } },
      }),
      {
        comment: 'Example for Parameters.',
        product: { details: { color: 'blue', size: 'small', material: 'cotton' }, availability: 'in stock', sku: '2317', cost: '$23' },
      },
    );
    expect(r.output).toEqual({ comment: 'Selecting what I care about.', MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' } });
  });

  it('InputPath is applied before Parameters', async () => {
    const r = await h.run(single({ Type: 'Pass', InputPath: '$.product', Parameters: { 'sku.$': '$.sku' } }), { product: { sku: '2317' } });
    expect(r.output).toEqual({ sku: '2317' });
  });

  it('Parameters shape the payload a Task sends to its Lambda function', async () => {
    const r = await h.run(single({ Type: 'Task', Resource: fnArn('EchoFunction'), Parameters: { 'who.$': '$.name', greeting: 'hi' } }), { name: 'Ana', other: 1 });
    expect(r.output).toEqual({ who: 'Ana', greeting: 'hi' });
    expect(JSON.parse(detailsOf(r.history, 'LambdaFunctionScheduled')[0].input)).toEqual({ who: 'Ana', greeting: 'hi' });
  });

  it('ResultSelector builds the result from the raw task result before ResultPath (createCluster example)', async () => {
    const r = await h.run(
      single({
        Type: 'Task',
        Resource: fnArn('CreateCluster'),
        ResultSelector: { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
        ResultPath: '$.EMROutput',
      }),
      { request: 'create' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ request: 'create', EMROutput: { ClusterId: 'AKIAIOSFODNN7EXAMPLE', ResourceType: 'elasticmapreduce' } });
    expect(r.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    // The history keeps the raw result; the selection happens afterwards.
    expect(JSON.parse(detailsOf(r.history, 'LambdaFunctionSucceeded')[0].output)).toEqual(emrResult);
  });

  it('ResultSelector flattens an array of arrays from a Parallel state', async () => {
    const r = await h.run(
      single({
        Type: 'Parallel',
        Branches: [
          { StartAt: 'B1', States: { B1: { Type: 'Pass', Result: [{ val: '1' }, { val: '2' }], End: true } } },
          { StartAt: 'B2', States: { B2: { Type: 'Pass', Result: [{ val: '3' }, { val: '4' }], End: true } } },
        ],
        ResultSelector: { 'flattenArray.$': '$[*][*]' },
      }),
      {},
    );
    expect(r.output).toEqual({ flattenArray: [{ val: '1' }, { val: '2' }, { val: '3' }, { val: '4' }] });
  });

  it('InputPath null gives the state an empty object', async () => {
    const r = await h.run(single({ Type: 'Pass', InputPath: null }), { a: 1 });
    expect(r.output).toEqual({});
  });
});

describe('ResultPath', () => {
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };
  const hello = (extra: Record<string, unknown>) => single({ Type: 'Task', Resource: fnArn('HelloFunction'), ...extra });

  it('"$" replaces the input with the task result (the default)', async () => {
    expect((await h.run(hello({ ResultPath: '$' }), input)).output).toBe('Hello, Step Functions!');
    expect((await h.run(hello({}), input)).output).toBe('Hello, Step Functions!');
  });

  it('null discards the result and keeps the original input', async () => {
    expect((await h.run(hello({ ResultPath: null }), input)).output).toEqual(input);
  });

  it('"$.taskresult" includes the result with the input', async () => {
    expect((await h.run(hello({ ResultPath: '$.taskresult' }), input)).output).toEqual({ ...input, taskresult: 'Hello, Step Functions!' });
  });

  it('"$.details" updates a node of the input with the result', async () => {
    expect((await h.run(hello({ ResultPath: '$.details' }), input)).output).toEqual({ ...input, details: 'Hello, Step Functions!' });
  });

  it('creates the missing nodes of a deeper path', async () => {
    expect((await h.run(hello({ ResultPath: '$.a.b.c' }), input)).output).toEqual({ ...input, a: { b: { c: 'Hello, Step Functions!' } } });
  });

  it('places the error output of a Catch at the catcher\'s ResultPath', async () => {
    const r = await h.run(
      machine({
        Work: { Type: 'Task', Resource: fnArn('FailFunction'), Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handled' }], End: true },
        Handled: { Type: 'Pass', End: true },
      }),
      { foo: 'bar' },
    );
    expect(r.status).toBe('SUCCEEDED');
    const output = r.output as { foo: string; error: { Error: string; Cause: string } };
    expect(output.foo).toBe('bar');
    expect(output.error.Error).toBe('CustomError');
    expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: 'CustomError', errorMessage: 'This is a custom error!' });
    expect(r.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'TaskStateExited',
      'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
  });
});

describe('OutputPath', () => {
  it('InputPath, ResultPath and OutputPath together (the "manipulating state data with paths" example)', async () => {
    const r = await h.run(
      machine({ HelloWorld: { Type: 'Task', Resource: fnArn('HelloFunction'), InputPath: '$.lambda', ResultPath: '$.data.lambdaresult', OutputPath: '$.data', End: true } }),
      { comment: 'An input comment.', data: { val1: 23, val2: 17 }, extra: 'foo', lambda: { who: 'AWS Step Functions' } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' });
    // The function received only the `lambda` node.
    expect(JSON.parse(detailsOf(r.history, 'LambdaFunctionScheduled')[0].input)).toEqual({ who: 'AWS Step Functions' });
  });

  it('filters the output of a Pass state', async () => {
    const r = await h.run(single({ Type: 'Pass', OutputPath: '$.keep' }), { keep: { x: 1 }, drop: 2 });
    expect(r.output).toEqual({ x: 1 });
  });

  it('null makes the output an empty object', async () => {
    const r = await h.run(single({ Type: 'Pass', OutputPath: null }), { a: 1 });
    expect(r.output).toEqual({});
  });
});

describe('Path errors', () => {
  it('a Parameters path that selects nothing fails the execution with States.Runtime', async () => {
    const r = await h.run(single({ Type: 'Pass', Parameters: { 'x.$': '$.missing' } }), { a: 1 });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
    expect(r.events).toEqual(['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed']);
  });

  it('an InputPath that selects nothing fails with States.Runtime', async () => {
    const r = await h.run(single({ Type: 'Pass', InputPath: '$.missing' }), { a: 1 });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
  });

  it('an OutputPath that selects nothing fails with States.Runtime', async () => {
    const r = await h.run(single({ Type: 'Pass', OutputPath: '$.missing' }), { a: 1 });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
  });

  it('a ResultSelector path that selects nothing fails with States.Runtime', async () => {
    const r = await h.run(single({ Type: 'Task', Resource: fnArn('EchoFunction'), ResultSelector: { 'x.$': '$.nope' } }), { a: 1 });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
  });

  it('States.Runtime is not caught by a States.ALL catcher', async () => {
    const r = await h.run(
      machine({
        Work: { Type: 'Task', Resource: fnArn('EchoFunction'), ResultSelector: { 'x.$': '$.nope' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
        Caught: { Type: 'Succeed' },
      }),
      { a: 1 },
    );
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
  });
});

// ---- Context object ------------------------------------------------------------------------

describe('Context object', () => {
  it('exposes the execution, state and state machine through `$$`', async () => {
    const r = await h.run(
      single({
        Type: 'Pass',
        Parameters: {
          'id.$': '$$.Execution.Id',
          'input.$': '$$.Execution.Input',
          'name.$': '$$.Execution.Name',
          'roleArn.$': '$$.Execution.RoleArn',
          'startTime.$': '$$.Execution.StartTime',
          'stateName.$': '$$.State.Name',
          'enteredTime.$': '$$.State.EnteredTime',
          'machineName.$': '$$.StateMachine.Name',
          'machineId.$': '$$.StateMachine.Id',
        },
      }),
      { original: true },
    );
    const out = r.output as Record<string, string>;
    const [, , , region, account, , machineName, executionName] = r.executionArn.split(':');
    expect(out.id).toBe(r.executionArn);
    expect(out.input).toEqual({ original: true });
    expect(out.name).toBe(executionName);
    expect(out.roleArn).toBe(ROLE);
    expect(out.stateName).toBe('Only');
    expect(out.machineName).toBe(machineName);
    expect(out.machineId).toBe(`arn:aws:states:${region}:${account}:stateMachine:${machineName}`);
    for (const time of [out.startTime, out.enteredTime]) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const entered = r.history.find((e) => e.type === 'PassStateEntered')!.timestamp * 1000;
    expect(Math.abs(Date.parse(out.enteredTime) - entered)).toBeLessThan(1000);
  });

  it('$$.Execution.Input stays the execution input in later states', async () => {
    const r = await h.run(
      machine({ First: { Type: 'Pass', Result: 'changed', Next: 'Second' }, Second: { Type: 'Pass', Parameters: { 'state.$': '$', 'original.$': '$$.Execution.Input', 'name.$': '$$.State.Name' }, End: true } }),
      { v: 1 },
    );
    expect(r.output).toEqual({ state: 'changed', original: { v: 1 }, name: 'Second' });
  });

  it('$$.Map.Item.Index and $$.Map.Item.Value in a Map ItemSelector (the context object page example)', async () => {
    const r = await h.run(
      machine({
        ExampleMapState: {
          Type: 'Map',
          ItemSelector: { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value' },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'TestPass', States: { TestPass: { Type: 'Pass', End: true } } },
          End: true,
        },
      }),
      [{ who: 'bob' }, { who: 'meg' }, { who: 'joe' }],
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([
      { ContextIndex: 0, ContextValue: { who: 'bob' } },
      { ContextIndex: 1, ContextValue: { who: 'meg' } },
      { ContextIndex: 2, ContextValue: { who: 'joe' } },
    ]);
    expect(count(r.events, 'MapIterationStarted')).toBe(3);
    expect(count(r.events, 'MapIterationSucceeded')).toBe(3);
    expect(r.events.slice(0, 3)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted']);
    expect(r.events.slice(-3)).toEqual(['MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
  });
});

// ---- Intrinsic functions ------------------------------------------------------------------

describe('Intrinsic functions in payload templates', () => {
  it('States.Format, States.Array, States.MathAdd and States.StringToJson in Parameters', async () => {
    const r = await h.run(
      single({
        Type: 'Pass',
        Parameters: {
          'greeting.$': "States.Format('Hello, my name is {}.', $.name)",
          'BuildId.$': 'States.Array($.Id)',
          'value1.$': 'States.MathAdd($.value1, $.step)',
          'parsed.$': 'States.StringToJson($.escapedJsonString)',
        },
      }),
      { name: 'Arnav', Id: 123456, value1: 111, step: -1, escapedJsonString: '{"foo": "bar"}' },
    );
    expect(r.output).toEqual({ greeting: 'Hello, my name is Arnav.', BuildId: [123456], value1: 110, parsed: { foo: 'bar' } });
  });

  it('States.UUID returns a version 4 UUID', async () => {
    const r = await h.run(single({ Type: 'Pass', Parameters: { 'uuid.$': 'States.UUID()' } }), {});
    expect((r.output as { uuid: string }).uuid).toMatch(UUID_V4);
  });

  it('intrinsics in ResultSelector read the task result', async () => {
    const r = await h.run(
      single({ Type: 'Task', Resource: fnArn('EchoFunction'), ResultSelector: { 'message.$': "States.Format('{} has {} items', $.who, States.ArrayLength($.items))" } }),
      { who: 'cart', items: [1, 2, 3] },
    );
    expect(r.output).toEqual({ message: 'cart has 3 items' });
  });

  it('an intrinsic that fails gives States.IntrinsicFailure', async () => {
    const r = await h.run(single({ Type: 'Pass', Parameters: { 'x.$': 'States.StringToJson($.notJson)' } }), { notJson: '{oops' });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.IntrinsicFailure']);
  });
});

// ---- Variables ------------------------------------------------------------------------------

describe('Workflow variables (JSONPath)', () => {
  it('Assign stores variables that a later state reads as $name in Parameters', async () => {
    const r = await h.run(
      machine({
        Store: { Type: 'Pass', Assign: { productName: 'product1', count: 42, available: true }, Next: 'Unrelated' },
        Unrelated: { Type: 'Pass', Result: { other: 1 }, Next: 'Use' },
        Use: { Type: 'Pass', Parameters: { 'name.$': '$productName', 'count.$': '$count', 'available.$': '$available', 'fromInput.$': '$.other' }, End: true },
      }),
      {},
    );
    expect(r.output).toEqual({ name: 'product1', count: 42, available: true, fromInput: 1 });
  });

  it('evaluates the JSONPath conversion example: `.$` keys read variables, plain strings do not', async () => {
    const r = await h.run(
      machine({
        Store: { Type: 'Pass', Assign: { customerName: 'María' }, Next: 'Build' },
        Build: { Type: 'Pass', Parameters: { static: 'Hello', 'title.$': '$.title', 'name.$': '$customerName', 'not-evaluated': '$customerName' }, End: true },
      }),
      { title: 'Doctor' },
    );
    expect(r.output).toEqual({ static: 'Hello', title: 'Doctor', name: 'María', 'not-evaluated': '$customerName' });
  });

  it('Assign with `.$` keys reads the state result (after ResultSelector) in a Task', async () => {
    const r = await h.run(
      machine({
        Call: { Type: 'Task', Resource: fnArn('EchoFunction'), ResultSelector: { 'price.$': '$.current_price' }, Assign: { 'currentPrice.$': '$.price' }, ResultPath: null, Next: 'Use' },
        Use: { Type: 'Pass', Parameters: { 'price.$': '$currentPrice' }, End: true },
      }),
      { current_price: 9.5 },
    );
    expect(r.output).toEqual({ price: 9.5 });
  });

  it('evaluates every expression of an Assign with the values variables had before the state', async () => {
    const r = await h.run(
      machine({
        Init: { Type: 'Pass', Assign: { x: 1, y: 2 }, Next: 'Swap' },
        Swap: { Type: 'Pass', Assign: { 'x.$': '$y', 'y.$': '$x', z: 3, 'zSeen.$': 'States.Array($x)' }, Next: 'Read' },
        Read: { Type: 'Pass', Parameters: { 'x.$': '$x', 'y.$': '$y', 'z.$': '$z', 'zSeen.$': '$zSeen' }, End: true },
      }),
      {},
    );
    expect(r.output).toEqual({ x: 2, y: 1, z: 3, zSeen: [1] });
  });

  it('records assigned variables on the StateExited event', async () => {
    const r = await h.run(single({ Type: 'Pass', Assign: { productName: 'product1', count: 42 } }), {});
    expect(detailsOf(r.history, 'PassStateExited')[0]).toMatchObject({
      assignedVariables: { productName: '"product1"', count: '42' },
      assignedVariablesDetails: { truncated: false },
    });
  });

  it('variables of the enclosing scope are visible inside Map iterations', async () => {
    const r = await h.run(
      machine({
        Store: { Type: 'Pass', Assign: { prefix: 'item-' }, Next: 'Each' },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Label',
            States: { Label: { Type: 'Pass', Parameters: { 'label.$': "States.Format('{}{}', $prefix, $)" }, End: true } },
          },
          End: true,
        },
      }),
      { items: [1, 2] },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([{ label: 'item-1' }, { label: 'item-2' }]);
  });

  it('reading a variable that was never assigned fails with States.Runtime', async () => {
    const r = await h.run(single({ Type: 'Pass', Parameters: { 'x.$': '$neverAssigned' } }), {});
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
  });
});

// ---- Payload size -----------------------------------------------------------------------------

describe('Payload size quota', () => {
  it('a state output over 256 KiB fails the execution with States.DataLimitExceeded', async () => {
    const big = 'x'.repeat(150 * 1024);
    const r = await h.run(single({ Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' } }), { s: big });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.DataLimitExceeded');
    expect(r.events).toEqual(['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed']);
  });

  it('an output just under 256 KiB is accepted', async () => {
    const r = await h.run(single({ Type: 'Pass' }), { s: 'x'.repeat(256 * 1024 - 100) });
    expect(r.status).toBe('SUCCEEDED');
  });

  it('StartExecution refuses an input over 256 KiB', () => {
    const { stateMachineArn } = h.engine.createStateMachine({ name: 'bigInput', definition: JSON.stringify(single({ Type: 'Pass' })), roleArn: ROLE });
    expect(() => h.engine.startExecution({ stateMachineArn, input: JSON.stringify({ s: 'x'.repeat(257 * 1024) }) })).toThrow(
      expect.objectContaining({ code: 'InvalidExecutionInput' }),
    );
  });
});

// ---- History ------------------------------------------------------------------------------------

describe('Execution history shapes', () => {
  let history: Record<string, any>[];
  const input = { hello: 'world' };

  beforeAll(async () => {
    const r = await h.run(
      machine({ First: { Type: 'Pass', Result: { step: 1 }, ResultPath: '$.first', Next: 'Second' }, Second: { Type: 'Pass', Parameters: { 'greeting.$': '$.hello' }, End: true } }),
      input,
    );
    expect(r.status).toBe('SUCCEEDED');
    history = r.history;
  });

  it('lists the documented event types in order', () => {
    expect(history.map((e) => e.type)).toEqual([
      'ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('numbers events from 1 and chains previousEventId', () => {
    expect(history.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.map((e) => e.previousEventId)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 1; i < history.length; i++) expect(history[i].timestamp).toBeGreaterThanOrEqual(history[i - 1].timestamp);
  });

  it('ExecutionStarted carries the input and the role ARN', () => {
    expect(history[0].executionStartedEventDetails).toEqual({ input: JSON.stringify(input), inputDetails: { truncated: false }, roleArn: ROLE });
  });

  it('StateEntered and StateExited carry the state name and its input and output as JSON strings', () => {
    expect(history[1].stateEnteredEventDetails).toEqual({ name: 'First', input: '{"hello":"world"}', inputDetails: { truncated: false } });
    expect(history[2].stateExitedEventDetails).toEqual({ name: 'First', output: '{"hello":"world","first":{"step":1}}', outputDetails: { truncated: false } });
    expect(history[3].stateEnteredEventDetails).toEqual({ name: 'Second', input: '{"hello":"world","first":{"step":1}}', inputDetails: { truncated: false } });
    expect(history[4].stateExitedEventDetails).toEqual({ name: 'Second', output: '{"greeting":"world"}', outputDetails: { truncated: false } });
  });

  it('ExecutionSucceeded carries the execution output', () => {
    expect(history[5].executionSucceededEventDetails).toEqual({ output: '{"greeting":"world"}', outputDetails: { truncated: false } });
  });
});
