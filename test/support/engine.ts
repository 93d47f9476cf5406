import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine, type EngineOptions } from '../../infra/local/stepfunctions/engine.js';
import { LambdaRegistry, type LambdaHandler } from '../../infra/local/stepfunctions/integrations/lambda.js';

export const ROLE = 'arn:aws:iam::123456789012:role/test';
export const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

type MachineType = 'STANDARD' | 'EXPRESS';

export interface RunResult {
  status: string;
  output?: unknown;
  error?: string;
  cause?: string;
  /** History event types, in order. */
  events: string[];
  history: Record<string, any>[];
  executionArn: string;
}

/** An in-process engine with registered functions; durable when `dataDir` is given. */
export function testEngine(functions: Record<string, LambdaHandler> = {}, options: EngineOptions = {}) {
  const lambda = new LambdaRegistry();
  for (const [name, handler] of Object.entries(functions)) lambda.register(name, handler);
  const engine = new Engine({ lambda, ...options }).start();
  let n = 0;

  /** Creates a state machine (named, or a fresh name) and returns its ARN. */
  function createMachine(definition: object, name = `m${++n}`, type: MachineType = 'STANDARD'): string {
    return engine.createStateMachine({ name, definition: JSON.stringify(definition), roleArn: ROLE, type }).stateMachineArn;
  }

  /** Creates a machine from a definition and starts it with `input`, without waiting; returns the execution ARN. */
  function start(definition: object, input: unknown = {}, type: MachineType = 'STANDARD'): string {
    const stateMachineArn = createMachine(definition, undefined, type);
    return engine.startExecution({ stateMachineArn, input: JSON.stringify(input) }).executionArn;
  }

  /** Creates a machine from a definition, runs it with `input`, and waits for the end. */
  async function run(definition: object, input: unknown = {}, type: MachineType = 'STANDARD'): Promise<RunResult> {
    return finished(start(definition, input, type));
  }

  async function finished(executionArn: string): Promise<RunResult> {
    const done = await engine.awaitExecution(executionArn, new AbortController().signal);
    const history = engine.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
    return {
      status: done.status,
      output: done.output === undefined ? undefined : JSON.parse(done.output),
      error: done.error,
      cause: done.cause,
      events: history.map((e) => e.type),
      history,
      executionArn,
    };
  }

  return { engine, lambda, createMachine, start, run, finished, close: () => engine.close() };
}

export type TestEngine = ReturnType<typeof testEngine>;

export function tempDir(prefix = 'nuanliu-sfn-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => T | undefined, ms = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves after `ms` milliseconds of real time. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The execution's current status (RUNNING, SUCCEEDED, ...). */
export const statusOf = (t: TestEngine, executionArn: string) => t.engine.describeExecution({ executionArn }).status;

/** An RFC3339 timestamp `seconds` after the engine's current time, without fractions. */
export const engineTimeIn = (t: TestEngine, seconds: number) => new Date(t.engine.clock.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Runs with a movable clock pushed forward until the execution ends (Wait, Retry intervals). */
export async function runAdvancingClock(t: TestEngine, definition: object, input: unknown = {}): Promise<RunResult> {
  let done = false;
  const result = t.run(definition, input).finally(() => (done = true));
  while (!done) {
    t.engine.advanceClock(60);
    await sleep(5);
  }
  return result;
}
