import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaInvoker } from './stepfunctions/integrations/lambda.js';
import { portFromEnv } from './env.js';
import { router, type RouteMatch, type RouteTarget } from './http-routes.js';

/** The local HTTP API: API Gateway HTTP API semantics (routes, payload format 2.0) in front of the Lambda host. */

export type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface GatewayOptions {
  invoker: LambdaInvoker;
  /** The API's routes (as `LocalTemplate.httpApi()` lists them). */
  routes: RouteTarget[];
  /** Serves `/_local/*` and `localPaths`, which never reach the function; 404 without it. */
  localRoutes?: NodeHandler;
  /** Exact paths the local cloud answers itself (e.g. `/health`). */
  localPaths?: string[];
  /** Default PORT or 3000; 0 picks a free port. */
  port?: number;
  host?: string;
  apiId?: string;
  account?: string;
  /** HTTP APIs give up on an integration after 30 s (503). */
  timeoutMs?: number;
  /** Settles once the functions behind the routes are there: a request made while the cloud starts waits for it. */
  ready?: Promise<void>;
}

export interface LocalGateway {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Bodies of these types reach the function as text; any other type arrives base64-encoded, as on AWS. */
export function isTextContent(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return /^text\//.test(type) || /^application\/([\w.-]+\+)?(json|xml)$/.test(type) || type === 'application/javascript';
}

/** `10/Apr/2022:13:30:05 +0000`, as in requestContext.time. */
function clf(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

class TooLarge extends Error {}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The payload format 2.0 event for a request. */
export function toEvent(req: http.IncomingMessage, body: Buffer, route: RouteMatch, options: { apiId: string; account: string; requestId: string }): Record<string, unknown> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) if (name !== 'cookie' && values) headers[name] = values.join(',');
  const cookies = (req.headersDistinct.cookie ?? []).flatMap((c) => c.split(/;\s*/)).filter(Boolean);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const text = isTextContent(headers['content-type']);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: options.account,
      apiId: options.apiId,
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: options.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: clf(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body.length > 0 && !text,
  };
  if (body.length > 0) event.body = text ? body.toString('utf8') : body.toString('base64');
  return event;
}

/** Writes a function's result as API Gateway does for payload format 2.0 (a result without statusCode is a 200 JSON body). */
export function writeResult(res: http.ServerResponse, result: unknown, requestId: string): void {
  const structured = result !== null && typeof result === 'object' && 'statusCode' in result;
  const r = (structured ? result : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result) }) as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    cookies?: unknown[];
    body?: unknown;
    isBase64Encoded?: boolean;
  };
  const status = Number(r.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return sendJson(res, 500, { message: 'Internal Server Error' }, requestId);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.multiValueHeaders ?? {})) headers[k.toLowerCase()] = (v ?? []).map(String);
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = [...[headers['set-cookie'] ?? []].flat(), ...r.cookies.map(String)];
  const body = r.body === undefined || r.body === null ? Buffer.alloc(0) : Buffer.from(String(r.body), r.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  headers['apigw-requestid'] = requestId;
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'apigw-requestid': requestId });
  res.end(text);
}

/** Waits for `ready`, or rejects with the signal's reason (a TimeoutError) when it fires first. */
function untilReady(ready: Promise<void> | undefined, signal: AbortSignal): Promise<void> | undefined {
  if (!ready) return undefined;
  return Promise.race([ready, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
}

export async function startGateway(options: GatewayOptions): Promise<LocalGateway> {
  const apiId = options.apiId ?? 'local';
  const account = options.account ?? '123456789012';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const route = router(options.routes);
  // Once the functions are there, requests no longer wait on it (nor add a listener each).
  let ready = options.ready;
  void ready?.then(() => (ready = undefined));
  const server = http.createServer(async (req, res) => {
    const requestId = randomBytes(12).toString('base64');
    try {
      const pathname = (req.url ?? '').split('?')[0];
      if (pathname.startsWith('/_local/') || pathname === '/_local' || options.localPaths?.includes(pathname)) {
        if (options.localRoutes) return await options.localRoutes(req, res);
        return sendJson(res, 404, { message: 'Not Found' }, requestId);
      }
      const matched = route(req.method ?? 'GET', (req.url ?? '/').split('?')[0]);
      if (!matched) return sendJson(res, 404, { message: 'Not Found' }, requestId);
      const event = toEvent(req, await readBody(req), matched, { apiId, account, requestId });
      let result: unknown;
      try {
        const signal = AbortSignal.timeout(timeoutMs);
        await untilReady(ready, signal);
        result = await options.invoker.invoke(matched.functionName, event, signal);
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') return sendJson(res, 503, { message: 'Service Unavailable' }, requestId);
        console.error(`[gateway] ${matched.functionName} failed:`, (err as Error).name, (err as Error).message);
        return sendJson(res, 500, { message: 'Internal Server Error' }, requestId);
      }
      writeResult(res, result, requestId);
    } catch (err) {
      if (err instanceof TooLarge) {
        res.setHeader('connection', 'close');
        return sendJson(res, 413, { message: 'Request Entity Too Large' }, requestId);
      }
      console.error('[gateway] internal error', err);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' }, requestId);
      else res.destroy();
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? portFromEnv('PORT', 3000), host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
