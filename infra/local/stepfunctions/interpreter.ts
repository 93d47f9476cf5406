import { matchesChoiceRule } from './choice.js';
import { catchOutput, checkSize, effectiveInput, finishState, jsonataScope, numericField, pathScope, selectInput, selectOutput, type StateData, type StateDefinition, type StateOutcome } from './dataflow.js';
import { runtimeError, StatesError } from './errors.js';
import { Frame } from './frame.js';
import { evaluateJsonataField } from './jsonata.js';
import { evaluateIntrinsic } from './intrinsics.js';
import { readPath } from './paths.js';
import type { ThreadRecord } from './records.js';
import { findCatcher, findRetrier, retryDelayMs } from './retry.js';
import type { ExecutionRun } from './run.js';
import { runTask } from './task.js';
import { runMap, runParallel } from './branches.js';

/** The state type's prefix in history event names. */
const EVENT_PREFIX: Record<string, string> = {
  Task: 'TaskState', Pass: 'PassState', Choice: 'ChoiceState', Wait: 'WaitState',
  Succeed: 'SucceedState', Fail: 'FailState', Parallel: 'ParallelState', Map: 'MapState',
};

/** A running thread: its persisted position plus what only lives in memory. */
export interface Thread {
  run: ExecutionRun;
  rec: ThreadRecord;
  frame: Frame;
  signal: AbortSignal;
  /**
   * ParallelStateFailed / MapStateFailed, set when the branches or iterations failed. AWS
   * writes it only once the state has failed for good: not before a retry, but before a
   * Catch or the execution's failure.
   */
  failedEvent?: string;
}

/** What a state's body produces: its output, and the next state unless it ends the thread. */
interface Step extends StateOutcome {
  next?: string;
}

export function persist(thread: Thread): void {
  thread.rec.vars = Object.keys(thread.frame.own).length ? thread.frame.own : undefined;
  thread.run.store.putThread(thread.rec);
}

/**
 * Runs a thread from where its record stands until its states end. Returns the output,
 * throws a StatesError on failure, or the abort reason when cancelled.
 */
export async function runThread(thread: Thread): Promise<unknown> {
  const { run, rec } = thread;
  const scope = run.scope(rec.scope);
  for (;;) {
    thread.signal.throwIfAborted();
    const state = scope.States[rec.state];
    if (!state) throw runtimeError(`The state '${rec.state}' does not exist`);
    const data: StateData = { state, language: run.languageOf(scope, state), input: rec.input, context: run.context(rec), frame: thread.frame };
    if (!rec.entered) {
      rec.entered = true;
      rec.enteredTime = run.clock.now();
      rec.phase = 'state';
      data.context = run.context(rec);
      run.emit(rec, `${EVENT_PREFIX[state.Type]}Entered`, { stateEnteredEventDetails: { name: rec.state, input: checkSize(rec.input, 'state input'), inputDetails: { truncated: false } } });
      persist(thread);
    }
    const step = await stepWithRetries(thread, data);
    if (step.assigned) thread.frame.assign(step.assigned);
    const output = checkSize(step.output, 'state output');
    if (state.Type !== 'Fail') {
      const exited: Record<string, unknown> = { name: rec.state, output, outputDetails: { truncated: false } };
      if (step.assigned) {
        exited.assignedVariables = Object.fromEntries(Object.entries(step.assigned).map(([k, v]) => [k, JSON.stringify(v)]));
        exited.assignedVariablesDetails = { truncated: false };
      }
      run.emit(rec, `${EVENT_PREFIX[state.Type]}Exited`, { stateExitedEventDetails: exited });
    }
    if (step.next === undefined) return step.output;
    Object.assign(rec, { state: step.next, input: step.output, entered: false, phase: 'state', retries: undefined, due: undefined, token: undefined, taskStart: undefined, child: undefined });
    // The record is written when the next state is entered, with its StateEntered event.
  }
}

/** Runs a state's body, applying its Retry and Catch. */
async function stepWithRetries(thread: Thread, data: StateData): Promise<Step> {
  const { rec, run } = thread;
  for (;;) {
    if (rec.phase === 'retry' && rec.due !== undefined) {
      await run.clock.sleepUntil(rec.due, thread.signal);
      rec.phase = 'state';
      rec.due = undefined;
      data.context = run.context(rec);
    }
    try {
      return await stepState(thread, data);
    } catch (err) {
      const failedEvent = thread.failedEvent;
      thread.failedEvent = undefined;
      const error = asStatesError(err, thread.signal);
      const index = findRetrier(data.state.Retry, error);
      const retries = (rec.retries ??= []);
      const retrier = index >= 0 ? data.state.Retry[index] : undefined;
      if (retrier && (retries[index] ?? 0) < (retrier.MaxAttempts ?? 3)) {
        rec.due = run.clock.now() + retryDelayMs(retrier, retries[index] ?? 0);
        retries[index] = (retries[index] ?? 0) + 1;
        rec.phase = 'retry';
        rec.token = undefined;
        persist(thread);
        continue;
      }
      if (failedEvent) run.emit(rec, failedEvent);
      const catcher = findCatcher(data.state.Catch, error);
      if (!catcher) throw error;
      const outcome = await catchOutput(data, catcher, { Error: error.error, Cause: error.causeText });
      return { ...outcome, next: catcher.Next };
    }
  }
}

