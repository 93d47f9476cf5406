import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { checkSize, effectiveInput, numericField, type StateData } from './dataflow.js';
import { parseResource, type ParsedResource } from './resources.js';
import { StatesError } from './errors.js';
import type { TokenOutcome } from './host.js';
import { persist, type Thread } from './interpreter.js';

/** A bare Lambda ARN writes LambdaFunction* events; integrations write Task* events. */
function eventNames(resource: ParsedResource) {
  const legacy = resource.functionArn !== undefined;
  return legacy
    ? { scheduled: 'LambdaFunctionScheduled', started: 'LambdaFunctionStarted', succeeded: 'LambdaFunctionSucceeded', failed: 'LambdaFunctionFailed', timedOut: 'LambdaFunctionTimedOut', legacy }
    : { scheduled: 'TaskScheduled', started: 'TaskStarted', succeeded: 'TaskSucceeded', failed: 'TaskFailed', timedOut: 'TaskTimedOut', legacy };
}

const detailKey = (type: string) => `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;

/** Runs a Task state's service call with its timeouts; returns the raw result. */
export async function runTask(thread: Thread, d: StateData): Promise<unknown> {
  const { rec, run } = thread;
  const resource = parseResource(d.state.Resource)!;
  const names = eventNames(resource);
  const resumed = rec.phase === 'task' || rec.phase === 'submitted';
  if (resource.pattern === 'waitForTaskToken' && !rec.token) rec.token = randomBytes(48).toString('base64url');
  d.context = run.context(rec, rec.token ? { Task: { Token: rec.token } } : undefined);
  const parameters = await effectiveInput(d);
  const timeoutSeconds = await numericField(d, 'TimeoutSeconds');
  const heartbeatSeconds = await numericField(d, 'HeartbeatSeconds');
  const taskInfo = names.legacy ? { resource: resource.functionArn } : { resourceType: resource.service, resource: resourceName(resource) };
  if (!resumed) {
    rec.taskStart = run.clock.now();
    const scheduled: Record<string, unknown> = names.legacy
      ? { ...taskInfo, input: checkSize(parameters, 'task input'), inputDetails: { truncated: false } }
      : { ...taskInfo, region: run.host.region, parameters: checkSize(parameters, 'task input') };
    if (timeoutSeconds !== undefined) scheduled.timeoutInSeconds = timeoutSeconds;
    if (heartbeatSeconds !== undefined && !names.legacy) scheduled.heartbeatInSeconds = heartbeatSeconds;
    run.emit(rec, names.scheduled, { [detailKey(names.scheduled)]: scheduled });
    run.emit(rec, names.started, names.legacy ? undefined : { [detailKey(names.started)]: taskInfo });
    rec.phase = 'task';
    persist(thread);
  }
  // The token and the position must be on disk before the call lets them out.
  run.store.flush();

  const local = new AbortController();
  setMaxListeners(0, local.signal);
  const onAbort = () => local.abort(thread.signal.reason);
  thread.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const deadline = watchDeadlines(thread, timeoutSeconds, heartbeatSeconds, local.signal);
    const result = await Promise.race([deadline, callAndWait(thread, resource, parameters, local.signal, names, taskInfo)]);
    const output = checkSize(result, 'task output');
    run.emit(rec, names.succeeded, { [detailKey(names.succeeded)]: { ...taskInfo, output, outputDetails: { truncated: false } } });
    return result;
  } catch (err) {
    if (thread.signal.aborted) throw thread.signal.reason;
    const error = err instanceof StatesError ? err : new StatesError('States.TaskFailed', (err as Error).message);
    const timedOut = error.error === 'States.Timeout' || error.error === 'States.HeartbeatTimeout';
    const type = timedOut ? names.timedOut : names.failed;
    run.emit(rec, type, { [detailKey(type)]: { ...taskInfo, error: error.error, cause: error.causeText } });
    throw error;
  } finally {
    thread.signal.removeEventListener('abort', onAbort);
    local.abort(new Error('task finished'));
    // A cancelled task's token stays open: a restart resumes the wait (StopExecution closes it).
    if (rec.token && !thread.signal.aborted) run.store.closeToken(rec.token);
  }
}

function resourceName(resource: ParsedResource): string {
  const suffix = resource.pattern === 'request-response' ? '' : `.${resource.pattern}`;
  return `${resource.action}${suffix}`;
}

async function callAndWait(
  thread: Thread,
  resource: ParsedResource,
  parameters: unknown,
  signal: AbortSignal,
  names: ReturnType<typeof eventNames>,
  taskInfo: Record<string, unknown>,
): Promise<unknown> {
  const { rec, run } = thread;
  const call = { resource, parameters, token: rec.token, execution: run.rec, threadId: rec.id, signal };
  if (resource.pattern === 'sync' || resource.pattern === 'sync:2') {
    // AWS records the job's start response as TaskSubmitted, then its end as TaskSucceeded/Failed.
    const submitted = (response: unknown) => {
      if (rec.phase === 'submitted') return;
      run.emit(rec, 'TaskSubmitted', { taskSubmittedEventDetails: { ...taskInfo, output: checkSize(response, 'task output'), outputDetails: { truncated: false } } });
      rec.phase = 'submitted';
      persist(thread);
    };
    return run.host.callTask({ ...call, submitted });
  }
  if (resource.pattern !== 'waitForTaskToken') return run.host.callTask(call);
  const reported = run.host.awaitToken(rec.token!, signal);
  if (rec.phase !== 'submitted') {
    // The call may report on the token before it returns; whichever comes first counts.
    const submitted = await Promise.race([run.host.callTask(call).then((output) => ({ output })), reported.then(() => undefined)]);
    if (submitted) {
      run.emit(rec, 'TaskSubmitted', { taskSubmittedEventDetails: { ...taskInfo, output: checkSize(submitted.output, 'task output'), outputDetails: { truncated: false } } });
      rec.phase = 'submitted';
      persist(thread);
    }
  }
  return tokenResult(await reported);
}

function tokenResult(outcome: TokenOutcome): unknown {
  if ('output' in outcome) return JSON.parse(outcome.output);
  throw new StatesError(outcome.error ?? '', outcome.cause);
}

/** Rejects with States.Timeout / States.HeartbeatTimeout when a deadline passes. */
async function watchDeadlines(thread: Thread, timeoutSeconds: number | undefined, heartbeatSeconds: number | undefined, signal: AbortSignal): Promise<never> {
  const { rec, run } = thread;
  const start = rec.taskStart ?? run.clock.now();
  const timeoutAt = timeoutSeconds !== undefined ? start + timeoutSeconds * 1000 : Infinity;
  for (;;) {
    const lastBeat = (rec.token && run.store.heartbeats.get(rec.token)) || start;
    const heartbeatAt = heartbeatSeconds !== undefined ? lastBeat + heartbeatSeconds * 1000 : Infinity;
    const due = Math.min(timeoutAt, heartbeatAt);
    if (due === Infinity) return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    await run.clock.sleepUntil(due, signal);
    const now = run.clock.now();
    if (now >= timeoutAt) throw new StatesError('States.Timeout', 'The task timed out');
    const beat = (rec.token && run.store.heartbeats.get(rec.token)) || start;
    if (heartbeatSeconds !== undefined && now >= beat + heartbeatSeconds * 1000) throw new StatesError('States.HeartbeatTimeout', 'The task missed its heartbeat');
  }
}
