/** What the engine persists. Every field is plain JSON so the journal can replay it. */

export type WorkflowType = 'STANDARD' | 'EXPRESS';
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface MachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: WorkflowType;
  creationDate: number;
  updateDate?: number;
  revisionId: string;
}

export interface ExecutionRecord {
  seq: number;
  arn: string;
  name: string;
  machineArn: string;
  type: WorkflowType;
  /** The definition as it was at start (a Map run's child runs its ItemProcessor). */
  definition: string;
  input: string;
  roleArn: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** Set for executions started by a Task (startExecution) or by a distributed Map. */
  parent?: { exec: string; thread: string; slot?: number };
  mapRunArn?: string;
}

export type ThreadPhase = 'state' | 'retry' | 'task' | 'submitted' | 'wait' | 'children';

/** Where one thread of control (the execution, a Parallel branch, a Map iteration) stands. */
export interface ThreadRecord {
  x: number;
  id: string;
  parent?: string;
  slot?: number;
  /** Path to the States map this thread runs in: '' is the top level. */
  scope: string;
  state: string;
  input: unknown;
  vars?: Record<string, unknown>;
  entered: boolean;
  enteredTime: number;
  phase: ThreadPhase;
  retries?: number[];
  due?: number;
  token?: string;
  taskStart?: number;
  heartbeatAt?: number;
  /** id of the last history event this thread wrote, for previousEventId. */
  lastEvent: number;
  /** For a distributed Map: the map run; for startExecution: the child execution. */
  child?: string;
}

export type ChildOutcome = { output: unknown } | { error: string; cause?: string };

export interface MapRunRecord {
  arn: string;
  exec: string;
  thread: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  total: number;
}
