import type { Clock } from './clock.js';
import type { ParsedResource } from './resources.js';
import type { ExecutionRecord } from './records.js';
import type { Store } from './store.js';

export type TokenOutcome = { output: string } | { error?: string; cause?: string };

/** A call from a Task state to a service integration. */
export interface TaskCall {
  resource: ParsedResource;
  parameters: unknown;
  token?: string;
  execution: ExecutionRecord;
  threadId: string;
  signal: AbortSignal;
  /** For `.sync` calls: reports the service's first response (TaskSubmitted) before the job ends. */
  submitted?: (response: unknown) => void;
}

/** What the interpreter needs from the engine around it. */
export interface Host {
  readonly store: Store;
  readonly clock: Clock;
  readonly region: string;
  /** Performs the service call of a Task state; throws StatesError on failure. */
  callTask(call: TaskCall): Promise<unknown>;
  /** Resolves when SendTaskSuccess/Failure reports on the token. */
  awaitToken(token: string, signal: AbortSignal): Promise<TokenOutcome>;
  /** Starts (or, after a restart, finds) a child execution and returns its record. */
  startChild(request: ChildExecutionRequest): ExecutionRecord;
  /** Resolves with the execution's record once it has stopped. */
  awaitExecution(arn: string, signal: AbortSignal): Promise<ExecutionRecord>;
  /** Stops a running execution (used to cancel children). */
  stopExecution(arn: string, error?: string, cause?: string): void;
}

export interface ChildExecutionRequest {
  arn: string;
  name: string;
  machineArn: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: string;
  input: unknown;
  parent: { exec: string; thread: string; slot?: number };
  mapRunArn?: string;
}
