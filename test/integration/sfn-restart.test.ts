import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, fnArn, tempDir, testEngine } from '../support/engine.js';
import { count } from '../support/history.js';

const approval = {
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fnArn('notify'), Payload: { 'token.$': '$$.Task.Token' } },
      HeartbeatSeconds: 3600, End: true,
    },
  },
};

describe('restart on the same data directory', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** Starts the approval machine on a durable engine with a movable clock, and waits until `notify` has the task token. */
  async function startApproval() {
    const dataDir = dir();
    const tokens: string[] = [];
    const first = testEngine({ notify: (e: { token: string }) => void tokens.push(e.token) }, { dataDir, movableClock: true });
    const { stateMachineArn } = first.engine.createStateMachine({ name: 'approval', definition: JSON.stringify(approval), roleArn: 'arn:aws:iam::123456789012:role/r' });
    const { executionArn } = first.engine.startExecution({ stateMachineArn, input: '{}' });
    await eventually(() => (tokens.length ? true : undefined));
    return { dataDir, first, executionArn, token: tokens[0] };
  }

  it('keeps a task token open across a graceful close, with its heartbeat deadline', async () => {
    const { dataDir, first, executionArn, token } = await startApproval();
    first.engine.sendTaskHeartbeat({ taskToken: token });
    first.close();

    const second = testEngine({ notify: () => undefined }, { dataDir, movableClock: true });
    second.engine.sendTaskSuccess({ taskToken: token, output: JSON.stringify({ approved: true }) });
    const result = await second.finished(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ approved: true });
    expect(count(result.events, 'TaskScheduled')).toBe(1);
    expect(() => second.engine.sendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    second.close();
  });

  it('fires a heartbeat timeout that fell due while the engine was down', async () => {
    const { dataDir, first, executionArn } = await startApproval();
    first.close();
    const second = testEngine({ notify: () => undefined }, { dataDir, movableClock: true });
    second.engine.advanceClock(3601);
    const result = await second.finished(executionArn);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.HeartbeatTimeout');
    expect(result.events.slice(-2)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
    second.close();
  });

  it('resumes a nested .sync:2 task without starting its child twice', async () => {
    const dataDir = dir();
    const tokens: string[] = [];
    const first = testEngine({ notify: (e: { token: string }) => void tokens.push(e.token) }, { dataDir });
    const child = first.engine.createStateMachine({ name: 'child', definition: JSON.stringify(approval), roleArn: 'arn:aws:iam::123456789012:role/r' });
    const parent = {
      StartAt: 'Nested',
      States: {
        Nested: {
          Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: child.stateMachineArn, Input: { 'case.$': '$.case' } },
          OutputPath: '$.Output', End: true,
        },
      },
    };
    const { stateMachineArn } = first.engine.createStateMachine({ name: 'parent', definition: JSON.stringify(parent), roleArn: 'arn:aws:iam::123456789012:role/r' });
    const { executionArn } = first.engine.startExecution({ stateMachineArn, input: JSON.stringify({ case: 'nested' }) });
    await eventually(() => (tokens.length ? true : undefined));
    // The child's answer is on disk, but the engine stops before either execution moves on.
    first.engine.sendTaskSuccess({ taskToken: tokens[0], output: JSON.stringify({ approved: true }) });
    first.close();

    const second = testEngine({ notify: () => undefined }, { dataDir });
    const result = await second.finished(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ approved: true });
    expect(second.engine.listExecutions({ stateMachineArn: child.stateMachineArn }).executions).toHaveLength(1);
    second.close();
  });

  it('compacts a long journal and keeps every execution and its history', async () => {
    const dataDir = dir();
    const loop = {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Enough' },
        Enough: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThanEquals: 50, Next: 'Done' }], Default: 'Count' },
        Done: { Type: 'Succeed' },
      },
    };
    const first = testEngine({}, { dataDir });
    const runs = await Promise.all(Array.from({ length: 20 }, () => first.run(loop, { n: 0 })));
    first.close();
    const journal = path.join(dataDir, 'stepfunctions.journal');
    const before = fs.statSync(journal).size;

    const second = testEngine({}, { dataDir });
    expect(fs.statSync(journal).size).toBeLessThan(before);
    for (const run of runs) {
      const again = await second.finished(run.executionArn);
      expect(again.status).toBe('SUCCEEDED');
      expect(again.output).toEqual({ n: 50 });
      expect(again.history).toEqual(run.history);
    }
    second.close();
  });
});
