// Conformance: "Handling errors in Step Functions workflows" (AWS Step Functions Developer Guide,
// concepts-error-handling), plus "Use ResultPath to include both error and input in a Catch"
// (input-output-resultpath). Definitions and inputs are the documented examples where the page has one.
import { describe, expect, it } from 'vitest';
import type { LambdaHandler } from '../../infra/local/stepfunctions/integrations/lambda.js';
import { fnArn, sleep, type RunResult, type TestEngine } from '../support/engine.js';
import { engineForTest, passDeadline } from '../support/harness.js';
import { count, untilEvent } from '../support/history.js';

// ---- helpers -------------------------------------------------------------------------------

/** An Error whose `name` is the error type Lambda reports (the Node.js runtime uses `error.name`). */
function namedError(name: string, message = `${name} raised`): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The FailFunction of the AWS examples: a custom error class whose name is CustomError. */
class CustomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustomError';
  }
}

/** A function that throws the given error names in turn and then returns `result`; counts its calls. */
function failing(errorNames: string[], result: unknown = 'done') {
  const calls: any[] = [];
  const handler: LambdaHandler = async (event) => {
    calls.push(event);
    const name = errorNames[calls.length - 1];
    if (name !== undefined) throw namedError(name);
    return result;
  };
  return { calls, handler };
}

/** A function that never answers: it outlasts any TimeoutSeconds. */
function hanging() {
  const calls: any[] = [];
  const handler: LambdaHandler = (event) => {
    calls.push(event);
    return new Promise(() => undefined);
  };
  return { calls, handler };
}

/** Engine seconds per clock tick in runTicking. */
const TICK = 0.1;
/** Real time also moves the engine clock; allow for a slow event loop between ticks. */
const SLACK = 0.4;

/**
 * Runs a machine while the engine clock moves forward in `step`-second ticks, so retry intervals
 * and timeouts elapse in engine time. A sleeper wakes at the first tick at or after its due time.
 */
async function runTicking(h: TestEngine, definition: object, input: unknown = {}, step = TICK): Promise<RunResult> {
  let settled = false;
  const result = h.run(definition, input).finally(() => {
    settled = true;
  });
  while (!settled) {
    await sleep(1);
    if (!settled) h.engine.advanceClock(step);
  }
  return result;
}

/** Seconds (engine time) from each failure event to the next scheduling event: the retry waits. */
function retryWaits(result: RunResult, failed: string[], scheduled: string): number[] {
  const waits: number[] = [];
  result.history.forEach((event, i) => {
    if (!failed.includes(event.type)) return;
    const next = result.history.slice(i + 1).find((e) => e.type === scheduled);
    if (next) waits.push(next.timestamp - event.timestamp);
  });
  return waits;
}

const LAMBDA_FAILURES = ['LambdaFunctionFailed', 'LambdaFunctionTimedOut'];

/** Each wait is the expected interval, plus at most one tick of the clock (and some slack). */
function expectWaits(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((wait, i) => {
    expect(wait).toBeGreaterThanOrEqual(expected[i] - 0.005);
    expect(wait).toBeLessThan(expected[i] + TICK + SLACK);
  });
}

/** A one-Task machine calling `fn` by its bare ARN, with extra Task fields. */
function taskMachine(fn: string, task: Record<string, unknown>, extraStates: Record<string, unknown> = {}) {
  return {
    StartAt: 'HelloWorld',
    States: { HelloWorld: { Type: 'Task', Resource: fnArn(fn), ...task }, ...extraStates },
  };
}

/** Runs a taskMachine calling sleep10, a function that never answers, while the clock ticks; returns the run and its calls. */
async function runHanging(task: Record<string, unknown>, extraStates: Record<string, unknown> = {}) {
  const fn = hanging();
  const result = await runTicking(engineForTest({ sleep10: fn.handler }), taskMachine('sleep10', task, extraStates));
  return { calls: fn.calls, result };
}

