import { setMaxListeners } from 'node:events';
import { effectiveInput, jsonataScope, numericField, pathScope, selectInput, type StateData } from './dataflow.js';
import { runtimeError, StatesError } from './errors.js';
import { Frame } from './frame.js';
import { evaluateJsonataField, evaluateJsonataTemplate } from './jsonata.js';
import { readPath } from './paths.js';
import { evaluatePayloadTemplate } from './payload.js';
import type { ChildOutcome, ThreadRecord } from './records.js';
import { SCOPE_SEPARATOR } from './run.js';
import { asStatesError, persist, runThread, type Thread } from './interpreter.js';
import { runDistributedMap } from './distributed.js';

/** AWS runs at most 40 inline Map iterations at once. */
const INLINE_CONCURRENCY = 40;

interface Children {
  count: number;
  concurrency: number;
  scope: (slot: number) => string;
  input: (slot: number) => Promise<unknown>;
  started?: (child: ThreadRecord) => void;
  ended?: (child: ThreadRecord, outcome: ChildOutcome) => void;
}

/** Runs a Parallel state's branches; resolves with their outputs in branch order. */
export async function runParallel(thread: Thread, d: StateData): Promise<unknown[]> {
  const { rec, run } = thread;
  const branches = d.state.Branches as unknown[];
  const input = await effectiveInput(d);
  if (rec.phase !== 'children') run.emit(rec, 'ParallelStateStarted');
  try {
    const results = await runChildren(thread, {
      count: branches.length,
      concurrency: branches.length,
      scope: (slot) => `${childScopePrefix(rec)}${rec.state}#${slot}`,
      input: async () => input,
    });
    run.emit(rec, 'ParallelStateSucceeded');
    return results;
  } catch (err) {
    if (!thread.signal.aborted) thread.failedEvent = 'ParallelStateFailed';
    throw err;
  }
}

