// The vitest side of the engine helpers. Kept apart from engine.ts, which the benchmark
// loads outside vitest.
import { expect, onTestFinished } from 'vitest';
import type { EngineOptions } from '../../infra/local/stepfunctions/engine.js';
import type { LambdaHandler } from '../../infra/local/stepfunctions/integrations/lambda.js';
import { sleep, statusOf, testEngine, type RunResult, type TestEngine } from './engine.js';
import { untilEvent } from './history.js';

/**
 * A testEngine that is closed when the current test ends. Its clock is movable (so tests can
 * move it past Waits and timeouts) unless `options` say otherwise.
 */
export function engineForTest(functions: Record<string, LambdaHandler> = {}, options: EngineOptions = { movableClock: true }): TestEngine {
  const t = testEngine(functions, options);
  onTestFinished(() => t.close());
  return t;
}

/**
 * Moves the engine clock to `margin` seconds short of `seconds` from now, checks that the
 * execution is still running, then moves it past them and returns the finished execution.
 */
export async function passDeadline(t: TestEngine, executionArn: string, seconds: number, margin = 1): Promise<RunResult> {
  t.engine.advanceClock(seconds - margin);
  await sleep(50);
  expect(statusOf(t, executionArn)).toBe('RUNNING');
  t.engine.advanceClock(margin + 1);
  return t.finished(executionArn);
}

/**
 * Starts `definition` on an engine with a movable clock and waits for its first `waitingAt`
 * event; checks that it is still running after a pause; then passes a deadline `seconds` ahead
 * (still running 10 seconds before it) and returns the finished execution.
 */
export async function runThroughWait(t: TestEngine, definition: object, input: unknown, seconds: number, waitingAt = 'WaitStateEntered'): Promise<RunResult> {
  const arn = t.start(definition, input);
  await untilEvent(t, arn, waitingAt);
  await sleep(100);
  expect(statusOf(t, arn)).toBe('RUNNING');
  return passDeadline(t, arn, seconds, 10);
}
