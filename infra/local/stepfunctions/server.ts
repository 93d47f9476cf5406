import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiError } from './errors.js';
import type { Engine } from './engine.js';
import { keepIdleConnections } from '../idle-connections.js';

/** The actions served over the Step Functions JSON protocol (`X-Amz-Target: AWSStepFunctions.<Action>`). */
const ACTIONS = {
  CreateStateMachine: (e: Engine, b: any) => e.createStateMachine(b),
  UpdateStateMachine: (e: Engine, b: any) => e.updateStateMachine(b),
  DescribeStateMachine: (e: Engine, b: any) => e.describeStateMachine(b),
  ListStateMachines: (e: Engine, b: any) => e.listStateMachines(b),
  DeleteStateMachine: (e: Engine, b: any) => e.deleteStateMachine(b),
  StartExecution: (e: Engine, b: any) => e.startExecution(b),
  StartSyncExecution: (e: Engine, b: any) => e.startSyncExecution(b),
  DescribeExecution: (e: Engine, b: any) => e.describeExecution(b),
  ListExecutions: (e: Engine, b: any) => e.listExecutions(b),
  GetExecutionHistory: (e: Engine, b: any) => e.getExecutionHistory(b),
  StopExecution: (e: Engine, b: any) => e.stopExecution(b.executionArn, b.error, b.cause),
  SendTaskSuccess: (e: Engine, b: any) => e.sendTaskSuccess(b),
  SendTaskFailure: (e: Engine, b: any) => e.sendTaskFailure(b),
  SendTaskHeartbeat: (e: Engine, b: any) => e.sendTaskHeartbeat(b),
  DescribeMapRun: (e: Engine, b: any) => e.describeMapRun(b),
  ListMapRuns: (e: Engine, b: any) => e.listMapRuns(b),
} satisfies Record<string, (e: Engine, body: any) => unknown>;

const MAX_REQUEST_BYTES = 1024 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': randomUUID(), 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, err: unknown): void {
  if (err instanceof ApiError) return send(res, err.status, { __type: `com.amazonaws.swf.service.v2.model#${err.code}`, message: err.message });
  // Only client errors carry details; anything else is an internal failure.
  console.error('[sfn-local] internal error', err);
  send(res, 500, { __type: 'InternalFailure', message: 'Internal failure' });
}

async function readBody(req: http.IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new ApiError('ValidationException', 'The request exceeds 1 MiB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const body = JSON.parse(text);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body;
  } catch {
    throw new ApiError('SerializationException', 'The request body is not a JSON object');
  }
}

/** Handles one HTTP request: an SFN action, or `POST /_local/clock` to move a movable clock. */
export function handler(engine: Engine) {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      if (req.method !== 'POST') throw new ApiError('UnknownOperationException', 'Only POST is served', 404);
      const body = await readBody(req);
      if (req.url === '/_local/clock') {
        if (typeof body.advanceSeconds !== 'number') throw new ApiError('ValidationException', 'advanceSeconds (a number) is required');
        try {
          return send(res, 200, engine.advanceClock(body.advanceSeconds));
        } catch (err) {
          throw new ApiError('ValidationException', (err as Error).message);
        }
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = ACTIONS[target.replace(/^AWSStepFunctions\./, '') as keyof typeof ACTIONS];
      if (!target.startsWith('AWSStepFunctions.') || !action) throw new ApiError('UnknownOperationException', `Unknown operation '${target}'`);
      send(res, 200, await action(engine, body));
    } catch (err) {
      sendError(res, err);
    }
  };
}

/** Serves the engine on localhost; resolves once listening. */
export async function serve(engine: Engine, port: number, host = '127.0.0.1'): Promise<{ server: http.Server; url: string }> {
  const server = keepIdleConnections(http.createServer(handler(engine)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}
