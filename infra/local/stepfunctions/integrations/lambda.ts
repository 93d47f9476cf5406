import { randomUUID } from 'node:crypto';
import { StatesError } from '../errors.js';
import type { TaskCall } from '../host.js';

export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
}

export type LambdaHandler = (event: any, context: LambdaContext) => unknown;

/** How Lambda ARNs reach code: the local cloud registers bundled handlers, tests register functions. */
export interface LambdaInvoker {
  invoke(functionName: string, payload: unknown, signal: AbortSignal): Promise<unknown>;
}

/** The function name inside an ARN, a partial ARN or a plain name; the qualifier is dropped. */
export function functionNameOf(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? parts[at + 1] : parts[0];
}

/** Handlers held in memory, keyed by function name. */
export class LambdaRegistry implements LambdaInvoker {
  private readonly handlers = new Map<string, LambdaHandler>();

  register(nameOrArn: string, handler: LambdaHandler): void {
    this.handlers.set(functionNameOf(nameOrArn), handler);
  }

  async invoke(functionName: string, payload: unknown, signal: AbortSignal): Promise<unknown> {
    const name = functionNameOf(functionName);
    const handler = this.handlers.get(name);
    if (!handler) throw new StatesError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
    const started = Date.now();
    const context: LambdaContext = {
      functionName: name,
      awsRequestId: randomUUID(),
      invokedFunctionArn: functionName,
      getRemainingTimeInMillis: () => Math.max(0, 900_000 - (Date.now() - started)),
    };
    signal.throwIfAborted();
    try {
      // A copy, as over the wire: the handler cannot alter the engine's state.
      return await handler(structuredClone(payload), context);
    } catch (err) {
      throw functionError(err);
    }
  }
}

/** A function's own error, as Step Functions reports it: its type as Error, the JSON as Cause. */
function functionError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  const errorType = error.name || 'Error';
  const cause = JSON.stringify({ errorType, errorMessage: error.message, trace: (error.stack ?? '').split('\n') });
  return new StatesError(errorType, cause);
}

/** `arn:aws:states:::lambda:invoke` and bare function ARNs. */
export async function callLambda(invoker: LambdaInvoker, call: TaskCall): Promise<unknown> {
  if (call.resource.functionArn) return invoker.invoke(call.resource.functionArn, call.parameters, call.signal);
  const params = (call.parameters ?? {}) as { FunctionName?: string; Payload?: unknown; InvocationType?: string };
  if (typeof params.FunctionName !== 'string') {
    throw new StatesError('States.Runtime', 'The lambda:invoke integration needs a FunctionName parameter');
  }
  const payload = typeof params.Payload === 'string' ? tryParse(params.Payload) : params.Payload;
  const requestId = randomUUID();
  const result = params.InvocationType === 'Event' ? undefined : await invoker.invoke(params.FunctionName, payload ?? {}, call.signal);
  if (params.InvocationType === 'Event') void invoker.invoke(params.FunctionName, payload ?? {}, call.signal).catch(() => undefined);
  return {
    ExecutedVersion: '$LATEST',
    Payload: result === undefined ? null : result,
    SdkHttpMetadata: { HttpHeaders: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId }, HttpStatusCode: params.InvocationType === 'Event' ? 202 : 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: params.InvocationType === 'Event' ? 202 : 200,
  };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
