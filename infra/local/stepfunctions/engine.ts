import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { checkName, executionArn, machineNameOf, stateMachineArn, type Partition } from './arns.js';
import { Clock } from './clock.js';
import { validateDefinition } from './definition.js';
import { ApiError, invalidDefinition, StatesError } from './errors.js';
import { Frame } from './frame.js';
import type { ChildExecutionRequest, Host, TaskCall, TokenOutcome } from './host.js';
import { runThread } from './interpreter.js';
import { callDynamoDB } from './integrations/dynamodb.js';
import { callLambda, LambdaRegistry, type LambdaInvoker } from './integrations/lambda.js';
import { callStartExecution } from './integrations/states.js';
import { Journal } from './journal.js';
import type { ExecutionRecord, ExecutionStatus, ThreadRecord, WorkflowType } from './records.js';
import { ExecutionRun } from './run.js';
import { Store } from './store.js';

export interface EngineOptions {
  /** Where the journal lives; omit for an in-memory engine. */
  dataDir?: string;
  region?: string;
  account?: string;
  /** Lets tests and demos move time forward (off by default). */
  movableClock?: boolean;
  lambda?: LambdaInvoker;
  dynamodb?: DynamoDBClient;
}

type Waiter<T> = { resolve: (value: T) => void; reject: (err: unknown) => void };
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** A Step Functions engine: the API actions, executions and their durability. */
export class Engine implements Host {
  readonly store: Store;
  readonly clock: Clock;
  readonly region: string;
  readonly lambda: LambdaInvoker;
  private readonly partition: Partition;
  private readonly dynamodb?: DynamoDBClient;
  private readonly runs = new Map<string, ExecutionRun>();
  private readonly tokenWaiters = new Map<string, Waiter<TokenOutcome>>();
  private readonly executionWaiters = new Map<string, Set<Waiter<ExecutionRecord>>>();
  /** Once closed, nothing more is recorded: running executions stay RUNNING for the next start. */
  private closed = false;

  constructor(options: EngineOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.partition = { region: this.region, account: options.account ?? '123456789012' };
    this.clock = new Clock(options.movableClock ?? false);
    this.lambda = options.lambda ?? new LambdaRegistry();
    this.dynamodb = options.dynamodb;
    this.store = new Store(new Journal(options.dataDir ? path.join(options.dataDir, 'stepfunctions.journal') : undefined));
  }

  /** Replays the journal and resumes every execution that was running. */
  start(): this {
    this.store.open();
    this.clock.restoreOffset(this.store.clockOffset);
    for (const rec of this.store.executions.values()) if (rec.status === 'RUNNING') this.launch(rec);
    return this;
  }

  /** Stops running work without recording anything: as a crash would, but tidily. */
  close(): void {
    this.closed = true;
    this.store.close();
    for (const run of this.runs.values()) run.controller.abort(new Error('engine closed'));
    this.runs.clear();
  }

  advanceClock(seconds: number): { offsetSeconds: number } {
    this.clock.advance(seconds * 1000);
    this.store.setClockOffset(this.clock.offset);
    this.store.flush();
    return { offsetSeconds: this.clock.offset / 1000 };
  }

  // ---- State machines -------------------------------------------------------------------

  createStateMachine(req: { name?: string; definition?: string; roleArn?: string; type?: WorkflowType }) {
    const name = checkName(req.name, 'state machine');
    const type = req.type ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'EXPRESS') throw new ApiError('ValidationException', `Invalid type '${String(type)}'`);
    const definition = this.checkDefinition(req.definition, type);
    const roleArn = requireString(req.roleArn, 'roleArn');
    const arn = stateMachineArn(this.partition, name);
    const existing = this.store.machines.get(arn);
    if (existing) {
      // The check is on name, definition and type; a different roleArn is ignored, not updated (API_CreateStateMachine).
      if (existing.definition === definition && existing.type === type) {
        return { stateMachineArn: arn, creationDate: seconds(existing.creationDate) };
      }
      throw new ApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const now = this.clock.now();
    this.store.putMachine({ arn, name, definition, roleArn, type, creationDate: now, revisionId: randomUUID() });
    this.store.flush();
    return { stateMachineArn: arn, creationDate: seconds(now) };
  }

