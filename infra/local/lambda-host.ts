import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StatesError } from './stepfunctions/errors.js';
import { functionNameOf, type LambdaInvoker } from './stepfunctions/integrations/lambda.js';
import type { FromWorker, SerializedError, ToWorker, WorkerData } from './lambda-worker.js';
import { fromSource, siblingModule } from './sibling-module.js';
import { Turns } from './turns.js';

/** A bundled Node.js function, as the template describes it. */
export interface FunctionConfig {
  name: string;
  /** Defaults to arn:aws:lambda:<region>:<account>:function:<name>. */
  arn?: string;
  /** The directory holding the bundle (the CDK asset), e.g. containing index.mjs. */
  codeDir: string;
  /** `index.handler` → export `handler` of index.js/.mjs/.cjs. */
  handler: string;
  environment?: Record<string, string>;
  /** Default 3, as on AWS. */
  timeoutSeconds?: number;
  memoryMb?: number;
}

export interface LambdaHostOptions {
  region?: string;
  account?: string;
  /** Variables every function gets under its own (e.g. credentials, AWS_ENDPOINT_URL_DYNAMODB). */
  baseEnv?: Record<string, string>;
  /** A sandbox with nothing to do for this long is ended, as AWS reclaims idle ones (default 5). */
  idleSeconds?: number;
  /**
   * Invocations of one function that run at once (default 8); later ones wait their turn, and their
   * timeout starts when it comes. On AWS each runs in a sandbox of its own; here a function's share
   * one thread, so more at once would only make each take longer, until all of them time out.
   */
  concurrency?: number;
}

type Pending = { resolve: (payload: string | undefined) => void; reject: (err: Error) => void; timer?: NodeJS.Timeout };

/** One worker thread holding one function's module: invocations are multiplexed by id. */
interface Sandbox {
  worker: Worker;
  ready: Promise<void>;
  /** Fails `ready`, if the sandbox is still starting. */
  failStart: (err: Error) => void;
  pending: Map<number, Pending>;
  /** Set after a timeout: no new invocations; terminated once the others settle. */
  draining: boolean;
  /** Runs while nothing is pending: ends the sandbox when it fires. */
  idle?: NodeJS.Timeout;
}

/**
 * Each sandbox's young generation, twice V8's default for a worker (32 MB): functions that decode
 * thousands of items a page spent a tenth of their time collecting garbage (the campaign bench used 13% less CPU).
 */
const YOUNG_GENERATION_MB = 64;

/**
 * The sandbox's own module. Run from source, it is lambda-worker.ts with its types stripped (it
 * imports only Node's modules), so that no sandbox loads tsx: tsx's loader would run every import
 * of the sandbox through a thread of its own, and transform each bundle again.
 */
const workerEntry = fromSource ? strippedModuleUrl(siblingModule('lambda-worker')) : pathToFileURL(siblingModule('lambda-worker')).href;

function strippedModuleUrl(file: string): string {
  const { transformSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const { code } = transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });
  // Stack traces name the source file.
  return `data:text/javascript;base64,${Buffer.from(`${code}\n//# sourceURL=${pathToFileURL(file).href}`).toString('base64')}`;
}