/** The run failed with States.Timeout after `attempts` calls, each of which timed out. */
function expectEveryAttemptTimedOut(result: RunResult, calls: unknown[], attempts: number): void {
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe('States.Timeout');
  expect(calls).toHaveLength(attempts);
  expect(count(result.events, 'LambdaFunctionTimedOut')).toBe(attempts);
}

const pass = (result: unknown) => ({ Type: 'Pass', Result: result, End: true });
const passThrough = { Type: 'Pass', End: true };

// ---- Retry -----------------------------------------------------------------------------------

describe('Retry: IntervalSeconds, MaxAttempts and BackoffRate', () => {
  it('the documented retrier (3 s, 2 attempts, rate 1.5) makes 2 retry attempts after waiting 3 and 4.5 seconds', async () => {
    const { calls, result } = await runHanging({
      TimeoutSeconds: 1,
      Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 }],
      End: true,
    });

    expectEveryAttemptTimedOut(result, calls, 3);
    expect(count(result.events, 'LambdaFunctionScheduled')).toBe(3);
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [3, 4.5]);
  });

  it('defaults to IntervalSeconds 1, MaxAttempts 3 and BackoffRate 2.0', async () => {
    const fn = failing(['Boom', 'Boom', 'Boom', 'Boom']);
    const h = engineForTest({ FailFunction: fn.handler });

    const result = await runTicking(h, taskMachine('FailFunction', { Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }));

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Boom');
    expect(fn.calls).toHaveLength(4);
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [1, 2, 4]);
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'ExecutionFailed',
    ]);
  });

  it('a retried attempt that succeeds lets the state succeed; the state is entered once', async () => {
    const fn = failing(['Boom', 'Boom'], { ok: true });
    const h = engineForTest({ FailFunction: fn.handler });

    const result = await runTicking(h, taskMachine('FailFunction', { Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1 }], End: true }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ ok: true });
    expect(fn.calls).toHaveLength(3);
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded',
      'TaskStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('MaxAttempts 0 means the error is never retried (documented: retry every error except States.Timeout)', async () => {
    const retry = [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 0 }, { ErrorEquals: ['States.ALL'] }];

    const { calls: slowCalls, result: timedOut } = await runHanging({ TimeoutSeconds: 1, Retry: retry, End: true });
    expectEveryAttemptTimedOut(timedOut, slowCalls, 1);
    expect(timedOut.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionTimedOut', 'ExecutionFailed',
    ]);

    const fn = failing(['Boom', 'Boom', 'Boom', 'Boom']);
    const h = engineForTest({ FailFunction: fn.handler });
    const failed = await runTicking(h, taskMachine('FailFunction', { Retry: retry, End: true }));
    expect(failed.error).toBe('Boom');
    expect(fn.calls).toHaveLength(4);
  });

  it('$$.State.RetryCount counts the retries of the current state', async () => {
    const fn = failing(['Boom', 'Boom']);
    const h = engineForTest({ FailFunction: fn.handler });

    const result = await runTicking(h, taskMachine('FailFunction', {
      Parameters: { 'retry.$': '$$.State.RetryCount' },
      Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, BackoffRate: 1 }],
      End: true,
    }));

    expect(result.status).toBe('SUCCEEDED');
    expect(fn.calls.map((e) => e.retry)).toEqual([0, 1, 2]);
  });
});

