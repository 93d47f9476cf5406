// Conformance: Parallel, inline Map and Distributed Map, as the AWS Step Functions
// Developer Guide documents them ("Parallel workflow state", "Map state in Inline mode",
// "Map state in Distributed mode", "ItemBatcher (Map)", "Setting failure thresholds for
// Distributed Map states"). Event sequences follow GetExecutionHistory as AWS records it.
import { describe, expect, it } from 'vitest';
import type { LambdaHandler } from '../../infra/local/stepfunctions/integrations/lambda.js';
import { fnArn, runAdvancingClock, sleep, type RunResult, type TestEngine } from '../support/engine.js';
import { engineForTest } from '../support/harness.js';
import { count, detailsOf } from '../support/history.js';

// ---------------------------------------------------------------------------------------
// Helpers

/** A registered async function that records how many calls run at once. */
function inFlight(delayMs = 40, result: (event: any) => unknown = (event) => event) {
  const counter = { now: 0, peak: 0, calls: 0 };
  const handler: LambdaHandler = async (event) => {
    counter.calls++;
    counter.now++;
    counter.peak = Math.max(counter.peak, counter.now);
    await sleep(delayMs);
    counter.now--;
    return result(event);
  };
  return { counter, handler };
}

const task = (name: string, next?: string) => ({ Type: 'Task', Resource: fnArn(name), ...(next ? { Next: next } : { End: true }) });
const pass = (extra: object = {}) => ({ Type: 'Pass', End: true, ...extra });
const machine = (StartAt: string, States: object) => ({ StartAt, States });

/** A machine that starts with a Parallel state, P, running `Branches`; `fields` adds Parallel fields (P ends the machine unless they give Next), `states` more states. */
const parallel = (Branches: object[], fields: Record<string, unknown> = {}, states: object = {}) => ({
  StartAt: 'P',
  States: { P: { Type: 'Parallel', Branches, ...('Next' in fields ? {} : { End: true }), ...fields }, ...states },
});

/** A machine of one inline Map state, M, whose iterations run `States` from `StartAt`; `extra` adds Map fields. */
const inlineMap = (States: object, StartAt: string, extra: object = {}) => ({
  StartAt: 'M',
  States: { M: { Type: 'Map', ...extra, ItemProcessor: { StartAt, States }, End: true } },
});

/**
 * Concurrent branches and iterations interleave their events in no documented order:
 * the events must be `head`, then `middle` in any order, then `tail`.
 */
function expectEvents(events: string[], head: string[], middle: string[], tail: string[]) {
  expect(events.slice(0, head.length)).toEqual(head);
  expect(events.slice(events.length - tail.length)).toEqual(tail);
  expect(events.slice(head.length, events.length - tail.length).sort()).toEqual([...middle].sort());
}

// ---------------------------------------------------------------------------------------

