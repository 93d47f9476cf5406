// Conformance: the JSONata query language (QueryLanguage "JSONata", for the whole machine or
// per state), as the AWS Step Functions developer guide documents it in "Transforming data with
// JSONata in Step Functions" and "Passing data between states with variables", plus the state
// pages' JSONata fields. Inputs and expected outputs are the documented examples where a page
// gives one.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { engineTimeIn, fnArn, ROLE, testEngine } from '../support/engine.js';
import { runThroughWait } from '../support/harness.js';
import { detailsOf } from '../support/history.js';

// ---- helpers ------------------------------------------------------------------------------

type States = Record<string, Record<string, unknown>>;

/** A JSONata machine whose StartAt is its first state. */
const jsonata = (states: States) => ({ QueryLanguage: 'JSONata', StartAt: Object.keys(states)[0], States: states });

/** A one-state JSONata machine. */
const single = (state: Record<string, unknown>) =>
  jsonata({ Only: { ...state, ...(['Succeed', 'Fail', 'Choice'].includes(state.Type as string) ? {} : { End: true }) } });

/** A machine that leaves QueryLanguage at its default (JSONPath). */
const jsonPathMachine = (states: States) => ({ StartAt: Object.keys(states)[0], States: states });

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const h = testEngine({
  Echo: (event: unknown) => event,
  CheckPrice: (event: { product: string }) => ({ product: event.product, current_price: 12.5 }),
  Boom: () => {
    throw Object.assign(new Error('it broke'), { name: 'BoomError' });
  },
});
afterAll(() => h.close());

/** An engine whose clock tests move forward, for waits and timeouts. */
const clocked = testEngine({ Hang: () => new Promise(() => undefined) }, { movableClock: true });
afterAll(() => clocked.close());

// ---- $states ------------------------------------------------------------------------------