describe('Retry: MaxDelaySeconds and JitterStrategy', () => {
  it('MaxDelaySeconds caps the exponential wait', async () => {
    const fn = failing(['Boom', 'Boom', 'Boom', 'Boom', 'Boom']);
    const h = engineForTest({ FailFunction: fn.handler });

    const result = await runTicking(h, taskMachine('FailFunction', {
      Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 4, MaxDelaySeconds: 10 }],
      End: true,
    }));

    expect(result.error).toBe('Boom');
    expect(fn.calls).toHaveLength(5);
    // 2, 6, 18 -> 10, 54 -> 10
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [2, 6, 10, 10]);
  });

  it('JitterStrategy NONE waits the computed backoff (2, 4, 8 seconds for interval 2, rate 2, 3 attempts)', async () => {
    const fn = failing(['Boom', 'Boom', 'Boom', 'Boom']);
    const h = engineForTest({ FailFunction: fn.handler });

    const result = await runTicking(h, taskMachine('FailFunction', {
      Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: 'NONE' }],
      End: true,
    }));

    expect(fn.calls).toHaveLength(4);
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [2, 4, 8]);
  });

  it('JitterStrategy FULL waits a random time between 0 and the computed backoff', async () => {
    const fn = failing(['Boom', 'Boom', 'Boom', 'Boom', 'Boom']);
    const h = engineForTest({ FailFunction: fn.handler });

    const result = await runTicking(h, taskMachine('FailFunction', {
      Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 20, BackoffRate: 1, MaxAttempts: 4, JitterStrategy: 'FULL' }],
      End: true,
    }));

    expect(fn.calls).toHaveLength(5);
    const waits = retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled');
    expect(waits).toHaveLength(4);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(20 + TICK + SLACK);
    }
    // Four uniform draws all within half a second of the full 20 s: probability ~4e-7.
    expect(Math.min(...waits)).toBeLessThan(19.5);
  });
});

