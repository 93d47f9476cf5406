import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { executionArn, mapRunArn } from './arns.js';
import { jsonataScope, numericField, pathScope, type StateData } from './dataflow.js';
import { runtimeError, StatesError } from './errors.js';
import { evaluateJsonataTemplate } from './jsonata.js';
import { evaluatePayloadTemplate } from './payload.js';
import type { ExecutionRecord } from './records.js';
import { persist, type Thread } from './interpreter.js';
import { selectItem } from './branches.js';

/** AWS runs at most 10,000 child executions of a Map Run at once. */
const DISTRIBUTED_CONCURRENCY = 10_000;

/**
 * A DISTRIBUTED Map: every item (or batch of items, with ItemBatcher) runs as a child
 * execution with its own history, so the parent's history stays small.
 */
export async function runDistributedMap(thread: Thread, d: StateData, items: unknown[]): Promise<unknown[]> {
  const { rec, run } = thread;
  const host = run.host;
  const processor = d.state.ItemProcessor;
  const executionType = processor.ProcessorConfig.ExecutionType ?? 'STANDARD';
  const label = d.state.Label ?? rec.state;
  const maxConcurrency = (await numericField(d, 'MaxConcurrency')) || DISTRIBUTED_CONCURRENCY;
  const percentage = await numericField(d, 'ToleratedFailurePercentage');
  const count = await numericField(d, 'ToleratedFailureCount');
  const toleratedPercentage = percentage ?? 0;
  const toleratedCount = count ?? 0;
  if (toleratedPercentage > 100) throw runtimeError('ToleratedFailurePercentage must be between 0 and 100');
  const batches = await batchInputs(d, items);
  const machineName = run.rec.machineArn.split(':')[6];

  if (rec.phase !== 'children' || !rec.child) {
    const id = randomUUID();
    rec.child = mapRunArn({ region: host.region, account: run.rec.arn.split(':')[4] }, machineName, label, id);
    host.store.putMapRun({
      arn: rec.child, exec: run.rec.arn, thread: rec.id, status: 'RUNNING', startDate: run.clock.now(),
      maxConcurrency, toleratedFailurePercentage: toleratedPercentage, toleratedFailureCount: toleratedCount, total: batches.length,
    });
    // AWS records MapStateStarted (with the item count) before the Map Run, as for an inline Map.
    run.emit(rec, 'MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
    run.emit(rec, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: rec.child } });
    rec.phase = 'children';
    persist(thread);
  }
  const runArn = rec.child;
  const runId = runArn.slice(runArn.lastIndexOf(':') + 1);
  const { processorDefinition, language } = childDefinition(d);
  const results = new Array<unknown>(batches.length);
  // The thresholds count failed items ("Setting failure thresholds for Distributed Map
  // states"): a failed child fails every item of its batch.
  const itemsIn = (slot: number) => (d.state.ItemBatcher ? (batches[slot] as { Items: unknown[] }).Items.length : 1);
  let failures = 0;
  let exceeded = false;
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  const onAbort = () => cancel.abort(thread.signal.reason);
  thread.signal.addEventListener('abort', onAbort, { once: true });
  // Either threshold, where given, fails the run; with neither, no failure is tolerated.
  const tolerated = () =>
    (count !== undefined && failures > count) ||
    (percentage !== undefined && (failures / items.length) * 100 > percentage) ||
    (count === undefined && percentage === undefined && failures > 0);

  const runOne = async (slot: number): Promise<void> => {
    const name = `${runId}-${slot}`;
    const child = host.startChild({
      arn: executionArn({ region: host.region, account: run.rec.arn.split(':')[4] }, `${machineName}/${label}`, name, executionType === 'EXPRESS'),
      name,
      machineArn: `${run.rec.machineArn}/${label}`,
      type: executionType,
      definition: JSON.stringify({ ...processorDefinition, QueryLanguage: language }),
      input: batches[slot],
      parent: { exec: run.rec.arn, thread: rec.id, slot },
      mapRunArn: runArn,
    });
    const done: ExecutionRecord = await host.awaitExecution(child.arn, cancel.signal);
    if (done.status === 'SUCCEEDED') results[slot] = JSON.parse(done.output ?? 'null');
    else {
      failures += itemsIn(slot);
      results[slot] = { Error: done.error ?? `States.${done.status}`, Cause: done.cause };
      if (tolerated() && !exceeded) {
        exceeded = true;
        cancel.abort(new Error('tolerated failure threshold exceeded'));
      }
    }
  };

  try {
    let next = 0;
    const worker = async () => {
      while (!exceeded && next < batches.length) await runOne(next++);
    };
    await Promise.allSettled(Array.from({ length: Math.min(maxConcurrency, batches.length) }, worker));
  } finally {
    thread.signal.removeEventListener('abort', onAbort);
  }
  const finish = (status: 'SUCCEEDED' | 'FAILED' | 'ABORTED') => {
    const record = host.store.mapRuns.get(runArn)!;
    host.store.putMapRun({ ...record, status, stopDate: run.clock.now() });
  };
  if (thread.signal.aborted || exceeded) {
    for (const x of host.store.executions.values()) if (x.mapRunArn === runArn && x.status === 'RUNNING') host.stopExecution(x.arn);
  }
  if (thread.signal.aborted) {
    finish('ABORTED');
    throw thread.signal.reason;
  }
  if (exceeded) {
    finish('FAILED');
    const error = new StatesError('States.ExceedToleratedFailureThreshold', `The specified tolerated failure threshold was exceeded: ${failures} of ${items.length} items failed`);
    run.emit(rec, 'MapRunFailed', { mapRunFailedEventDetails: { error: error.error, cause: error.causeText } });
    throw error;
  }
  finish('SUCCEEDED');
  run.emit(rec, 'MapRunSucceeded');
  run.emit(rec, 'MapStateSucceeded');
  return results;
}

