/**
 * One Lambda sandbox: a worker thread that imports a function's bundle once and runs invocations
 * sent by the host (lambda-host.ts). Its process.env is the function's own environment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

export interface WorkerData {
  codeDir: string;
  /** `file.export`, e.g. `index.handler` or `src/app.main`. */
  handler: string;
  functionName: string;
  memoryMb: number;
}

export type ToWorker = { type: 'invoke'; id: number; event: string; requestId: string; invokedFunctionArn: string; deadline: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; payload: string | undefined }
  | { type: 'error'; id: number; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

const data = workerData as WorkerData;
const port = parentPort!;
// NodejsFunction bundles set NODE_OPTIONS=--enable-source-maps; a worker reads no NODE_OPTIONS, so honour it here.
if (process.env.NODE_OPTIONS?.includes('--enable-source-maps')) process.setSourceMapsEnabled(true);

/** An error as the Node.js runtime reports it: errorType is the error's name (or the thrown value's type). */
function serialize(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name || 'Error', message: err.message, stack: err.stack };
  return { name: typeof err, message: String(err) };
}

/** A failure to load the handler, named as the runtime names it. */
class InitError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Finds the module file as the runtime does (.js, .mjs, .cjs) and the named export. */
async function loadHandler(): Promise<(...args: unknown[]) => unknown> {
  const slash = data.handler.lastIndexOf('/');
  const dot = data.handler.indexOf('.', slash + 1);
  if (dot < 0) throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${data.handler}: missing a dot`);
  const modulePath = path.resolve(data.codeDir, data.handler.slice(0, dot));
  const file = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext).find((f) => fs.existsSync(f));
  if (!file) throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${data.handler.slice(0, dot)}'`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, any>;
  let fn: any = mod;
  for (const key of data.handler.slice(dot + 1).split('.')) fn = fn?.[key] ?? (fn === mod ? mod.default?.[key] : undefined);
  if (typeof fn !== 'function') throw new InitError('Runtime.HandlerNotFound', `${data.handler} is undefined or not exported`);
  return fn;
}

async function run(handler: (...args: unknown[]) => unknown, msg: ToWorker): Promise<string | undefined> {
  const context = {
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: msg.invokedFunctionArn,
    memoryLimitInMB: String(data.memoryMb),
    awsRequestId: msg.requestId,
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: `local/${data.functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
    // Kept for handlers that set it; the local sandbox freezes nothing either way.
    callbackWaitsForEmptyEventLoop: true,
  };
  const event = JSON.parse(msg.event);
  const result =
    handler.length >= 3
      ? // Callback-style handler (the nodejs20.x runtime still supports them).
        await new Promise((resolve, reject) => {
          const done = (err: unknown, value?: unknown) => (err ? reject(err) : resolve(value));
          const returned = handler(event, context, done) as PromiseLike<unknown> | undefined;
          if (typeof returned?.then === 'function') returned.then(resolve, reject);
        })
      : await handler(event, context);
  // As over the wire: the host gets JSON, as Lambda would return it.
  return result === undefined ? undefined : JSON.stringify(result);
}

/** Loads the handler and serves invocations; called once the boot code has loaded this module. */
export async function start(): Promise<void> {
  try {
    const handler = await loadHandler();
    port.on('message', (msg: ToWorker) => {
      run(handler, msg).then(
        (payload) => port.postMessage({ type: 'result', id: msg.id, payload } satisfies FromWorker),
        (err) => port.postMessage({ type: 'error', id: msg.id, error: serialize(err) } satisfies FromWorker),
      );
    });
    port.postMessage({ type: 'ready' } satisfies FromWorker);
  } catch (err) {
    const e = serialize(err);
    const error = err instanceof InitError ? e : { name: 'Runtime.ImportModuleError', message: `${e.name}: ${e.message}`, stack: e.stack };
    port.postMessage({ type: 'init-error', error } satisfies FromWorker);
  }
}