describe('Retry: multiple retriers', () => {
  it('complex retry scenario: ErrorA, ErrorB, ErrorC, ErrorB wait 1, 2 and 5 seconds, then the Catch goes to Z', async () => {
    const fn = failing(['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB', 'ErrorB']);
    const h = engineForTest({ X: fn.handler });
    const definition = {
      StartAt: 'X',
      States: {
        X: {
          Type: 'Task',
          Resource: fnArn('X'),
          Next: 'Y',
          Retry: [
            { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
            { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
        },
        Y: pass('Y'),
        Z: passThrough,
      },
    };

    const result = await runTicking(h, definition);

    expect(result.status).toBe('SUCCEEDED');
    expect(fn.calls).toHaveLength(4);
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [1, 2, 5]);
    expect(result.output).toMatchObject({ Error: 'ErrorB' });
    expect(result.events.slice(-5)).toEqual(['LambdaFunctionFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(result.history.filter((e) => e.type === 'PassStateEntered').map((e) => e.stateEnteredEventDetails.name)).toEqual(['Z']);
  });

  it('only the first retrier whose ErrorEquals matches applies (documented Retry example with CustomError)', async () => {
    const calls: unknown[] = [];
    const h = engineForTest({
      FailFunction: async (event: unknown) => {
        calls.push(event);
        throw new CustomError('This is a custom error!');
      },
    });
    const definition = {
      Comment: 'A Retry example of the Amazon States Language using an AWS Lambda function',
      StartAt: 'HelloWorld',
      States: {
        HelloWorld: {
          Type: 'Task',
          Resource: fnArn('FailFunction'),
          Retry: [
            { ErrorEquals: ['CustomError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2.0 },
            { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2.0 },
            { ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2.0 },
          ],
          End: true,
        },
      },
    };

    const result = await runTicking(h, definition);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('CustomError');
    expect(calls).toHaveLength(3);
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [1, 2]);
  });

  it('each retrier keeps its own attempt count', async () => {
    // A: 1 retry, B: 1 retry. A, B, A -> the third error exhausts retrier A even though B retried in between.
    const fn = failing(['A', 'B', 'A', 'B']);
    const h = engineForTest({ FailFunction: fn.handler });

    const result = await runTicking(h, taskMachine('FailFunction', {
      Retry: [
        { ErrorEquals: ['A'], IntervalSeconds: 1, MaxAttempts: 1 },
        { ErrorEquals: ['B'], IntervalSeconds: 2, MaxAttempts: 1 },
      ],
      End: true,
    }));

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('A');
    expect(fn.calls).toHaveLength(3);
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [1, 2]);
  });
});

// ---- Catch -----------------------------------------------------------------------------------

describe('Catch: fallback states and the error output', () => {
  it('without ResultPath the error output {Error, Cause} replaces the input', async () => {
    const h = engineForTest({ FailFunction: () => { throw new CustomError('This is a custom error!'); } });
    const definition = taskMachine('FailFunction', { Catch: [{ ErrorEquals: ['CustomError'], Next: 'fallback' }], End: true }, { fallback: passThrough });

    const result = await h.run(definition, { foo: 'bar' });

    expect(result.status).toBe('SUCCEEDED');
    expect(Object.keys(result.output as object).sort()).toEqual(['Cause', 'Error']);
    expect((result.output as any).Error).toBe('CustomError');
    expect(JSON.parse((result.output as any).Cause)).toMatchObject({ errorType: 'CustomError', errorMessage: 'This is a custom error!' });
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('ResultPath "$.error" keeps the input and adds the error output (documented {"foo": "bar"} example)', async () => {
    // A Fail state without Cause gives exactly the documented error output {"Error": "Error here"}.
    const h = engineForTest();
    const definition = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Fail', States: { Fail: { Type: 'Fail', Error: 'Error here' } } }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'NextTask', ResultPath: '$.error' }],
          End: true,
        },
        NextTask: passThrough,
      },
    };

    const result = await h.run(definition, { foo: 'bar' });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ foo: 'bar', error: { Error: 'Error here' } });
  });

  it('documented catchers: java.lang.Exception goes to RecoveryState with $.error-info, anything else to EndState', async () => {
    let errorName = 'java.lang.Exception';
    const h = engineForTest({ Fn: () => { throw namedError(errorName, 'failed'); } });
    const definition = taskMachine('Fn', {
      Catch: [
        { ErrorEquals: ['java.lang.Exception'], ResultPath: '$.error-info', Next: 'RecoveryState' },
        { ErrorEquals: ['States.ALL'], Next: 'EndState' },
      ],
      End: true,
    }, { RecoveryState: passThrough, EndState: passThrough });

    const recovered = await h.run(definition, { order: 7 });
    expect(recovered.output).toMatchObject({ order: 7, 'error-info': { Error: 'java.lang.Exception' } });
    expect(recovered.history.find((e) => e.type === 'PassStateEntered')!.stateEnteredEventDetails.name).toBe('RecoveryState');

    errorName = 'SomethingElse';
    const ended = await h.run(definition, { order: 7 });
    expect(ended.output).toMatchObject({ Error: 'SomethingElse' });
    expect(ended.output).not.toHaveProperty('order');
    expect(ended.history.find((e) => e.type === 'PassStateEntered')!.stateEnteredEventDetails.name).toBe('EndState');
  });

  it('a catcher may list several errors', async () => {
    const h = engineForTest({ Fn: () => { throw namedError('ErrorB'); } });
    const definition = taskMachine('Fn', { Catch: [{ ErrorEquals: ['ErrorA', 'ErrorB'], Next: 'fallback' }], End: true }, { fallback: pass('caught') });

    expect((await h.run(definition)).output).toBe('caught');
  });

  it('an error no catcher names fails the execution with that error', async () => {
    const h = engineForTest({ Fn: () => { throw namedError('Unlisted', 'nobody catches this'); } });
    const definition = taskMachine('Fn', { Catch: [{ ErrorEquals: ['Other'], Next: 'fallback' }], End: true }, { fallback: pass('caught') });

    const result = await h.run(definition);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Unlisted');
    expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'Unlisted', errorMessage: 'nobody catches this' });
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed']);
  });

  it('retriers run first; the catcher applies only once the retry policy fails to resolve the error', async () => {
    const fn = failing(['Boom', 'Boom', 'Boom']);
    const h = engineForTest({ Fn: fn.handler });
    const definition = taskMachine('Fn', {
      Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['Boom'], Next: 'fallback' }],
      End: true,
    }, { fallback: pass('caught') });

    const result = await runTicking(h, definition);

    expect(result.output).toBe('caught');
    expect(fn.calls).toHaveLength(3);
  });
});