/** Anything thrown by a state becomes a StatesError, except cancellation, which passes through. */
export function asStatesError(err: unknown, signal: AbortSignal): StatesError {
  if (signal.aborted) throw signal.reason;
  if (err instanceof StatesError) return err;
  return new StatesError('States.Runtime', err instanceof Error ? err.message : String(err));
}

const transition = (state: StateDefinition, outcome: StateOutcome): Step => ({ ...outcome, next: state.End ? undefined : state.Next });

async function stepState(thread: Thread, d: StateData): Promise<Step> {
  const { state } = d;
  switch (state.Type) {
    case 'Pass':
      return transition(state, await pass(d));
    case 'Succeed':
      return { output: d.language === 'JSONata' ? (await finishState(d, undefined, false)).output : selectOutput(d, selectInput(d)) };
    case 'Fail':
      throw await failure(d);
    case 'Choice':
      return choose(d);
    case 'Wait':
      await wait(thread, d);
      return transition(state, await finishState(d, undefined, false));
    case 'Task':
      return transition(state, await finishState(d, await runTask(thread, d), true));
    case 'Parallel':
      return transition(state, await finishState(d, await runParallel(thread, d), true));
    case 'Map':
      return transition(state, await finishState(d, await runMap(thread, d), true));
    default:
      throw runtimeError(`Unknown state type '${state.Type}'`);
  }
}

async function pass(d: StateData): Promise<StateOutcome> {
  if (d.language === 'JSONata') return finishState(d, undefined, false);
  const result = d.state.Result !== undefined ? d.state.Result : await effectiveInput(d);
  return finishState(d, result, true);
}

async function failure(d: StateData): Promise<StatesError> {
  const { state } = d;
  const field = async (name: 'Error' | 'Cause') => {
    if (d.language === 'JSONata' && state[name] !== undefined) return String(await evaluateJsonataField(name, state[name], jsonataScope(d)));
    if (state[`${name}Path`] !== undefined) {
      // A reference path, or an intrinsic function that returns a string (docs: "Fail workflow state").
      const expr = state[`${name}Path`] as string;
      const scope = pathScope(d, d.input);
      const value = expr.startsWith('States.') ? evaluateIntrinsic(expr, scope) : readPath(expr, scope);
      if (typeof value !== 'string') throw runtimeError(`The value of ${name}Path must be a string`);
      return value;
    }
    return state[name] as string | undefined;
  };
  return new StatesError((await field('Error')) ?? 'States.Fail', await field('Cause'));
}

async function choose(d: StateData): Promise<Step> {
  const { state } = d;
  for (const rule of state.Choices as StateDefinition[]) {
    const matched = d.language === 'JSONata' ? await condition(d, rule) : matchesChoiceRule(rule, pathScope(d, selectInput(d)));
    if (matched) {
      const outcome = await finishState({ ...d, state: { ...state, Assign: rule.Assign ?? state.Assign, Output: rule.Output ?? state.Output } }, undefined, false);
      return { ...outcome, next: rule.Next };
    }
  }
  if (state.Default === undefined) throw new StatesError('States.NoChoiceMatched', 'No Choice Rules matched and no Default was specified');
  return { ...(await finishState(d, undefined, false)), next: state.Default };
}

/** A JSONata Choice rule's Condition: it must evaluate to a boolean (docs: "Choice workflow state"). */
async function condition(d: StateData, rule: StateDefinition): Promise<boolean> {
  const value = await evaluateJsonataField('Condition', rule.Condition, jsonataScope(d));
  if (typeof value !== 'boolean') {
    throw new StatesError('States.QueryEvaluationError', `The Condition must evaluate to a boolean, got ${JSON.stringify(value)}`);
  }
  return value;
}

async function wait(thread: Thread, d: StateData): Promise<void> {
  const { rec, run } = thread;
  if (rec.phase !== 'wait' || rec.due === undefined) {
    rec.due = await waitDeadline(thread, d);
    rec.phase = 'wait';
    persist(thread);
  }
  await run.clock.sleepUntil(rec.due, thread.signal);
}

async function waitDeadline(thread: Thread, d: StateData): Promise<number> {
  const { state } = d;
  const seconds = await numericField(d, 'Seconds');
  if (seconds !== undefined) return thread.rec.enteredTime + seconds * 1000;
  let timestamp: unknown = state.Timestamp;
  if (d.language === 'JSONata' && typeof timestamp === 'string') timestamp = await evaluateJsonataField('Timestamp', timestamp, jsonataScope(d));
  if (state.TimestampPath !== undefined) timestamp = readPath(state.TimestampPath, pathScope(d, selectInput(d)));
  const ms = typeof timestamp === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(timestamp) ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(ms)) throw runtimeError(`The Timestamp ${JSON.stringify(timestamp)} is not an RFC3339 timestamp`);
  return ms;
}

export { effectiveInput };