describe('Parallel state', () => {
  // "Parallel State Input and Output Processing": the FunWithMath example.
  it('gives each branch a copy of the input and outputs an array of the branch outputs in branch order', async () => {
    const t = engineForTest({
      Add: async ([a, b]: number[]) => {
        await sleep(30); // the first branch finishes last
        return a + b;
      },
      Subtract: ([a, b]: number[]) => a - b,
    });
    const r = await t.run(
      {
        Comment: 'Parallel Example.',
        StartAt: 'FunWithMath',
        States: {
          FunWithMath: {
            Type: 'Parallel',
            End: true,
            Branches: [machine('Add', { Add: task('Add') }), machine('Subtract', { Subtract: task('Subtract') })],
          },
        },
      },
      [3, 2],
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([5, 1]);
    const branch = ['TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited'];
    expectEvents(
      r.events,
      ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted'],
      [...branch, ...branch],
      ['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded'],
    );
    expect(detailsOf(r.history, 'TaskStateEntered').map((d) => [d.name, JSON.parse(d.input)]).sort()).toEqual([
      ['Add', [3, 2]],
      ['Subtract', [3, 2]],
    ]);
  });

  it('keeps branch order for many branches regardless of which finishes first', async () => {
    const t = engineForTest({ delay: async (e: { ms: number; id: number }) => (await sleep(e.ms), e.id) });
    const branches = [50, 10, 30, 0].map((ms, id) =>
      machine(`B${id}`, { [`B${id}`]: { Type: 'Task', Resource: fnArn('delay'), Parameters: { ms, id }, End: true } }),
    );
    const r = await t.run(parallel(branches));
    expect(r.output).toEqual([0, 1, 2, 3]);
  });

  it('applies ResultSelector and then ResultPath to the array of branch outputs', async () => {
    const t = engineForTest();
    const r = await t.run(
      parallel([machine('A', { A: pass({ Result: { address: '1 Main St' } }) }), machine('B', { B: pass({ Result: { phone: '555-0100' } }) })], {
        ResultSelector: { 'address.$': '$[0].address', 'phone.$': '$[1].phone' },
        ResultPath: '$.customer',
      }),
      { id: 7 },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ id: 7, customer: { address: '1 Main St', phone: '555-0100' } });
  });

  it('passes InputPath and Parameters output to every branch', async () => {
    const t = engineForTest();
    const r = await t.run(
      parallel([machine('A', { A: pass() }), machine('B', { B: pass({ OutputPath: '$.orderId' }) })], {
        InputPath: '$.order',
        Parameters: { 'orderId.$': '$.id', 'execution.$': '$$.Execution.Name' },
      }),
      { order: { id: 'o-1' } },
    );
    const name = r.executionArn.split(':').pop();
    expect(r.output).toEqual([{ orderId: 'o-1', execution: name }, 'o-1']);
  });

  // "Error Handling": if any branch fails, the entire Parallel state fails and all its branches are stopped.
  it("fails with the failing branch's error and stops the other branches", async () => {
    const after: unknown[] = [];
    const t = engineForTest({
      slow: async (e: unknown) => (await sleep(150), e),
      after: (e: unknown) => (after.push(e), e),
    });
    const r = await t.run(
      parallel(
        [
          machine('Slow', { Slow: task('slow', 'After'), After: task('after') }),
          machine('Boom', { Boom: { Type: 'Fail', Error: 'BranchFailed', Cause: 'the second branch failed' } }),
        ],
        { Next: 'Done' },
        { Done: pass() },
      ),
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('BranchFailed');
    expect(r.cause).toBe('the second branch failed');
    expect(r.events).toContain('ParallelStateFailed');
    expect(r.events).not.toContain('ParallelStateExited');
    expect(r.events.at(-1)).toBe('ExecutionFailed');
    expect(r.events.indexOf('FailStateEntered')).toBeLessThan(r.events.indexOf('ParallelStateFailed'));
    // The slow branch's running call is not waited for, and its next state never runs.
    await sleep(250);
    expect(after).toEqual([]);
    const entered = detailsOf(r.history, 'TaskStateEntered').map((d) => d.name);
    expect(entered).toEqual(['Slow']);
    expect(t.engine.getExecutionHistory({ executionArn: r.executionArn }).events.map((e) => e.type)).toEqual(r.events);
  });

  it('runs a Catch on the Parallel state (ParallelStateFailed, then ParallelStateExited)', async () => {
    const t = engineForTest();
    const r = await t.run({
      StartAt: 'ParallelState',
      States: {
        ParallelState: {
          Type: 'Parallel',
          Branches: [machine('Branch1', { Branch1: { Type: 'Fail', Error: 'FailureType', Cause: 'Cause description' } })],
          Catch: [{ ErrorEquals: ['FailureType'], Next: 'FinalCaught' }],
          Next: 'Final',
        },
        FinalCaught: pass(),
        Final: pass(),
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ Error: 'FailureType', Cause: 'Cause description' });
    expect(r.events).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ParallelStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('places the caught error with the catcher ResultPath', async () => {
    const t = engineForTest();
    const r = await t.run(
      parallel(
        [machine('A', { A: pass() }), machine('B', { B: { Type: 'Fail', Error: 'Oops', Cause: 'bad' } })],
        { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handled' }] },
        { Handled: pass() },
      ),
      { keep: true },
    );
    expect(r.output).toEqual({ keep: true, error: { Error: 'Oops', Cause: 'bad' } });
  });

  it('retries the whole Parallel state: every attempt starts again, one ParallelStateFailed at the end', async () => {
    const t = engineForTest();
    const r = await runAdvancingClock(t, {
      StartAt: 'ParallelState',
      States: {
        ParallelState: {
          Type: 'Parallel',
          Branches: [machine('Branch1', { Branch1: { Type: 'Fail', Error: 'FailureType', Cause: 'Cause description' } })],
          Retry: [{ ErrorEquals: ['FailureType'], MaxAttempts: 2 }],
          Next: 'Final',
        },
        Final: pass(),
      },
    });
    expect(r.status).toBe('FAILED');
    expect([r.error, r.cause]).toEqual(['FailureType', 'Cause description']);
    expect(r.events).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateStarted',
      'FailStateEntered',
      'ParallelStateFailed',
      'ExecutionFailed',
    ]);
  });

  it('re-runs all branches, the succeeded ones too, when a retry succeeds', async () => {
    let flakyCalls = 0;
    const steady = inFlight(0);
    const t = engineForTest({
      steady: steady.handler,
      flaky: () => {
        if (++flakyCalls === 1) throw Object.assign(new Error('try again'), { name: 'Flaky' });
        return 'ok';
      },
    });
    const r = await runAdvancingClock(
      t,
      parallel([machine('Steady', { Steady: task('steady') }), machine('Flaky', { Flaky: task('flaky') })], {
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, MaxAttempts: 3 }],
      }),
      { n: 1 },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([{ n: 1 }, 'ok']);
    expect(steady.counter.calls).toBe(2);
    expect(flakyCalls).toBe(2);
    expect(count(r.events, 'ParallelStateStarted')).toBe(2);
    expect(r.events).not.toContain('ParallelStateFailed');
    expect(r.events.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
  });
});

// ---------------------------------------------------------------------------------------

describe('Map state, inline mode', () => {
  // "Map state in Inline mode": the shipping example with InputPath, ItemsPath and ItemSelector.
  const shipment = {
    'ship-date': '2016-03-14T01:59:00Z',
    detail: {
      'delivery-partner': 'UQS',
      shipped: [
        { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
        { prod: 'S39', 'dest-code': 9511, quantity: 40 },
        { prod: 'R31', 'dest-code': 9833, quantity: 12 },
        { prod: 'R40', 'dest-code': 9860, quantity: 887 },
        { prod: 'R40', 'dest-code': 9511, quantity: 1220 },
      ],
    },
  };

  it('iterates the array at ItemsPath, building each input with ItemSelector', async () => {
    const t = engineForTest({ ship: (e: { parcel: { prod: string }; courier: string }) => `${e.parcel.prod} via ${e.courier}` });
    const r = await t.run(
      {
        StartAt: 'Validate-All',
        States: {
          'Validate-All': {
            Type: 'Map',
            InputPath: '$.detail',
            ItemsPath: '$.shipped',
            MaxConcurrency: 0,
            ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'courier.$': '$.delivery-partner' },
            ItemProcessor: { StartAt: 'Validate', States: { Validate: task('ship') } },
            ResultPath: '$.detail.shipped',
            End: true,
          },
        },
      },
      shipment,
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({
      ...shipment,
      detail: { ...shipment.detail, shipped: ['R31 via UQS', 'S39 via UQS', 'R31 via UQS', 'R40 via UQS', 'R40 via UQS'] },
    });
  });

  // "Context object": $$.Map.Item.Index and $$.Map.Item.Value inside ItemSelector.
  it('exposes $$.Map.Item.Index and $$.Map.Item.Value to ItemSelector', async () => {
    const t = engineForTest();
    const r = await t.run(
      {
        StartAt: 'ExampleMapState',
        States: {
          ExampleMapState: {
            Type: 'Map',
            ItemSelector: { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value' },
            ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'TestPass', States: { TestPass: pass() } },
            End: true,
          },
        },
      },
      [{ who: 'bob' }, { who: 'meg' }, { who: 'joe' }],
    );
    expect(r.output).toEqual([
      { ContextIndex: 0, ContextValue: { who: 'bob' } },
      { ContextIndex: 1, ContextValue: { who: 'meg' } },
      { ContextIndex: 2, ContextValue: { who: 'joe' } },
    ]);
  });

  it('accepts the legacy Iterator and Parameters fields', async () => {
    const t = engineForTest();
    const r = await t.run(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemsPath: '$.items',
            Parameters: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'tag.$': '$.tag' },
            Iterator: { StartAt: 'P', States: { P: pass() } },
            End: true,
          },
        },
      },
      { items: ['a', 'b'], tag: 'x' },
    );
    expect(r.output).toEqual([
      { index: 0, value: 'a', tag: 'x' },
      { index: 1, value: 'b', tag: 'x' },
    ]);
  });

  it('returns the results in item order, not in completion order', async () => {
    const t = engineForTest({ delay: async (ms: number) => (await sleep(ms), ms) });
    const r = await t.run(inlineMap({ T: task('delay') }, 'T'), [60, 0, 40, 20]);
    expect(r.output).toEqual([60, 0, 40, 20]);
  });

  it('runs at most MaxConcurrency iterations at once', async () => {
    const { counter, handler } = inFlight();
    const t = engineForTest({ work: handler });
    const r = await t.run(inlineMap({ T: task('work') }, 'T', { MaxConcurrency: 2 }), [1, 2, 3, 4, 5, 6]);
    expect(r.output).toEqual([1, 2, 3, 4, 5, 6]);
    expect(counter.calls).toBe(6);
    expect(counter.peak).toBe(2);
  });

  it('runs iterations concurrently when MaxConcurrency is 0 (no limit)', async () => {
    const { counter, handler } = inFlight();
    const t = engineForTest({ work: handler });
    const r = await t.run(inlineMap({ T: task('work') }, 'T', { MaxConcurrency: 0 }), [1, 2, 3, 4, 5, 6]);
    expect(r.output).toEqual([1, 2, 3, 4, 5, 6]);
    expect(counter.peak).toBeGreaterThan(2);
  });

  it('outputs an empty array for an empty item array (MapStateStarted length 0)', async () => {
    const t = engineForTest();
    const r = await t.run(inlineMap({ P: pass() }, 'P'), []);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([]);
    expect(r.events).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
    expect(detailsOf(r.history, 'MapStateStarted')).toEqual([{ length: 0 }]);
  });

  it('records MapStateStarted (length) and MapIterationStarted/Succeeded (name, index) for each item', async () => {
    const t = engineForTest();
    const r = await t.run(
      {
        StartAt: 'MapState',
        States: {
          MapState: { Type: 'Map', MaxConcurrency: 1, ItemProcessor: { StartAt: 'Pass', States: { Pass: pass() } }, End: true },
        },
      },
      ['Hello', 'World'],
    );
    expect(r.output).toEqual(['Hello', 'World']);
    const iteration = ['MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded'];
    expect(r.events).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', ...iteration, ...iteration, 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(r.history, 'MapStateStarted')).toEqual([{ length: 2 }]);
    expect(detailsOf(r.history, 'MapIterationStarted')).toEqual([
      { name: 'MapState', index: 0 },
      { name: 'MapState', index: 1 },
    ]);
    expect(detailsOf(r.history, 'MapIterationSucceeded')).toEqual([
      { name: 'MapState', index: 0 },
      { name: 'MapState', index: 1 },
    ]);
  });

  it('fails the Map when an iteration fails (MapIterationFailed, MapStateFailed)', async () => {
    const t = engineForTest();
    const r = await t.run({
      StartAt: 'StartState',
      States: {
        StartState: { Type: 'Pass', Result: [1, 'Hello', {}, 3.3, 3, 4, 5], ResultPath: '$.arr', Next: 'MapState' },
        MapState: {
          Type: 'Map',
          ResultPath: null,
          InputPath: '$.arr',
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Equals3',
            States: {
              Equals3: {
                Type: 'Choice',
                Choices: [
                  {
                    And: [
                      { IsPresent: true, Variable: '$' },
                      { And: [{ IsNumeric: true, Variable: '$' }, { NumericEquals: 3, Variable: '$' }] },
                    ],
                    Next: 'Break',
                  },
                ],
                Default: 'Pass',
              },
              Break: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." },
              Pass: pass(),
            },
          },
          Next: 'Final',
        },
        Final: pass(),
      },
    });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('SomeFailure');
    expect(r.cause).toBe("This state machines raises a 'SomeFailure' failure.");
    const ok = ['MapIterationStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded'];
    expect(r.events).toEqual([
      'ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'MapStateEntered', 'MapStateStarted',
      ...ok, ...ok, ...ok, ...ok,
      'MapIterationStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'FailStateEntered', 'MapIterationFailed',
      'MapStateFailed', 'ExecutionFailed',
    ]);
    expect(detailsOf(r.history, 'MapIterationFailed')).toEqual([{ name: 'MapState', index: 4 }]);
  });

  it('runs a Catch on the Map state (MapStateFailed, then MapStateExited)', async () => {
    const t = engineForTest();
    const r = await t.run({
      StartAt: 'MapState',
      States: {
        MapState: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'HandleItemFail', States: { HandleItemFail: { Type: 'Fail', Error: 'HandleItemFailError', Cause: 'HandleItemFailCause' } } },
          Catch: [{ ErrorEquals: ['HandleItemFailError'], Next: 'FinalCaught' }],
          Next: 'Final',
        },
        FinalCaught: pass(),
        Final: pass(),
      },
    }, [1]);
    expect(r.output).toEqual({ Error: 'HandleItemFailError', Cause: 'HandleItemFailCause' });
    expect(r.events).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'FailStateEntered', 'MapIterationFailed',
      'MapStateFailed', 'MapStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('retries the whole Map: MapStateStarted on every attempt, one MapStateFailed at the end', async () => {
    const t = engineForTest();
    const r = await runAdvancingClock(t, {
      StartAt: 'MapState',
      States: {
        MapState: {
          Type: 'Map',
          MaxConcurrency: 1,
          ItemProcessor: { StartAt: 'HandleItemFail', States: { HandleItemFail: { Type: 'Fail', Error: 'HandleItemFailError', Cause: 'HandleItemFailCause' } } },
          Retry: [{ ErrorEquals: ['HandleItemFailError'], MaxAttempts: 2 }],
          Next: 'Final',
        },
        Final: pass(),
      },
    }, [1]);
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'HandleItemFailError', 'HandleItemFailCause']);
    const attempt = ['MapStateStarted', 'MapIterationStarted', 'FailStateEntered', 'MapIterationFailed'];
    expect(r.events).toEqual(['ExecutionStarted', 'MapStateEntered', ...attempt, ...attempt, ...attempt, 'MapStateFailed', 'ExecutionFailed']);
  });

  it('fails with States.Runtime when ItemsPath does not select an array', async () => {
    const t = engineForTest();
    const r = await t.run(inlineMap({ P: pass() }, 'P', { ItemsPath: '$.items' }), { items: { not: 'an array' } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });
});