/** Runs a Map state, inline or distributed; resolves with the iteration outputs in order. */
export async function runMap(thread: Thread, d: StateData): Promise<unknown[]> {
  const items = await mapItems(d);
  const processor = d.state.ItemProcessor ?? d.state.Iterator;
  const { rec, run } = thread;
  try {
    if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED') return await runDistributedMap(thread, d, items);
    const maxConcurrency = (await numericField(d, 'MaxConcurrency')) ?? 0;
    if (rec.phase !== 'children') run.emit(rec, 'MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
    const results = await runChildren(thread, {
      count: items.length,
      concurrency: maxConcurrency === 0 ? INLINE_CONCURRENCY : Math.min(maxConcurrency, INLINE_CONCURRENCY),
      scope: () => `${childScopePrefix(rec)}${rec.state}`,
      input: (slot) => selectItem(d, items, slot),
      started: (child) => run.emit(child, 'MapIterationStarted', { mapIterationStartedEventDetails: { name: rec.state, index: child.slot } }),
      ended: (child, outcome) =>
        run.emit(child, 'output' in outcome ? 'MapIterationSucceeded' : 'MapIterationFailed', {
          [`mapIteration${'output' in outcome ? 'Succeeded' : 'Failed'}EventDetails`]: { name: rec.state, index: child.slot },
        }),
    });
    run.emit(rec, 'MapStateSucceeded');
    return results;
  } catch (err) {
    // Only a Map that started (MapStateStarted) records MapStateFailed.
    if (!thread.signal.aborted && rec.phase === 'children') thread.failedEvent = 'MapStateFailed';
    throw err;
  }
}

const childScopePrefix = (rec: ThreadRecord) => (rec.scope === '' ? '' : rec.scope + SCOPE_SEPARATOR);

/** The items a Map iterates over: ItemsPath (JSONPath) or Items (JSONata), an array. */
export async function mapItems(d: StateData): Promise<unknown[]> {
  let items: unknown;
  if (d.language === 'JSONata') {
    items = d.state.Items === undefined ? d.input : await evaluateJsonataField('Items', d.state.Items, jsonataScope(d));
  } else {
    const input = selectInput(d);
    items = d.state.ItemsPath === undefined ? input : readPath(d.state.ItemsPath, pathScope(d, input));
  }
  if (!Array.isArray(items)) {
    const message = `The Map state's items must be an array, got ${JSON.stringify(items)?.slice(0, 100)}`;
    // An Items expression with an incorrectly typed result is a query evaluation error (docs: "Error names").
    if (d.language === 'JSONata' && typeof d.state.Items === 'string') throw new StatesError('States.QueryEvaluationError', message);
    throw runtimeError(message);
  }
  return items;
}

/** One item's input: ItemSelector (or legacy Parameters) with `$$.Map.Item` in context. */
export async function selectItem(d: StateData, items: unknown[], slot: number): Promise<unknown> {
  const template = d.state.ItemSelector ?? d.state.Parameters;
  if (template === undefined) return items[slot];
  const context = { ...d.context, Map: { Item: { Index: slot, Value: items[slot] } } };
  if (d.language === 'JSONata') {
    return evaluateJsonataTemplate(template, { states: { input: d.input, context }, variables: d.frame.all() });
  }
  return evaluatePayloadTemplate(template, { input: selectInput(d), context, variables: d.frame });
}

/**
 * Runs child threads with bounded concurrency, resuming those a restart left behind.
 * Fails fast: the first failure cancels the others and is thrown.
 */
async function runChildren(thread: Thread, spec: Children): Promise<unknown[]> {
  const { rec, run } = thread;
  const store = run.store;
  if (rec.phase !== 'children') {
    store.clearOutcomes(rec.x, rec.id);
    rec.phase = 'children';
    persist(thread);
  }
  const outcomes = store.outcomesOf(rec.x, rec.id);
  const results = new Array<unknown>(spec.count);
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  const onAbort = () => cancel.abort(thread.signal.reason);
  thread.signal.addEventListener('abort', onAbort, { once: true });
  let failure: StatesError | undefined;

  const runOne = async (slot: number) => {
    const key = `${rec.x}/${rec.id}.${slot}`;
    let child = store.threads.get(key);
    if (!child) {
      child = {
        x: rec.x, id: `${rec.id}.${slot}`, parent: rec.id, slot, scope: spec.scope(slot),
        state: run.scope(spec.scope(slot)).StartAt, input: await spec.input(slot),
        entered: false, enteredTime: run.clock.now(), phase: 'state', lastEvent: rec.lastEvent,
      };
      spec.started?.(child);
    }
    const childThread: Thread = { run, rec: child, frame: new Frame({ ...(child.vars ?? {}) }, thread.frame), signal: cancel.signal };
    let outcome: ChildOutcome;
    try {
      outcome = { output: await runThread(childThread) };
    } catch (err) {
      if (cancel.signal.aborted) {
        store.endThread(child);
        throw err;
      }
      const error = asStatesError(err, cancel.signal);
      outcome = { error: error.error, cause: error.causeText };
    }
    spec.ended?.(child, outcome);
    store.endThread(child, outcome);
    return outcome;
  };

  try {
    let next = 0;
    const worker = async () => {
      while (!failure && next < spec.count) {
        const slot = next++;
        const outcome = outcomes.get(slot) ?? (await runOne(slot));
        if ('output' in outcome) results[slot] = outcome.output;
        else if (!failure) {
          failure = new StatesError(outcome.error, outcome.cause);
          cancel.abort(new Error('a sibling failed'));
        }
      }
    };
    // Children that were running when the engine stopped resume first.
    await Promise.allSettled(Array.from({ length: Math.min(spec.concurrency, spec.count) || 0 }, worker));
  } catch {
    // cancellation is reported below
  } finally {
    thread.signal.removeEventListener('abort', onAbort);
  }
  thread.signal.throwIfAborted();
  if (failure) throw failure;
  store.clearOutcomes(rec.x, rec.id);
  return results;
}