describe('Lambda errors: custom error classes', () => {
  it('Error is the error type (the class name set as name) and Cause is the JSON with errorType and errorMessage', async () => {
    const h = engineForTest({ FailFunction: () => { throw new CustomError('This is a custom error!'); } });

    const result = await h.run(taskMachine('FailFunction', { End: true }));

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('CustomError');
    const cause = JSON.parse(result.cause!);
    expect(cause).toMatchObject({ errorType: 'CustomError', errorMessage: 'This is a custom error!' });
    expect(Array.isArray(cause.trace)).toBe(true);
    const failed = result.history.find((e) => e.type === 'LambdaFunctionFailed')!;
    expect(failed.lambdaFunctionFailedEventDetails).toMatchObject({ error: 'CustomError' });
    expect(JSON.parse(failed.lambdaFunctionFailedEventDetails.cause)).toMatchObject({ errorType: 'CustomError' });
  });

  it('documented Catch example: CustomError, then States.TaskFailed, then States.ALL fallbacks', async () => {
    const definition = (resource: string) => ({
      Comment: 'A Catch example of the Amazon States Language using an AWS Lambda function',
      StartAt: 'CreateAccount',
      States: {
        CreateAccount: {
          Type: 'Task',
          Resource: fnArn(resource),
          TimeoutSeconds: 2,
          Catch: [
            { ErrorEquals: ['CustomError'], Next: 'CustomErrorFallback' },
            { ErrorEquals: ['States.TaskFailed'], Next: 'ReservedTypeFallback' },
            { ErrorEquals: ['States.ALL'], Next: 'CatchAllFallback' },
          ],
          End: true,
        },
        CustomErrorFallback: pass('This is a fallback from a custom Lambda function exception'),
        ReservedTypeFallback: pass('This is a fallback from a reserved error code'),
        CatchAllFallback: pass('This is a fallback from any error code'),
      },
    });
    const h = engineForTest({
      FailFunction: () => { throw new CustomError('This is a custom error!'); },
      OtherFailure: () => { throw new TypeError('not custom'); },
      sleep10: hanging().handler,
    });

    expect((await h.run(definition('FailFunction'))).output).toBe('This is a fallback from a custom Lambda function exception');
    expect((await h.run(definition('OtherFailure'))).output).toBe('This is a fallback from a reserved error code');
    // States.TaskFailed does not match States.Timeout, so the timeout falls through to States.ALL.
    expect((await runTicking(h, definition('sleep10'))).output).toBe('This is a fallback from any error code');
  });
});

// ---- Error names -------------------------------------------------------------------------------