// ---------------------------------------------------------------------------------------

describe('Map state, distributed mode', () => {
  const distributed = (States: object, StartAt: string, executionType: 'STANDARD' | 'EXPRESS' = 'STANDARD', extra: object = {}) => ({
    StartAt: 'Dist',
    States: {
      Dist: {
        Type: 'Map',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType }, StartAt, States },
        End: true,
        ...extra,
      },
    },
  });

  function mapRunOf(t: TestEngine, r: RunResult) {
    const { mapRuns } = t.engine.listMapRuns({ executionArn: r.executionArn });
    expect(mapRuns).toHaveLength(1);
    const mapRunArn = mapRuns[0].mapRunArn;
    const children = t.engine.listExecutions({ mapRunArn, maxResults: 100 }).executions;
    return { mapRunArn, children, described: t.engine.describeMapRun({ mapRunArn }) };
  }

  const childInputs = (t: TestEngine, children: { executionArn: string }[]) =>
    children.map((c) => JSON.parse(t.engine.describeExecution({ executionArn: c.executionArn }).input)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('runs each item as a child workflow execution with its own history (STANDARD)', async () => {
    const t = engineForTest({ double: (n: number) => n * 2 });
    const r = await t.run(distributed({ Double: task('double') }, 'Double'), [1, 2, 3]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([2, 4, 6]);
    // The parent records the Map Run, not the children's events.
    expect(r.events).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(r.history, 'MapStateStarted')).toEqual([{ length: 3 }]);

    const { mapRunArn, children, described } = mapRunOf(t, r);
    expect(detailsOf(r.history, 'MapRunStarted')).toEqual([{ mapRunArn }]);
    expect(mapRunArn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:m\d+\/[^:]+:[0-9a-f-]+$/);
    expect(children).toHaveLength(3);
    expect(children.every((c) => c.status === 'SUCCEEDED' && c.mapRunArn === mapRunArn)).toBe(true);
    expect(childInputs(t, children)).toEqual([1, 2, 3]);
    expect(described).toMatchObject({
      mapRunArn,
      executionArn: r.executionArn,
      status: 'SUCCEEDED',
      itemCounts: { total: 3, succeeded: 3, failed: 0, running: 0, pending: 0 },
      executionCounts: { total: 3, succeeded: 3, failed: 0, running: 0, pending: 0 },
    });
    const childHistory = t.engine.getExecutionHistory({ executionArn: children[0].executionArn }).events.map((e) => e.type);
    expect(childHistory).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    // Child executions belong to the Map Run, not to the parent's state machine listing.
    const parentMachine = t.engine.describeExecution({ executionArn: r.executionArn }).stateMachineArn;
    expect(t.engine.listExecutions({ stateMachineArn: parentMachine }).executions.map((x) => x.executionArn)).toEqual([r.executionArn]);
  });

  it('runs EXPRESS child workflow executions', async () => {
    const t = engineForTest({ double: (n: number) => n * 2 });
    const r = await t.run(distributed({ Double: task('double') }, 'Double', 'EXPRESS'), [5, 6]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual([10, 12]);
    const { described, children } = mapRunOf(t, r);
    expect(described.executionCounts).toMatchObject({ total: 2, succeeded: 2 });
    expect(children.every((c) => c.executionArn.includes(':express:'))).toBe(true);
  });

  it('applies ItemSelector with $$.Map.Item to each child input', async () => {
    const t = engineForTest();
    const r = await t.run(
      distributed({ P: pass() }, 'P', 'STANDARD', { ItemsPath: '$.list', ItemSelector: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value', 'tag.$': '$.tag' } }),
      { list: ['a', 'b'], tag: 't' },
    );
    expect(r.output).toEqual([
      { i: 0, v: 'a', tag: 't' },
      { i: 1, v: 'b', tag: 't' },
    ]);
  });

  it('uses the Label in the Map Run ARN', async () => {
    const t = engineForTest();
    const r = await t.run(distributed({ P: pass() }, 'P', 'STANDARD', { Label: 'demoLabel' }), [1]);
    const { mapRunArn, children } = mapRunOf(t, r);
    expect(mapRunArn).toMatch(/:mapRun:m\d+\/demoLabel:[0-9a-f-]+$/);
    expect(children[0].stateMachineArn).toMatch(/:stateMachine:m\d+\/demoLabel$/);
  });

  it('runs at most MaxConcurrency child executions at once', async () => {
    const { counter, handler } = inFlight();
    const t = engineForTest({ work: handler });
    const r = await t.run(distributed({ T: task('work') }, 'T', 'STANDARD', { MaxConcurrency: 2 }), [1, 2, 3, 4, 5]);
    expect(r.output).toEqual([1, 2, 3, 4, 5]);
    expect(counter.peak).toBe(2);
    expect(mapRunOf(t, r).described.maxConcurrency).toBe(2);
  });

  describe('ItemBatcher', () => {
    // "ItemBatcher (Map)": the fact-check example data.
    const statements = [
      { verdict: 'true', statement_date: '6/11/2008', statement_source: 'speech' },
      { verdict: 'false', statement_date: '6/7/2022', statement_source: 'television' },
      { verdict: 'true', statement_date: '5/18/2016', statement_source: 'news' },
    ];

    it('passes batches of at most MaxItemsPerBatch items as { Items: [...] }', async () => {
      const t = engineForTest();
      const r = await t.run(distributed({ P: pass() }, 'P', 'STANDARD', { ItemBatcher: { MaxItemsPerBatch: 2 } }), statements);
      expect(r.status).toBe('SUCCEEDED');
      expect(r.output).toEqual([{ Items: statements.slice(0, 2) }, { Items: statements.slice(2) }]);
      const { children, described } = mapRunOf(t, r);
      expect(children).toHaveLength(2);
      expect(described.executionCounts).toMatchObject({ total: 2, succeeded: 2 });
    });

    it('adds BatchInput to every batch under the BatchInput key', async () => {
      const t = engineForTest();
      const r = await t.run(
        distributed({ P: pass() }, 'P', 'STANDARD', { ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { factCheck: 'December 2022', 'source.$': '$.src' } }, ItemsPath: '$.items' }),
        { items: statements, src: 'doc' },
      );
      expect(r.output).toEqual([
        { BatchInput: { factCheck: 'December 2022', source: 'doc' }, Items: statements.slice(0, 2) },
        { BatchInput: { factCheck: 'December 2022', source: 'doc' }, Items: statements.slice(2) },
      ]);
    });

    it('applies ItemSelector to each item before batching', async () => {
      const t = engineForTest();
      const r = await t.run(
        distributed({ P: pass() }, 'P', 'STANDARD', { ItemBatcher: { MaxItemsPerBatch: 2 }, ItemSelector: { 'n.$': '$$.Map.Item.Index', 'source.$': '$$.Map.Item.Value.statement_source' } }),
        statements,
      );
      expect(r.output).toEqual([{ Items: [{ n: 0, source: 'speech' }, { n: 1, source: 'television' }] }, { Items: [{ n: 2, source: 'news' }] }]);
    });

    it('keeps each batch within MaxInputBytesPerBatch', async () => {
      const t = engineForTest();
      const items = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(100)); // 102 bytes of JSON each
      const r = await t.run(distributed({ P: pass() }, 'P', 'STANDARD', { ItemBatcher: { MaxInputBytesPerBatch: 250 } }), items);
      expect(r.status).toBe('SUCCEEDED');
      expect(r.output).toEqual([{ Items: items.slice(0, 2) }, { Items: items.slice(2, 4) }, { Items: items.slice(4) }]);
    });

    it('honours the smaller of MaxItemsPerBatch and MaxInputBytesPerBatch', async () => {
      const t = engineForTest();
      const r = await t.run(
        distributed({ P: pass() }, 'P', 'STANDARD', { ItemBatcher: { MaxItemsPerBatch: 3, MaxInputBytesPerBatchPath: '$.bytes' }, ItemsPath: '$.items' }),
        { items: [1, 2, 3, 4, 5, 6, 7], bytes: 262144 },
      );
      expect(r.output).toEqual([{ Items: [1, 2, 3] }, { Items: [4, 5, 6] }, { Items: [7] }]);
    });
  });

  describe('tolerated failure threshold', () => {
    // Items whose value is "fail" make the child execution fail.
    const failOnFlag = (extra: object) =>
      distributed(
        {
          Check: { Type: 'Choice', Choices: [{ Variable: '$', StringEquals: 'fail', Next: 'Fail' }], Default: 'Ok' },
          Fail: { Type: 'Fail', Error: 'ItemFailed', Cause: 'bad item' },
          Ok: pass(),
        },
        'Check',
        'STANDARD',
        extra,
      );

    it('fails the Map Run on any failure by default (tolerates zero)', async () => {
      const t = engineForTest();
      const r = await t.run(failOnFlag({}), ['ok', 'fail', 'ok']);
      expect(r.status).toBe('FAILED');
      expect(r.error).toBe('States.ExceedToleratedFailureThreshold');
      expect(r.events).toEqual([
        'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed',
      ]);
      expect(detailsOf(r.history, 'MapRunFailed')[0].error).toBe('States.ExceedToleratedFailureThreshold');
      expect(mapRunOf(t, r).described.status).toBe('FAILED');
    });

    it('succeeds when failures stay within ToleratedFailureCount', async () => {
      const t = engineForTest();
      const r = await t.run(failOnFlag({ ToleratedFailureCount: 1, MaxConcurrency: 1 }), ['ok', 'fail', 'ok', 'ok']);
      expect(r.status).toBe('SUCCEEDED');
      expect(r.events).toContain('MapRunSucceeded');
      const out = r.output as unknown[];
      expect([out[0], out[2], out[3]]).toEqual(['ok', 'ok', 'ok']);
      const { described } = mapRunOf(t, r);
      expect(described).toMatchObject({ status: 'SUCCEEDED', toleratedFailureCount: 1, executionCounts: { total: 4, succeeded: 3, failed: 1 } });
    });

    it('fails with States.ExceedToleratedFailureThreshold once failures exceed ToleratedFailureCount', async () => {
      const t = engineForTest();
      const r = await t.run(failOnFlag({ ToleratedFailureCount: 1 }), ['fail', 'ok', 'fail', 'ok']);
      expect(r.status).toBe('FAILED');
      expect(r.error).toBe('States.ExceedToleratedFailureThreshold');
      expect(r.events.slice(-4)).toEqual(['MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    });

    it('succeeds when the failed percentage equals ToleratedFailurePercentage', async () => {
      const t = engineForTest();
      const r = await t.run(failOnFlag({ ToleratedFailurePercentage: 25 }), ['ok', 'ok', 'fail', 'ok']);
      expect(r.status).toBe('SUCCEEDED');
      expect(mapRunOf(t, r).described).toMatchObject({ toleratedFailurePercentage: 25, executionCounts: { failed: 1, succeeded: 3 } });
    });

    it('fails when the failed percentage exceeds ToleratedFailurePercentage', async () => {
      const t = engineForTest();
      const r = await t.run(failOnFlag({ ToleratedFailurePercentage: 20 }), ['ok', 'ok', 'fail', 'ok']);
      expect(r.status).toBe('FAILED');
      expect(r.error).toBe('States.ExceedToleratedFailureThreshold');
    });

    it('never fails the Map Run at ToleratedFailurePercentage 100', async () => {
      const t = engineForTest();
      const r = await t.run(failOnFlag({ ToleratedFailurePercentage: 100 }), ['fail', 'fail']);
      expect(r.status).toBe('SUCCEEDED');
      expect(mapRunOf(t, r).described.executionCounts).toMatchObject({ failed: 2, succeeded: 0 });
    });

    it('fails when either threshold is exceeded if both are given', async () => {
      const t = engineForTest();
      // 2 of 10 fail: within 50 %, but over a count of 1.
      const items = ['fail', 'fail', ...Array(8).fill('ok')];
      const r = await t.run(failOnFlag({ ToleratedFailurePercentage: 50, ToleratedFailureCount: 1 }), items);
      expect(r.status).toBe('FAILED');
      expect(r.error).toBe('States.ExceedToleratedFailureThreshold');
    });

    it('reads the thresholds from ToleratedFailureCountPath / ToleratedFailurePercentagePath', async () => {
      const t = engineForTest();
      const byCount = await t.run(failOnFlag({ ItemsPath: '$.items', ToleratedFailureCountPath: '$.count' }), { items: ['fail', 'ok'], count: 1 });
      expect(byCount.status).toBe('SUCCEEDED');
      const byPercentage = await t.run(failOnFlag({ ItemsPath: '$.items', ToleratedFailurePercentagePath: '$.pct' }), { items: ['fail', 'ok'], pct: 10 });
      expect(byPercentage.error).toBe('States.ExceedToleratedFailureThreshold');
    });

    // The thresholds count failed items: a failed batch fails every item in it.
    it('counts every item of a failed batch against ToleratedFailureCount', async () => {
      const t = engineForTest();
      const batchFails = distributed(
        {
          Check: { Type: 'Choice', Choices: [{ Variable: '$.Items[0]', StringEquals: 'fail', Next: 'Fail' }], Default: 'Ok' },
          Fail: { Type: 'Fail', Error: 'BatchFailed' },
          Ok: pass(),
        },
        'Check',
        'STANDARD',
        { ItemBatcher: { MaxItemsPerBatch: 2 }, ToleratedFailureCount: 1 },
      );
      const r = await t.run(batchFails, ['fail', 'x', 'ok', 'ok']);
      expect(r.status).toBe('FAILED');
      expect(r.error).toBe('States.ExceedToleratedFailureThreshold');
      const within = await t.run({ ...batchFails, States: { Dist: { ...batchFails.States.Dist, ToleratedFailureCount: 2 } } }, ['fail', 'x', 'ok', 'ok']);
      expect(within.status).toBe('SUCCEEDED');
    });

    it('can be caught like any other error of the Map state', async () => {
      const t = engineForTest();
      const r = await t.run(
        {
          StartAt: 'Dist',
          States: {
            Dist: {
              ...failOnFlag({ ItemsPath: '$.items' }).States.Dist,
              End: undefined,
              Next: 'Done',
              Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], ResultPath: '$.error', Next: 'Recovered' }],
            },
            Done: pass(),
            Recovered: pass(),
          },
        },
        { items: ['fail'] },
      );
      expect(r.status).toBe('SUCCEEDED');
      expect((r.output as any).items).toEqual(['fail']);
      expect((r.output as any).error.Error).toBe('States.ExceedToleratedFailureThreshold');
      expect(r.events.slice(-6)).toEqual(['MapRunFailed', 'MapStateFailed', 'MapStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    });
  });
});
