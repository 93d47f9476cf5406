import { createHash } from 'node:crypto';
import { StatesError } from '../errors.js';
import type { TaskCall } from '../host.js';
import type { ExecutionRecord } from '../records.js';

/** The slice of the engine that nested workflows need. */
export interface NestedExecutions {
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }, options?: { attach?: boolean }): { executionArn: string; startDate: number };
  awaitExecution(arn: string, signal: AbortSignal): Promise<ExecutionRecord>;
  stopExecution(arn: string, error?: string, cause?: string): void;
}

/** `arn:aws:states:::states:startExecution` with `.sync`, `.sync:2` and `.waitForTaskToken`. */
export async function callStartExecution(engine: NestedExecutions, call: TaskCall, idempotencyKey: string): Promise<unknown> {
  const params = (call.parameters ?? {}) as { StateMachineArn?: string; Input?: unknown; Name?: string };
  if (typeof params.StateMachineArn !== 'string') throw new StatesError('States.Runtime', 'startExecution needs a StateMachineArn parameter');
  const input = params.Input === undefined ? '{}' : typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input);
  // A re-invoked task (after a restart) must find the same child, not start a second one.
  const name = params.Name ?? createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  let started;
  try {
    // With our own name, an existing child with the same input is this task's, started before a restart.
    started = engine.startExecution({ stateMachineArn: params.StateMachineArn, name, input }, { attach: params.Name === undefined });
  } catch (err) {
    throw new StatesError(`StepFunctions.${(err as Error).name}`, (err as Error).message);
  }
  const pattern = call.resource.pattern;
  // Service integrations report dates in epoch milliseconds, as describe() below does.
  const response = { ExecutionArn: started.executionArn, StartDate: Math.round(started.startDate * 1000) };
  if (pattern !== 'sync' && pattern !== 'sync:2') return response;
  call.submitted?.(response);
  const onAbort = () => engine.stopExecution(started.executionArn, 'States.Aborted', 'The parent execution was stopped');
  call.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const done = await engine.awaitExecution(started.executionArn, call.signal);
    const described = describe(done, pattern === 'sync:2');
    if (done.status !== 'SUCCEEDED') throw new StatesError('States.TaskFailed', JSON.stringify(described));
    return described;
  } finally {
    call.signal.removeEventListener('abort', onAbort);
  }
}

function describe(x: ExecutionRecord, parseJson: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ExecutionArn: x.arn,
    Input: parseJson ? JSON.parse(x.input) : x.input,
    InputDetails: { Included: true },
    Name: x.name,
    StartDate: x.startDate,
    StateMachineArn: x.machineArn,
    Status: x.status,
    StopDate: x.stopDate,
  };
  if (x.output !== undefined) {
    out.Output = parseJson ? JSON.parse(x.output) : x.output;
    out.OutputDetails = { Included: true };
  }
  if (x.error !== undefined) out.Error = x.error;
  if (x.cause !== undefined) out.Cause = x.cause;
  return out;
}