describe('Error names: States.ALL, States.TaskFailed and States.Runtime', () => {
  it('States.TaskFailed matches any error a Lambda function outputs (documented Retry and Catch variants)', async () => {
    // FailFunction always fails, outputting the error name HandledError.
    const calls: unknown[] = [];
    const h = engineForTest({ FailFunction: (event: unknown) => { calls.push(event); throw namedError('HandledError', 'error'); } });
    const retried = await runTicking(h, taskMachine('FailFunction', {
      Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2.0 }],
      End: true,
    }));
    expect(retried.error).toBe('HandledError');
    expect(calls).toHaveLength(3);

    const caught = await h.run(taskMachine('FailFunction', {
      Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'fallback' }],
      End: true,
    }, { fallback: pass('Hello, AWS Step Functions!') }));
    expect(caught.output).toBe('Hello, AWS Step Functions!');
  });

  it('States.TaskFailed also matches integration errors such as Lambda.ResourceNotFoundException', async () => {
    const h = engineForTest();
    const result = await h.run(taskMachine('NoSuchFunction', {
      Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'fallback' }],
      End: true,
    }, { fallback: passThrough }));

    expect(result.output).toMatchObject({ Error: 'Lambda.ResourceNotFoundException' });
  });

  it('States.TaskFailed does not match States.Timeout', async () => {
    const { result } = await runHanging({
      TimeoutSeconds: 1,
      Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'fallback' }],
      End: true,
    }, { fallback: passThrough });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Timeout');
  });

  it('States.ALL does not catch or retry States.Runtime (InputPath selecting nothing)', async () => {
    const fn = failing([]);
    const h = engineForTest({ Fn: fn.handler });
    const definition = taskMachine('Fn', {
      InputPath: '$.missing',
      Retry: [{ ErrorEquals: ['States.ALL'] }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'fallback' }],
      End: true,
    }, { fallback: pass('caught') });

    const result = await h.run(definition, { present: 1 });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(fn.calls).toHaveLength(0);
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
  });

  it('States.ALL does not catch States.Runtime raised after the task ran (OutputPath selecting nothing)', async () => {
    const fn = failing([], { a: 1 });
    const h = engineForTest({ Fn: fn.handler });
    const definition = taskMachine('Fn', {
      OutputPath: '$.b',
      Retry: [{ ErrorEquals: ['States.ALL'] }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'fallback' }],
      End: true,
    }, { fallback: pass('caught') });

    const result = await h.run(definition);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(fn.calls).toHaveLength(1);
    expect(result.events.slice(-2)).toEqual(['LambdaFunctionSucceeded', 'ExecutionFailed']);
  });
});