describe('The reserved $states variable', () => {
  it('$states.input is the state input', async () => {
    const r = await h.run(single({ Type: 'Pass', Output: { title: '{% $states.input.title %}', whole: '{% $states.input %}' } }), { title: 'Doctor' });
    expect(r.output).toEqual({ title: 'Doctor', whole: { title: 'Doctor' } });
    expect(r.events).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('$states.input stays the original state input in every field', async () => {
    const r = await h.run(
      single({ Type: 'Task', Resource: fnArn('Echo'), Arguments: { x: 2 }, Output: { input: '{% $states.input %}', result: '{% $states.result %}' } }),
      { x: 1 },
    );
    expect(r.output).toEqual({ input: { x: 1 }, result: { x: 2 } });
  });

  it('$states.context is the context object', async () => {
    const r = await h.run(
      single({
        Type: 'Pass',
        Output: {
          id: '{% $states.context.Execution.Id %}',
          input: '{% $states.context.Execution.Input %}',
          name: '{% $states.context.Execution.Name %}',
          state: '{% $states.context.State.Name %}',
          entered: '{% $states.context.State.EnteredTime %}',
          machine: '{% $states.context.StateMachine.Name %}',
        },
      }),
      { a: 1 },
    );
    const [, , , , , , machineName, executionName] = r.executionArn.split(':');
    expect(r.output).toMatchObject({ id: r.executionArn, input: { a: 1 }, name: executionName, state: 'Only', machine: machineName });
    expect((r.output as { entered: string }).entered).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  });

  it('Output defaults to the state input for a Pass state', async () => {
    const r = await h.run(single({ Type: 'Pass' }), { keep: true });
    expect(r.output).toEqual({ keep: true });
  });

  it('Output accepts any JSON value and leaves strings without {% %} as they are', async () => {
    const r = await h.run(single({ Type: 'Pass', Output: { n: 1, list: [true, null, '{% 1 + 1 %}'], text: '$states.input' } }), {});
    expect(r.output).toEqual({ n: 1, list: [true, null, 2], text: '$states.input' });
  });
});

// ---- Task: Arguments and Output -----------------------------------------------------------

describe('Task Arguments and Output', () => {
  it('the conversion example: Arguments with static values, expressions and a variable', async () => {
    const r = await h.run(
      jsonata({
        Remember: { Type: 'Pass', Assign: { customerName: 'María' }, Next: 'Call' },
        Call: {
          Type: 'Task',
          Resource: fnArn('Echo'),
          Arguments: { static: 'Hello', title: '{% $states.input.title %}', name: '{% $customerName %}', 'not-evaluated': '$customerName' },
          End: true,
        },
      }),
      { title: 'Doctor' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ static: 'Hello', title: 'Doctor', name: 'María', 'not-evaluated': '$customerName' });
    expect(r.events).toEqual([
      'ExecutionStarted', 'PassStateEntered', 'PassStateExited',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('Arguments and Output with the lambda:invoke integration ($states.result.Payload)', async () => {
    const r = await h.run(
      single({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: fnArn('CheckPrice'), Payload: { product: '{% $states.input.order.product %}' } },
        Output: { product: '{% $states.result.Payload.product %}', price: '{% $states.result.Payload.current_price %}', status: '{% $states.result.StatusCode %}' },
      }),
      { order: { product: 'widget' } },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ product: 'widget', price: 12.5, status: 200 });
    expect(JSON.parse(detailsOf(r.history, 'TaskScheduled')[0].parameters)).toEqual({ FunctionName: fnArn('CheckPrice'), Payload: { product: 'widget' } });
    expect(r.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });

  it('Arguments may be a single expression', async () => {
    const r = await h.run(single({ Type: 'Task', Resource: fnArn('Echo'), Arguments: '{% $states.input.payload %}' }), { payload: { a: [1, 2] } });
    expect(r.output).toEqual({ a: [1, 2] });
  });

  it('without Arguments the task receives the state input; without Output the state outputs the result', async () => {
    const r = await h.run(single({ Type: 'Task', Resource: fnArn('CheckPrice') }), { product: 'p1' });
    expect(r.output).toEqual({ product: 'p1', current_price: 12.5 });
  });

  it('TimeoutSeconds given as an expression times the task out', async () => {
    const definition = single({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: fnArn('Hang') }, TimeoutSeconds: '{% $states.input.timeout %}' });
    const r = await runThroughWait(clocked, definition, { timeout: 300 }, 300, 'TaskStarted');
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Timeout');
    expect(detailsOf(r.history, 'TaskScheduled')[0].timeoutInSeconds).toBe(300);
    expect(r.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskTimedOut', 'ExecutionFailed']);
  });
});

// ---- Output on other states ---------------------------------------------------------------

describe('Output on Pass, Succeed, Wait and Choice', () => {
  it('Pass Output transforms the input', async () => {
    const r = await h.run(single({ Type: 'Pass', Output: '{% $states.input.price * $states.input.quantity %}' }), { price: 2.5, quantity: 4 });
    expect(r.output).toBe(10);
  });

  it('Succeed Output sets the execution output', async () => {
    const r = await h.run(single({ Type: 'Succeed', Output: { done: true, who: '{% $states.input.who %}' } }), { who: 'me', other: 1 });
    expect(r.output).toEqual({ done: true, who: 'me' });
    expect(r.events).toEqual(['ExecutionStarted', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  it('Wait Output shapes what follows the wait', async () => {
    const r = await h.run(single({ Type: 'Wait', Seconds: 0, Output: { waited: '{% $states.input.n %}' } }), { n: 3 });
    expect(r.output).toEqual({ waited: 3 });
  });

  it('Choice Output, on the state and on a rule', async () => {
    const definition = (rule: Record<string, unknown>) =>
      jsonata({
        Decide: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n > 10 %}', Next: 'Done', ...rule }], Default: 'Done', Output: { from: 'state' } },
        Done: { Type: 'Succeed' },
      });
    expect((await h.run(definition({}), { n: 1 })).output).toEqual({ from: 'state' });
    expect((await h.run(definition({ Output: { from: 'rule', n: '{% $states.input.n %}' } }), { n: 20 })).output).toEqual({ from: 'rule', n: 20 });
  });
});

// ---- Variables ----------------------------------------------------------------------------

describe('Workflow variables (JSONata)', () => {
  it('Assign stores values that later states read as $name', async () => {
    const r = await h.run(
      jsonata({
        Store: { Type: 'Pass', Assign: { productName: 'product1', count: 42, available: true }, Output: {}, Next: 'Use' },
        Use: { Type: 'Pass', Output: '{% $productName & ":" & $string($count) & ":" & $string($available) %}', End: true },
      }),
      {},
    );
    expect(r.output).toBe('product1:42:true');
  });

  it('Assign can read $states.input and $states.result (the variables page example)', async () => {
    const r = await h.run(
      jsonata({
        Check: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: fnArn('CheckPrice'), Payload: { product: '{% $states.input.order.product %}' } },
          Assign: { product: '{% $states.input.order.product %}', currentPrice: '{% $states.result.Payload.current_price %}' },
          Output: {},
          Next: 'Report',
        },
        Report: { Type: 'Pass', Output: { product: '{% $product %}', price: '{% $currentPrice %}' }, End: true },
      }),
      { order: { product: 'widget' } },
    );
    expect(r.output).toEqual({ product: 'widget', price: 12.5 });
    expect(detailsOf(r.history, 'TaskStateExited')[0].assignedVariables).toEqual({ product: '"widget"', currentPrice: '12.5' });
  });

  it('Assign and Output of one state see the variables as they were when the state was entered', async () => {
    const r = await h.run(
      jsonata({
        Init: { Type: 'Pass', Assign: { x: 1, y: 2 }, Next: 'Swap' },
        Swap: { Type: 'Pass', Assign: { x: '{% $y %}', y: '{% $x %}' }, Output: { xSeen: '{% $x %}' }, Next: 'Read' },
        Read: { Type: 'Pass', Output: { x: '{% $x %}', y: '{% $y %}', before: '{% $states.input.xSeen %}' }, End: true },
      }),
      {},
    );
    expect(r.output).toEqual({ x: 2, y: 1, before: 1 });
  });

  it('variables of the enclosing scope are visible inside Map iterations', async () => {
    const r = await h.run(
      jsonata({
        Store: { Type: 'Pass', Assign: { rate: 2 }, Next: 'Each' },
        Each: {
          Type: 'Map',
          Items: '{% $states.input.prices %}',
          ItemProcessor: { StartAt: 'Scale', States: { Scale: { Type: 'Pass', Output: '{% $states.input * $rate %}', End: true } } },
          End: true,
        },
      }),
      { prices: [1, 2, 3] },
    );
    expect(r.output).toEqual([2, 4, 6]);
  });

  it('variables flow between JSONata and JSONPath states of a mixed machine', async () => {
    const r = await h.run(
      jsonPathMachine({
        // In a JSONPath Pass state, `$` in Assign is the state's result (here, the Parameters output).
        PathState: { Type: 'Pass', Parameters: { 'value.$': '$.input_data' }, Assign: { 'fromPath.$': '$.value' }, Next: 'AtaState' },
        AtaState: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { combined: "{% $states.input.value & '-' & $fromPath %}" }, Assign: { fromAta: 'ata' }, Next: 'PathAgain' },
        PathAgain: { Type: 'Pass', Parameters: { 'combined.$': '$.combined', 'fromAta.$': '$fromAta' }, End: true },
      }),
      { input_data: 'test' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ combined: 'test-test', fromAta: 'ata' });
  });
});

// ---- Choice ---------------------------------------------------------------------------------

describe('Choice Condition', () => {
  const decide = jsonata({
    Decide: {
      Type: 'Choice',
      Choices: [
        { Condition: "{% $states.input.type != 'Private' %}", Next: 'Public' },
        { Condition: '{% $states.input.value >= 20 and $states.input.value < 30 %}', Next: 'ValueInTwenties' },
      ],
      Default: 'DefaultState',
    },
    Public: { Type: 'Pass', Output: 'public', End: true },
    ValueInTwenties: { Type: 'Pass', Output: 'twenties', End: true },
    DefaultState: { Type: 'Pass', Output: 'default', End: true },
  });

  it('follows the first rule whose Condition is true', async () => {
    expect((await h.run(decide, { type: 'Public', value: 25 })).output).toBe('public');
    const r = await h.run(decide, { type: 'Private', value: 25 });
    expect(r.output).toBe('twenties');
    expect(r.events).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('takes Default when no Condition holds', async () => {
    expect((await h.run(decide, { type: 'Private', value: 50 })).output).toBe('default');
  });

  it('fails with States.NoChoiceMatched without a Default', async () => {
    const r = await h.run(jsonata({ Decide: { Type: 'Choice', Choices: [{ Condition: '{% false %}', Next: 'X' }] }, X: { Type: 'Succeed' } }), {});
    expect([r.status, r.error]).toEqual(['FAILED', 'States.NoChoiceMatched']);
  });

  it('a rule can Assign variables', async () => {
    const r = await h.run(
      jsonata({
        Decide: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Assign: { picked: '{% $states.input.n %}' }, Next: 'Use' }] },
        Use: { Type: 'Pass', Output: '{% $picked %}', End: true },
      }),
      { n: 7 },
    );
    expect(r.output).toBe(7);
  });
});

// ---- Map ------------------------------------------------------------------------------------

describe('Map Items and ItemSelector', () => {
  it('Items selects the array and ItemSelector shapes each item with $states.context.Map.Item', async () => {
    const r = await h.run(
      single({
        Type: 'Map',
        Items: '{% $states.input.orders %}',
        ItemSelector: { index: '{% $states.context.Map.Item.Index %}', value: '{% $states.context.Map.Item.Value %}', customer: '{% $states.input.customer %}' },
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } },
      }),
      { customer: 'c1', orders: ['a', 'b'] },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([
      { index: 0, value: 'a', customer: 'c1' },
      { index: 1, value: 'b', customer: 'c1' },
    ]);
    expect(r.events.slice(0, 3)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted']);
    expect(r.events.slice(-3)).toEqual(['MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
  });

  it('Items may be a literal JSON array', async () => {
    const r = await h.run(
      single({ Type: 'Map', Items: [1, 2, 3], ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Pass', Output: '{% $states.input * 2 %}', End: true } } } }),
      {},
    );
    expect(r.output).toEqual([2, 4, 6]);
  });

  it('Output of the Map state reads the iteration results from $states.result', async () => {
    const r = await h.run(
      single({
        Type: 'Map',
        Items: '{% $states.input.n %}',
        ItemProcessor: { StartAt: 'Id', States: { Id: { Type: 'Pass', End: true } } },
        Output: { total: '{% $sum($states.result) %}' },
      }),
      { n: [1, 2, 3] },
    );
    expect(r.output).toEqual({ total: 6 });
  });

  it('an Items expression that does not return an array fails with States.QueryEvaluationError', async () => {
    const r = await h.run(single({ Type: 'Map', Items: '{% $states.input.n %}', ItemProcessor: { StartAt: 'Id', States: { Id: { Type: 'Pass', End: true } } } }), { n: 5 });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.QueryEvaluationError']);
  });
});

// ---- Wait -----------------------------------------------------------------------------------

describe('Wait Seconds and Timestamp as expressions', () => {
  const waitThenSucceed = (wait: Record<string, unknown>) => jsonata({ Pause: { Type: 'Wait', ...wait, Next: 'Done' }, Done: { Type: 'Succeed' } });

  it('Seconds from an expression', async () => {
    const r = await runThroughWait(clocked, waitThenSucceed({ Seconds: '{% $states.input.delay %}' }), { delay: 3600 }, 3600);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.events).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  it('Timestamp from an expression', async () => {
    const r = await runThroughWait(clocked, waitThenSucceed({ Timestamp: '{% $states.input.when %}' }), { when: engineTimeIn(clocked, 86400) }, 86400);
    expect(r.status).toBe('SUCCEEDED');
  });

  it('Seconds that evaluate to a non-number (an incorrectly typed result) fail with States.QueryEvaluationError', async () => {
    const r = await h.run(single({ Type: 'Wait', Seconds: '{% $states.input.delay %}' }), { delay: 'soon' });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.QueryEvaluationError']);
  });
});

// ---- Fail -----------------------------------------------------------------------------------

describe('Fail Error and Cause as expressions', () => {
  it('evaluates Error and Cause', async () => {
    const r = await h.run(single({ Type: 'Fail', Error: '{% $states.input.code %}', Cause: "{% 'Order ' & $states.input.id & ' was rejected' %}" }), { code: 'OrderRejected', id: 'o-1' });
    expect(r.status).toBe('FAILED');
    expect([r.error, r.cause]).toEqual(['OrderRejected', 'Order o-1 was rejected']);
    expect(r.events).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
  });

  it('static Error and Cause are used as written', async () => {
    const r = await h.run(single({ Type: 'Fail', Error: 'ErrorA', Cause: 'Invalid response.' }), {});
    expect([r.error, r.cause]).toEqual(['ErrorA', 'Invalid response.']);
  });
});

// ---- Catch ----------------------------------------------------------------------------------

describe('Catch with Output and $states.errorOutput', () => {
  it('the catcher Output reads $states.errorOutput and $states.input', async () => {
    const r = await h.run(
      jsonata({
        Work: {
          Type: 'Task',
          Resource: fnArn('Boom'),
          Catch: [{ ErrorEquals: ['States.ALL'], Output: { input: '{% $states.input %}', error: '{% $states.errorOutput.Error %}', cause: '{% $parse($states.errorOutput.Cause) %}' }, Next: 'Handle' }],
          End: true,
        },
        Handle: { Type: 'Pass', End: true },
      }),
      { order: 1 },
    );
    expect(r.status).toBe('SUCCEEDED');
    const out = r.output as { input: unknown; error: string; cause: { errorType: string; errorMessage: string } };
    expect(out.input).toEqual({ order: 1 });
    expect(out.error).toBe('BoomError');
    expect(out.cause).toMatchObject({ errorType: 'BoomError', errorMessage: 'it broke' });
    expect(r.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'TaskStateExited',
      'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('without Output the caught state outputs the error output', async () => {
    const r = await h.run(
      jsonata({ Work: { Type: 'Task', Resource: fnArn('Boom'), Catch: [{ ErrorEquals: ['BoomError'], Next: 'Handle' }], End: true }, Handle: { Type: 'Pass', End: true } }),
      {},
    );
    expect(Object.keys(r.output as object).sort()).toEqual(['Cause', 'Error']);
    expect((r.output as { Error: string }).Error).toBe('BoomError');
  });

  it('a catcher can Assign variables from $states.errorOutput', async () => {
    const r = await h.run(
      jsonata({
        Work: { Type: 'Task', Resource: fnArn('Boom'), Catch: [{ ErrorEquals: ['States.ALL'], Assign: { lastError: '{% $states.errorOutput.Error %}' }, Next: 'Handle' }], End: true },
        Handle: { Type: 'Pass', Output: '{% $lastError %}', End: true },
      }),
      {},
    );
    expect(r.output).toBe('BoomError');
  });
});

// ---- Functions ------------------------------------------------------------------------------

describe('JSONata functions provided by Step Functions', () => {
  const evaluate = async (expression: string, input: unknown = {}) => {
    const r = await h.run(single({ Type: 'Pass', Output: { value: `{% ${expression} %}` } }), input);
    expect(r.status).toBe('SUCCEEDED');
    return (r.output as { value: unknown }).value;
  };

  it('$partition splits an array into chunks', async () => {
    expect(await evaluate('$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)')).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(await evaluate('$partition([1, 2, 3, 4], 3)')).toEqual([[1, 2, 3], [4]]);
  });

  it('$range builds an array from start, end and step', async () => {
    expect(await evaluate('$range(0, 10, 2)')).toEqual([0, 2, 4, 6, 8, 10]);
    expect(await evaluate('$range(5, 1, -2)')).toEqual([5, 3, 1]);
  });

  it('$hash computes a hex digest with the named algorithm', async () => {
    expect(await evaluate("$hash($states.input.content, 'SHA-256')", { content: 'input data' })).toBe(createHash('sha256').update('input data').digest('hex'));
    expect(await evaluate("$hash('abc', 'MD5')")).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('$random returns a number in [0, 1), the same one for the same seed', async () => {
    const plain = (await evaluate('$random()')) as number;
    expect(plain).toBeGreaterThanOrEqual(0);
    expect(plain).toBeLessThan(1);
    const seeded = await evaluate('[$random($states.input.seed), $random($states.input.seed)]', { seed: 42 });
    expect((seeded as number[])[0]).toBe((seeded as number[])[1]);
    expect((seeded as number[])[0]).toBeGreaterThanOrEqual(0);
    expect((seeded as number[])[0]).toBeLessThan(1);
  });

  it('$uuid returns a version 4 UUID', async () => {
    expect(await evaluate('$uuid()')).toMatch(UUID_V4);
  });

  it('$parse turns a JSON string into a value', async () => {
    expect(await evaluate('$parse($states.input.json_string)', { json_string: '{"foo": "bar", "n": [1, 2]}' })).toEqual({ foo: 'bar', n: [1, 2] });
  });

  it('the built-in JSONata functions are available', async () => {
    expect(await evaluate("$uppercase($join(['a', 'b'], '-'))")).toBe('A-B');
    expect(await evaluate('$sum($states.input.n)', { n: [1, 2, 3] })).toBe(6);
  });
});

// ---- Query language mixing ---------------------------------------------------------------------

describe('QueryLanguage per state', () => {
  it('a JSONata state in a JSONPath machine reads the previous state output as $states.input', async () => {
    const r = await h.run(
      jsonPathMachine({
        First: { Type: 'Pass', Result: { value: 21 }, ResultPath: '$.data', Next: 'Double' },
        Double: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { doubled: '{% $states.input.data.value * 2 %}' }, Next: 'Last' },
        Last: { Type: 'Pass', Parameters: { 'result.$': '$.doubled' }, End: true },
      }),
      {},
    );
    expect(r.output).toEqual({ result: 42 });
  });

  it('a JSONPath state cannot be used in a machine whose QueryLanguage is JSONata', () => {
    const definition = jsonata({ Only: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } });
    expect(() => h.engine.createStateMachine({ name: 'mixedBad', definition: JSON.stringify(definition), roleArn: ROLE })).toThrow(
      expect.objectContaining({ code: 'InvalidDefinition' }),
    );
  });

  it('JSONPath-only fields are refused in a JSONata state', () => {
    const definition = single({ Type: 'Pass', Parameters: { a: 1 } });
    expect(() => h.engine.createStateMachine({ name: 'parametersInJsonata', definition: JSON.stringify(definition), roleArn: ROLE })).toThrow(
      expect.objectContaining({ code: 'InvalidDefinition' }),
    );
  });
});

// ---- Evaluation errors --------------------------------------------------------------------------

describe('States.QueryEvaluationError', () => {
  it('an expression that fails to evaluate fails the execution with States.QueryEvaluationError', async () => {
    const r = await h.run(single({ Type: 'Pass', Output: '{% $states.input.name + 1 %}' }), { name: 'abc' });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.QueryEvaluationError');
    expect(r.events[0]).toBe('ExecutionStarted');
    expect(r.events[1]).toBe('PassStateEntered');
    expect(r.events.at(-1)).toBe('ExecutionFailed');
    expect(r.events).not.toContain('PassStateExited');
  });

  it('is caught by a catcher that names it, before the task is scheduled', async () => {
    const r = await h.run(
      jsonata({
        Work: {
          Type: 'Task',
          Resource: fnArn('Echo'),
          Arguments: { n: '{% $states.input.name + 1 %}' },
          Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Output: { caught: '{% $states.errorOutput.Error %}' }, Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Succeed' },
      }),
      { name: 'abc' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ caught: 'States.QueryEvaluationError' });
    expect(r.events).not.toContain('LambdaFunctionScheduled');
    expect(r.events.slice(-3)).toEqual(['SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  it('is matched by States.ALL and can be retried', async () => {
    const r = await h.run(
      jsonata({
        Work: {
          Type: 'Task',
          Resource: fnArn('Echo'),
          Arguments: '{% $states.input.name + 1 %}',
          Retry: [{ ErrorEquals: ['States.QueryEvaluationError'], MaxAttempts: 1, IntervalSeconds: 1, BackoffRate: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
      }),
      { name: 'abc' },
    );
    expect(r.output).toBe('States.QueryEvaluationError');
  });

  it('an expression in a template field that returns nothing (undefined) is an error, not a missing key', async () => {
    const r = await h.run(single({ Type: 'Task', Resource: fnArn('Echo'), Arguments: { Input: { pushLocation: '{% $states.input.pushLocation %}' } } }), {});
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.QueryEvaluationError');
    expect(r.events).not.toContain('LambdaFunctionScheduled');
  });

  it('an Output expression that returns nothing is an error', async () => {
    const r = await h.run(single({ Type: 'Pass', Output: '{% $states.input.missing %}' }), {});
    expect([r.status, r.error]).toEqual(['FAILED', 'States.QueryEvaluationError']);
  });

  it('a Condition that is not a boolean is an error', async () => {
    const r = await h.run(jsonata({ Decide: { Type: 'Choice', Choices: [{ Condition: "{% 'yes' %}", Next: 'X' }], Default: 'X' }, X: { Type: 'Succeed' } }), {});
    expect([r.status, r.error]).toEqual(['FAILED', 'States.QueryEvaluationError']);
  });
});