/** The processor as a stand-alone definition for the child executions. */
function childDefinition(d: StateData) {
  const { ProcessorConfig: _config, ...processorDefinition } = d.state.ItemProcessor;
  return { processorDefinition, language: processorDefinition.QueryLanguage ?? d.language };
}

/** Each child's input: one selected item, or a batch `{ BatchInput: {...}, Items: [...] }` (ItemBatcher (Map)). */
async function batchInputs(d: StateData, items: unknown[]): Promise<unknown[]> {
  const selected: unknown[] = [];
  for (let i = 0; i < items.length; i++) selected.push(await selectItem(d, items, i));
  const batcher = d.state.ItemBatcher;
  if (!batcher) return selected;
  const batcherData: StateData = { ...d, state: batcher };
  const maxItems = (await numericField(batcherData, 'MaxItemsPerBatch')) ?? Infinity;
  const maxBytes = (await numericField(batcherData, 'MaxInputBytesPerBatch')) ?? 256 * 1024;
  const batchInput =
    batcher.BatchInput === undefined
      ? undefined
      : d.language === 'JSONata'
        ? await evaluateJsonataTemplate(batcher.BatchInput, jsonataScope(d))
        : evaluatePayloadTemplate(batcher.BatchInput, pathScope(d, d.input));
  // BatchInput goes under its own key, next to Items.
  const batch = (Items: unknown[]) => (batchInput === undefined ? { Items } : { BatchInput: batchInput, Items });
  const fixedBytes = Buffer.byteLength(JSON.stringify(batch([])));
  const batches: unknown[] = [];
  let current: unknown[] = [];
  let bytes = fixedBytes;
  for (const item of selected) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length && (current.length >= maxItems || bytes + size > maxBytes)) {
      batches.push(batch(current));
      current = [];
      bytes = fixedBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) batches.push(batch(current));
  return batches;
}