describe('Error names: the documented States.* errors', () => {
  it('States.Timeout: the documented "Handling a timeout using Catch" example goes to fallback', async () => {
    const h = engineForTest({ sleep10: hanging().handler });
    const definition = {
      Comment: 'A Hello World example of the Amazon States Language using an AWS Lambda function',
      StartAt: 'HelloWorld',
      States: {
        HelloWorld: {
          Type: 'Task',
          Resource: fnArn('sleep10'),
          TimeoutSeconds: 2,
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'fallback' }],
          End: true,
        },
        fallback: pass('Hello, AWS Step Functions!'),
      },
    };

    const result = await runTicking(h, definition);

    expect(result.output).toBe('Hello, AWS Step Functions!');
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionTimedOut',
      'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    const timedOut = result.history.find((e) => e.type === 'LambdaFunctionTimedOut')!;
    expect(timedOut.lambdaFunctionTimedOutEventDetails.error).toBe('States.Timeout');
    // The function outlasts the timeout: the task timed out after 2 s of engine time.
    const scheduled = result.history.find((e) => e.type === 'LambdaFunctionScheduled')!;
    expect(timedOut.timestamp - scheduled.timestamp).toBeGreaterThanOrEqual(2 - 0.005);
  });

  it('States.Timeout: the documented "Handling a timeout using Retry" example retries twice (waits 1 and 2 s)', async () => {
    const { calls, result } = await runHanging({
      TimeoutSeconds: 2,
      Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2.0 }],
      End: true,
    });

    expectEveryAttemptTimedOut(result, calls, 3);
    expectWaits(retryWaits(result, LAMBDA_FAILURES, 'LambdaFunctionScheduled'), [1, 2]);
  });

  it('States.HeartbeatTimeout: a task that misses its heartbeat can be caught by that name and by States.Timeout', async () => {
    const tokens: string[] = [];
    const h = engineForTest({ worker: (event: { token: string }) => { tokens.push(event.token); return 'submitted'; } });
    const definition = (errorEquals: string[]) => ({
      StartAt: 'Wait for worker',
      States: {
        'Wait for worker': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'worker', Payload: { 'token.$': '$$.Task.Token' } },
          HeartbeatSeconds: 5,
          Catch: [{ ErrorEquals: errorEquals, Next: 'fallback' }],
          End: true,
        },
        fallback: passThrough,
      },
    });

    for (const errorEquals of [['States.HeartbeatTimeout'], ['States.Timeout']]) {
      const result = await runTicking(h, definition(errorEquals));
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({ Error: 'States.HeartbeatTimeout' });
      expect(result.events).toContain('TaskTimedOut');
    }
    expect(tokens).toHaveLength(2);
  });

  it('States.NoChoiceMatched: a Choice state with no match and no Default fails with it', async () => {
    const h = engineForTest();
    const choice = { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'One' }] };

    const uncaught = await h.run({ StartAt: 'Choose', States: { Choose: choice, One: passThrough } }, { n: 2 });
    expect(uncaught.status).toBe('FAILED');
    expect(uncaught.error).toBe('States.NoChoiceMatched');
    expect(uncaught.events).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ExecutionFailed']);

    const caught = await h.run({
      StartAt: 'Branch',
      States: {
        Branch: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Choose', States: { Choose: choice, One: passThrough } }],
          Catch: [{ ErrorEquals: ['States.NoChoiceMatched'], Next: 'fallback' }],
          End: true,
        },
        fallback: passThrough,
      },
    }, { n: 2 });
    expect(caught.status).toBe('SUCCEEDED');
    expect(caught.output).toMatchObject({ Error: 'States.NoChoiceMatched' });
  });

  it('States.DataLimitExceeded: a state output over 256 KiB fails the execution', async () => {
    const h = engineForTest();
    const big = 'x'.repeat(200 * 1024);
    const definition = { StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, End: true } } };

    const result = await h.run(definition, { s: big });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
  });

  it('States.DataLimitExceeded is terminal: States.ALL does not catch it (task input over the quota after Parameters)', async () => {
    const fn = failing([]);
    const h = engineForTest({ Fn: fn.handler });
    const definition = taskMachine('Fn', {
      Parameters: { 'a.$': '$.s', 'b.$': '$.s' },
      Retry: [{ ErrorEquals: ['States.ALL'] }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'fallback' }],
      End: true,
    }, { fallback: pass('caught') });

    const result = await h.run(definition, { s: 'x'.repeat(200 * 1024) });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(fn.calls).toHaveLength(0);
  });

  it('States.IntrinsicFailure: an intrinsic function that fails in a payload template can be caught by name', async () => {
    const fn = failing([]);
    const h = engineForTest({ Fn: fn.handler });
    const definition = taskMachine('Fn', {
      Parameters: { 'parsed.$': 'States.StringToJson($.text)' },
      Catch: [{ ErrorEquals: ['States.IntrinsicFailure'], Next: 'fallback' }],
      End: true,
    }, { fallback: passThrough });

    const result = await h.run(definition, { text: 'not json' });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ Error: 'States.IntrinsicFailure' });
    expect(fn.calls).toHaveLength(0);
  });

  it('a failed Parallel branch fails the Parallel state; its Catch sees the branch error name', async () => {
    const h = engineForTest();
    const definition = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Ok', States: { Ok: passThrough } },
            { StartAt: 'Fail', States: { Fail: { Type: 'Fail', Error: 'BranchError', Cause: 'branch two failed' } } },
          ],
          Catch: [{ ErrorEquals: ['BranchError'], Next: 'fallback' }],
          End: true,
        },
        fallback: passThrough,
      },
    };

    const result = await h.run(definition, {});

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ Error: 'BranchError', Cause: 'branch two failed' });
  });
});

describe('Execution TimeoutSeconds', () => {
  it('an execution running longer than TimeoutSeconds ends TIMED_OUT with an ExecutionTimedOut event', async () => {
    const h = engineForTest();
    const executionArn = h.start({ TimeoutSeconds: 5, StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 60, End: true } } });
    await untilEvent(h, executionArn, 'WaitStateEntered');

    const result = await passDeadline(h, executionArn, 5);

    expect(result.status).toBe('TIMED_OUT');
    expect(result.events).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
    expect(result.history.at(-1)!.executionTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });
    expect(h.engine.describeExecution({ executionArn }).error).toBe('States.Timeout');
  });
});