const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.entry).then((sandbox) => sandbox.start());`;

/**
 * A function's failure: to callers, an Error with the function's own name, message and stack; to the
 * Step Functions engine, a StatesError whose Error is that name and whose Cause is the JSON Lambda returns.
 */
export class FunctionError extends StatesError {
  constructor(name: string, message: string, stack?: string) {
    super(name, JSON.stringify({ errorType: name, errorMessage: message, ...(stack ? { trace: stack.split('\n') } : {}) }));
    this.name = name;
    this.message = message;
    if (stack) this.stack = stack;
  }
}

const revive = (e: SerializedError) => new FunctionError(e.name, e.message, e.stack);

/** Hosts bundled Lambda handlers, each function in its own worker thread with its own process.env. */
export class LambdaHost implements LambdaInvoker {
  private readonly functions = new Map<string, FunctionConfig>();
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly all = new Set<Sandbox>();
  private readonly turns = new Map<string, Turns>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: LambdaHostOptions = {}) {}

  register(config: FunctionConfig): void {
    this.functions.set(config.name, config);
  }

  /** A registered function's configuration (a copy), by name. */
  configOf(name: string): FunctionConfig | undefined {
    const config = this.functions.get(name);
    return config && { ...config, environment: { ...config.environment } };
  }

  /** Registered function names. */
  names(): string[] {
    return [...this.functions.keys()];
  }

  arnOf(name: string): string {
    const { region = 'us-east-1', account = '123456789012' } = this.options;
    return this.functions.get(name)?.arn ?? `arn:${region.startsWith('cn-') ? 'aws-cn' : 'aws'}:lambda:${region}:${account}:function:${name}`;
  }

  /** Invokes a function by name or ARN; resolves to its JSON result (null when it returned nothing). */
  async invoke(functionName: string, payload: unknown, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) throw new Error('The Lambda host is closed');
    const name = functionNameOf(functionName);
    const config = this.functions.get(name);
    if (!config) throw new StatesError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
    const turns = this.turnsOf(name);
    await turns.take(signal);
    try {
      return await this.run(config, functionName, payload, signal);
    } finally {
      turns.give();
    }
  }

  private turnsOf(name: string): Turns {
    let turns = this.turns.get(name);
    if (!turns) this.turns.set(name, (turns = new Turns(this.options.concurrency ?? 8)));
    return turns;
  }

  private async run(config: FunctionConfig, functionName: string, payload: unknown, signal?: AbortSignal): Promise<unknown> {
    // Closed while this invocation waited its turn.
    if (this.closed) throw new Error('The Lambda host is closed');
    const name = config.name;
    const sandbox = this.sandboxFor(config);
    clearTimeout(sandbox.idle);
    await sandbox.ready;
    // Aborted while the sandbox started: nothing is sent, and the sandbox may end when idle.
    if (signal?.aborted) {
      if (sandbox.pending.size === 0) this.retireWhenIdle(sandbox);
      signal.throwIfAborted();
    }
    const requestId = randomUUID();
    const timeoutSeconds = config.timeoutSeconds ?? 3;
    const id = ++this.nextId;
    const result = await new Promise<string | undefined>((resolve, reject) => {
      const entry: Pending = { resolve, reject };
      const settle = () => {
        clearTimeout(entry.timer);
        signal?.removeEventListener('abort', onAbort);
        sandbox.pending.delete(id);
        if (sandbox.pending.size > 0) return;
        if (sandbox.draining) void this.retire(sandbox);
        else this.retireWhenIdle(sandbox);
      };
      entry.resolve = (value) => (settle(), resolve(value));
      entry.reject = (err) => (settle(), reject(err));
      // Like Step Functions giving up on a task: the function itself runs on, its result unused.
      const onAbort = () => entry.reject(signal!.reason instanceof Error ? signal!.reason : new Error('Invocation aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.timer = setTimeout(() => {
        // As AWS reports a timeout; the sandbox is replaced once its other invocations settle.
        sandbox.draining = true;
        if (this.sandboxes.get(name) === sandbox) this.sandboxes.delete(name);
        entry.reject(new FunctionError('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`));
      }, timeoutSeconds * 1000);
      sandbox.pending.set(id, entry);
      const message: ToWorker = {
        type: 'invoke',
        id,
        event: JSON.stringify(payload ?? null),
        requestId,
        invokedFunctionArn: functionName.startsWith('arn:') ? functionName : this.arnOf(name),
        deadline: Date.now() + timeoutSeconds * 1000,
      };
      sandbox.worker.postMessage(message);
    });
    return result === undefined ? null : JSON.parse(result);
  }

  /** Terminates every worker; pending invocations fail. */
  async close(): Promise<void> {
    this.closed = true;
    const sandboxes = [...this.all];
    for (const sandbox of sandboxes) this.fail(sandbox, new Error('The Lambda host closed'));
    await Promise.all(sandboxes.map((s) => this.retire(s)));
  }

  private sandboxFor(config: FunctionConfig): Sandbox {
    const existing = this.sandboxes.get(config.name);
    if (existing) return existing;
    const { region = 'us-east-1' } = this.options;
    const env = {
      ...this.options.baseEnv,
      ...config.environment,
      // Reserved variables, which a function cannot override on AWS either.
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: config.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.name}`,
      LAMBDA_TASK_ROOT: config.codeDir,
    };
    const data: WorkerData & { entry: string } = {
      codeDir: config.codeDir,
      handler: config.handler,
      functionName: config.name,
      memoryMb: config.memoryMb ?? 128,
      entry: workerEntry,
    };
    // The heap holds the function's configured memory, as its Lambda sandbox does: past it, the invocation fails.
    const resourceLimits = { maxOldGenerationSizeMb: data.memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    const worker = new Worker(BOOT, { eval: true, env, workerData: data, name: `lambda:${config.name}`, resourceLimits });
    const sandbox: Sandbox = { worker, pending: new Map(), draining: false, ready: undefined as unknown as Promise<void>, failStart: () => undefined };
    sandbox.ready = new Promise<void>((resolve, reject) => {
      sandbox.failStart = reject;
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'init-error') {
          // AWS retries the init on the next invocation: so does a fresh worker here.
          reject(revive(msg.error));
          void this.retire(sandbox);
        } else if (msg.type === 'result') sandbox.pending.get(msg.id)?.resolve(msg.payload);
        else sandbox.pending.get(msg.id)?.reject(revive(msg.error));
      });
      const died = (err: Error) => {
        const error = new FunctionError('Runtime.ExitError', `Error: Runtime exited with error: ${err.message}`, err.stack);
        reject(error);
        this.fail(sandbox, error);
        void this.retire(sandbox);
      };
      worker.on('error', died);
      worker.on('exit', (code) => died(new Error(`exit status ${code}`)));
    });
    sandbox.ready.catch(() => undefined);
    this.sandboxes.set(config.name, sandbox);
    this.all.add(sandbox);
    return sandbox;
  }

  /** Ends the sandbox unless an invocation comes within the idle time (invoke clears the timer). */
  private retireWhenIdle(sandbox: Sandbox): void {
    clearTimeout(sandbox.idle);
    sandbox.idle = setTimeout(() => {
      if (sandbox.pending.size === 0) void this.retire(sandbox);
    }, (this.options.idleSeconds ?? 5) * 1000);
    sandbox.idle.unref();
  }

  private fail(sandbox: Sandbox, err: Error): void {
    sandbox.failStart(err);
    for (const entry of [...sandbox.pending.values()]) entry.reject(err);
  }

  private async retire(sandbox: Sandbox): Promise<void> {
    clearTimeout(sandbox.idle);
    for (const [name, s] of this.sandboxes) if (s === sandbox) this.sandboxes.delete(name);
    if (!this.all.delete(sandbox)) return;
    sandbox.worker.removeAllListeners('exit');
    await sandbox.worker.terminate();
  }
}