  updateStateMachine(req: { stateMachineArn?: string; definition?: string; roleArn?: string }) {
    const machine = this.machine(req.stateMachineArn);
    if (req.definition === undefined && req.roleArn === undefined) throw new ApiError('MissingRequiredParameter', 'Either the definition or the roleArn must be specified');
    const definition = req.definition === undefined ? machine.definition : this.checkDefinition(req.definition, machine.type);
    const now = this.clock.now();
    const revisionId = randomUUID();
    this.store.putMachine({ ...machine, definition, roleArn: req.roleArn ?? machine.roleArn, updateDate: now, revisionId });
    this.store.flush();
    return { updateDate: seconds(now), revisionId };
  }

  describeStateMachine(req: { stateMachineArn?: string }) {
    const m = this.machine(req.stateMachineArn);
    return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', definition: m.definition, roleArn: m.roleArn, type: m.type, creationDate: seconds(m.creationDate), revisionId: m.revisionId };
  }

  listStateMachines(req: { maxResults?: number; nextToken?: string }) {
    const all = [...this.store.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: seconds(m.creationDate) }));
    const { page, nextToken } = paginate(all, req.maxResults, req.nextToken);
    return { stateMachines: page, nextToken };
  }

  deleteStateMachine(req: { stateMachineArn?: string }) {
    const m = this.machine(req.stateMachineArn);
    this.store.deleteMachine(m.arn);
    this.store.flush();
    return {};
  }

  private checkDefinition(definition: unknown, type: WorkflowType): string {
    const text = requireString(definition, 'definition');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw invalidDefinition(`INVALID_JSON_DESCRIPTION: ${(err as Error).message}`);
    }
    validateDefinition(parsed, type);
    return text;
  }

  private machine(arn: unknown) {
    const m = this.store.machines.get(requireString(arn, 'stateMachineArn'));
    if (!m) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return m;
  }

  // ---- Executions --------------------------------------------------------------------------

  /** `attach`: return an execution of the same name and input even if it has ended (a re-invoked nested task). */
  startExecution(req: { stateMachineArn?: string; name?: string; input?: string; traceHeader?: string }, options: { attach?: boolean } = {}) {
    const machine = this.machine(req.stateMachineArn);
    const rec = this.begin({
      name: req.name === undefined ? randomUUID() : checkName(req.name, 'execution'),
      machineArn: machine.arn,
      type: machine.type,
      definition: machine.definition,
      input: req.input,
      roleArn: machine.roleArn,
    }, options.attach);
    return { executionArn: rec.arn, startDate: seconds(rec.startDate)! };
  }

  async startSyncExecution(req: { stateMachineArn?: string; name?: string; input?: string }) {
    const machine = this.machine(req.stateMachineArn);
    if (machine.type !== 'EXPRESS') throw new ApiError('StateMachineTypeNotSupported', 'StartSyncExecution only supports EXPRESS state machines');
    const { executionArn: arn } = this.startExecution(req);
    const done = await this.awaitExecution(arn, new AbortController().signal);
    return {
      executionArn: done.arn, stateMachineArn: done.machineArn, name: done.name, startDate: seconds(done.startDate), stopDate: seconds(done.stopDate),
      status: done.status, error: done.error, cause: done.cause, input: done.input, inputDetails: { included: true },
      output: done.output, outputDetails: done.output === undefined ? undefined : { included: true },
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil(((done.stopDate ?? 0) - done.startDate) / 100) * 100) },
    };
  }

  /** Creates and launches an execution; idempotent for a running one with the same name and input. */
  private begin(spec: Omit<ExecutionRecord, 'seq' | 'arn' | 'status' | 'startDate' | 'input'> & { input?: string; arn?: string }, attach = false): ExecutionRecord {
    const input = spec.input ?? '{}';
    try {
      JSON.parse(input);
    } catch {
      throw new ApiError('InvalidExecutionInput', 'Invalid execution input: not valid JSON');
    }
    if (Buffer.byteLength(input) > 256 * 1024) throw new ApiError('InvalidExecutionInput', 'The execution input exceeds 256 KiB');
    const arn = spec.arn ?? executionArn(this.partition, machineNameOf(spec.machineArn), spec.name, spec.type === 'EXPRESS');
    const existing = this.store.executions.get(arn);
    if (existing) {
      if ((existing.status === 'RUNNING' || attach) && existing.input === input) return existing;
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const rec: ExecutionRecord = { ...spec, input, arn, seq: this.store.nextSeq++, status: 'RUNNING', startDate: this.clock.now() };
    this.store.putExecution(rec);
    const run = new ExecutionRun(this, rec);
    run.emit(undefined, 'ExecutionStarted', {
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: rec.roleArn },
    });
    this.store.flush();
    this.launch(rec, run);
    return rec;
  }

  /** Runs (or resumes) an execution's top-level thread. */
  private launch(rec: ExecutionRecord, run = new ExecutionRun(this, rec)): void {
    this.runs.set(rec.arn, run);
    const key = Store.threadKey(rec.seq, '0');
    const root: ThreadRecord = this.store.threads.get(key) ?? {
      x: rec.seq, id: '0', scope: '', state: run.definition.StartAt, input: JSON.parse(rec.input),
      entered: false, enteredTime: rec.startDate, phase: 'state', lastEvent: 1,
    };
    const timeout = run.definition.TimeoutSeconds;
    if (typeof timeout === 'number') {
      this.clock.sleepUntil(rec.startDate + timeout * 1000, run.signal).then(
        () => this.end(rec.arn, 'TIMED_OUT', root, { error: 'States.Timeout', cause: 'The execution timed out' }),
        () => undefined,
      );
    }
    // Let the caller's response go out first, as AWS starts executions asynchronously.
    setImmediate(() => {
      if (run.signal.aborted) return;
      runThread({ run, rec: root, frame: new Frame({ ...(root.vars ?? {}) }), signal: run.signal }).then(
        (output) => this.end(rec.arn, 'SUCCEEDED', root, { output: JSON.stringify(output) }),
        (err) => {
          if (run.signal.aborted) return;
          const error = err instanceof StatesError ? err : new StatesError('States.Runtime', (err as Error)?.message ?? String(err));
          this.end(rec.arn, 'FAILED', root, { error: error.error, cause: error.causeText });
        },
      );
    });
  }

  /** Records how an execution ended, cancels what still runs in it, and wakes its waiters. */
  private end(arn: string, status: Exclude<ExecutionStatus, 'RUNNING'>, root: { lastEvent: number } | undefined, result: { output?: string; error?: string; cause?: string }): void {
    const rec = this.store.executions.get(arn);
    const run = this.runs.get(arn);
    if (this.closed || !rec || rec.status !== 'RUNNING') return;
    const eventType = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[status];
    const details =
      status === 'SUCCEEDED'
        ? { executionSucceededEventDetails: { output: result.output, outputDetails: { truncated: false } } }
        : { [`${eventType[0].toLowerCase()}${eventType.slice(1)}EventDetails`]: { error: result.error, cause: result.cause } };
    (run ?? new ExecutionRun(this, rec)).emit(root, eventType, details);
    const done: ExecutionRecord = { ...rec, status, stopDate: this.clock.now(), ...result };
    this.store.putExecution(done);
    this.store.flush();
    this.runs.delete(arn);
    run?.controller.abort(new Error(`execution ${status}`));
    if (status !== 'SUCCEEDED') {
      // Nested executions started with .sync and Map Run children stop with their parent.
      for (const child of this.store.executions.values()) if (child.parent?.exec === arn && child.status === 'RUNNING') this.stopExecution(child.arn);
    }
    for (const waiter of this.executionWaiters.get(arn) ?? []) waiter.resolve(done);
    this.executionWaiters.delete(arn);
  }

  stopExecution(arn: string, error?: string, cause?: string) {
    const rec = this.execution(arn);
    if (rec.status === 'RUNNING') this.end(rec.arn, 'ABORTED', undefined, { error, cause });
    return { stopDate: seconds(this.store.executions.get(rec.arn)!.stopDate) };
  }

  describeExecution(req: { executionArn?: string }) {
    const x = this.execution(req.executionArn);
    return {
      executionArn: x.arn, stateMachineArn: x.machineArn, name: x.name, status: x.status,
      startDate: seconds(x.startDate), stopDate: seconds(x.stopDate),
      input: x.input, inputDetails: { included: true },
      output: x.output, outputDetails: x.output === undefined ? undefined : { included: true },
      error: x.error, cause: x.cause, mapRunArn: x.mapRunArn, redriveCount: 0, redriveStatus: 'NOT_REDRIVABLE',
    };
  }

  listExecutions(req: { stateMachineArn?: string; mapRunArn?: string; statusFilter?: ExecutionStatus; maxResults?: number; nextToken?: string }) {
    if (req.stateMachineArn === undefined && req.mapRunArn === undefined) throw new ApiError('ValidationException', 'Either stateMachineArn or mapRunArn is required');
    if (req.stateMachineArn !== undefined && this.machine(req.stateMachineArn).type === 'EXPRESS') {
      throw new ApiError('StateMachineTypeNotSupported', 'This operation is not supported by EXPRESS state machines');
    }
    const all = [...this.store.executions.values()]
      .filter((x) => (req.mapRunArn ? x.mapRunArn === req.mapRunArn : x.machineArn === req.stateMachineArn && !x.mapRunArn))
      .filter((x) => !req.statusFilter || x.status === req.statusFilter)
      .sort((a, b) => b.startDate - a.startDate || b.seq - a.seq)
      .map((x) => ({ executionArn: x.arn, stateMachineArn: x.machineArn, name: x.name, status: x.status, startDate: seconds(x.startDate), stopDate: seconds(x.stopDate), mapRunArn: x.mapRunArn }));
    const { page, nextToken } = paginate(all, req.maxResults, req.nextToken);
    return { executions: page, nextToken };
  }

  getExecutionHistory(req: { executionArn?: string; maxResults?: number; nextToken?: string; reverseOrder?: boolean; includeExecutionData?: boolean }) {
    const x = this.execution(req.executionArn);
    const events = this.store.history.get(x.seq);
    const ids = Array.from({ length: events?.length ?? 0 }, (_, i) => i);
    if (req.reverseOrder) ids.reverse();
    const { page, nextToken } = paginate(ids, req.maxResults, req.nextToken, 1000);
    return {
      events: page.map((i) => {
        const event = JSON.parse(events!.get(i));
        return req.includeExecutionData === false ? stripData(event) : event;
      }),
      nextToken,
    };
  }

  describeMapRun(req: { mapRunArn?: string }) {
    const r = this.store.mapRuns.get(requireString(req.mapRunArn, 'mapRunArn'));
    if (!r) throw new ApiError('ResourceNotFound', `Map Run Does Not Exist: '${String(req.mapRunArn)}'`);
    const children = [...this.store.executions.values()].filter((x) => x.mapRunArn === r.arn);
    const count = (status: ExecutionStatus) => children.filter((x) => x.status === status).length;
    const counts = {
      pending: r.total - children.length, running: count('RUNNING'), succeeded: count('SUCCEEDED'), failed: count('FAILED'),
      timedOut: count('TIMED_OUT'), aborted: count('ABORTED'), total: r.total, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0,
    };
    return {
      mapRunArn: r.arn, executionArn: r.exec, status: r.status, startDate: seconds(r.startDate), stopDate: seconds(r.stopDate),
      maxConcurrency: r.maxConcurrency, toleratedFailurePercentage: r.toleratedFailurePercentage, toleratedFailureCount: r.toleratedFailureCount,
      itemCounts: counts, executionCounts: counts, redriveCount: 0,
    };
  }

  listMapRuns(req: { executionArn?: string; maxResults?: number; nextToken?: string }) {
    const x = this.execution(req.executionArn);
    const all = [...this.store.mapRuns.values()].filter((r) => r.exec === x.arn).map((r) => ({ executionArn: r.exec, mapRunArn: r.arn, stateMachineArn: x.machineArn, startDate: seconds(r.startDate), stopDate: seconds(r.stopDate) }));
    const { page, nextToken } = paginate(all, req.maxResults, req.nextToken);
    return { mapRuns: page, nextToken };
  }

  private execution(arn: unknown): ExecutionRecord {
    const x = this.store.executions.get(requireString(arn, 'executionArn'));
    if (!x) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return x;
  }

  // ---- Task tokens ----------------------------------------------------------------------

  sendTaskSuccess(req: { taskToken?: string; output?: string }) {
    const output = requireString(req.output, 'output');
    try {
      JSON.parse(output);
    } catch {
      throw new ApiError('InvalidOutput', 'Invalid output: not valid JSON');
    }
    this.report(req.taskToken, { output });
    return {};
  }

  sendTaskFailure(req: { taskToken?: string; error?: string; cause?: string }) {
    this.report(req.taskToken, { error: req.error, cause: req.cause });
    return {};
  }

  sendTaskHeartbeat(req: { taskToken?: string }) {
    const token = this.openToken(req.taskToken);
    this.store.heartbeat(token, this.clock.now());
    this.store.flush();
    return {};
  }

  private report(taskToken: unknown, outcome: TokenOutcome): void {
    const token = this.openToken(taskToken);
    if (this.store.tokenOutcomes.has(token)) throw new ApiError('TaskTimedOut', 'Task Timed Out: the task has already been reported on');
    this.store.reportToken(token, outcome);
    this.store.flush();
    const waiter = this.tokenWaiters.get(token);
    this.tokenWaiters.delete(token);
    waiter?.resolve(outcome);
  }

  private openToken(taskToken: unknown): string {
    const token = requireString(taskToken, 'taskToken');
    if (token.length > 2048) throw new ApiError('InvalidToken', 'Invalid Token: longer than 2048 characters');
    if (this.store.tokenOwners.has(token)) return token;
    if (this.store.closedTokens.has(token)) throw new ApiError('TaskTimedOut', 'Task Timed Out: the task is no longer open');
    throw new ApiError('TaskDoesNotExist', 'Task Does Not Exist: the token matches no open task');
  }

  // ---- Host: what the interpreter calls back -----------------------------------------------

  async callTask(call: TaskCall): Promise<unknown> {
    this.store.flush();
    switch (call.resource.service) {
      case 'lambda':
        return callLambda(this.lambda, call);
      case 'dynamodb':
        return callDynamoDB(this.dynamodb, call);
      case 'states': {
        const thread = this.store.threads.get(Store.threadKey(call.execution.seq, call.threadId));
        return callStartExecution(this, call, `${call.execution.arn}/${call.threadId}/${thread?.taskStart}`);
      }
      default:
        throw new StatesError('States.Runtime', `Unsupported resource ${call.resource.service}`);
    }
  }

  awaitToken(token: string, signal: AbortSignal): Promise<TokenOutcome> {
    const reported = this.store.tokenOutcomes.get(token);
    if (reported) return Promise.resolve(reported);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.tokenWaiters.delete(token);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.tokenWaiters.set(token, {
        resolve: (outcome) => {
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
        reject,
      });
    });
  }

  startChild(req: ChildExecutionRequest): ExecutionRecord {
    const existing = this.store.executions.get(req.arn);
    if (existing) return existing;
    return this.begin({ ...req, input: JSON.stringify(req.input), roleArn: this.store.executions.get(req.parent.exec)?.roleArn ?? '' });
  }

  awaitExecution(arn: string, signal: AbortSignal): Promise<ExecutionRecord> {
    const rec = this.execution(arn);
    if (rec.status !== 'RUNNING') return Promise.resolve(rec);
    return new Promise((resolve, reject) => {
      const waiters = this.executionWaiters.get(arn) ?? new Set();
      const onAbort = () => {
        waiters.delete(waiter);
        reject(signal.reason);
      };
      const waiter = {
        resolve: (done: ExecutionRecord) => {
          signal.removeEventListener('abort', onAbort);
          resolve(done);
        },
        reject,
      };
      waiters.add(waiter);
      this.executionWaiters.set(arn, waiters);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ApiError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function paginate<T>(items: T[], maxResults = 100, nextToken?: string, limit = 1000): { page: T[]; nextToken?: string } {
  const start = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ApiError('InvalidToken', 'Invalid pagination token');
  // AWS: the default page size is 100, and a value of 0 uses the default.
  const size = Math.min(maxResults || 100, limit);
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { page, nextToken: next };
}

/** includeExecutionData: false leaves inputs and outputs out of the events. */
function stripData(event: Record<string, any>): Record<string, unknown> {
  for (const key of Object.keys(event)) {
    const details = event[key];
    if (key.endsWith('EventDetails') && details && typeof details === 'object') {
      for (const field of ['input', 'output', 'parameters', 'inputDetails', 'outputDetails']) delete details[field];
    }
  }
  return event;
}
