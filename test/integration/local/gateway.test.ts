import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type LocalGateway } from '../../../infra/local/gateway.js';
import { LambdaHost } from '../../../infra/local/lambda-host.js';

const ECHO = `
export const handler = async (event) => {
  switch (event.rawPath) {
    case '/throw': throw new Error('boom');
    case '/plain': return { hello: 'world' };
    case '/sleep': await new Promise((r) => setTimeout(r, 1000)); return { late: true };
    case '/binary': return { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
    default: return { statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-Echo': 'yes' }, cookies: ['session=abc; Path=/; HttpOnly', 'theme=dark'], body: JSON.stringify(event) };
  }
};`;

let dir: string;
let host: LambdaHost;
let gateway: LocalGateway;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-gw-'));
  fs.writeFileSync(path.join(dir, 'index.mjs'), ECHO);
  host = new LambdaHost();
  host.register({ name: 'web', codeDir: dir, handler: 'index.handler' });
  gateway = await startGateway({
    invoker: host,
    routes: [
      { routeKey: 'ANY /{proxy+}', functionName: 'web' },
      { routeKey: 'ANY /', functionName: 'web' },
      { routeKey: 'GET /campaigns/{id}', functionName: 'web' },
    ],
    port: 0,
    apiId: 'abc123',
    account: '111122223333',
    timeoutMs: 500,
    localRoutes: (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`local ${req.url}`);
    },
  });
});

afterAll(async () => {
  await gateway.close();
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('local HTTP API gateway', () => {
  it('sends a payload format 2.0 event and writes the structured response', async () => {
    const headers = new Headers({ 'X-Custom': 'one', Cookie: 'a=1; b=2', 'User-Agent': 'vitest' });
    headers.append('X-Multi', 'x');
    headers.append('X-Multi', 'y');
    const res = await fetch(`${gateway.url}/campaigns/42?district=xuhui&tag=a&tag=b&q=%E6%9A%96`, { headers });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark']);
    const event = (await res.json()) as any;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /campaigns/{id}',
      rawPath: '/campaigns/42',
      pathParameters: { id: '42' },
      rawQueryString: 'district=xuhui&tag=a&tag=b&q=%E6%9A%96',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { district: 'xuhui', tag: 'a,b', q: '暖' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '111122223333',
        apiId: 'abc123',
        domainName: '127.0.0.1',
        http: { method: 'GET', path: '/campaigns/42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        routeKey: 'GET /campaigns/{id}',
        stage: '$default',
      },
    });
    expect(event.headers).toMatchObject({ 'x-custom': 'one', 'x-multi': 'x, y', 'user-agent': 'vitest' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5000);
    expect(event.requestContext.requestId).toBe(res.headers.get('apigw-requestid'));
  });

  it('selects the most specific route', async () => {
    const at = async (method: string, p: string) => (await (await fetch(`${gateway.url}${p}`, { method })).json()) as { routeKey: string; pathParameters?: object };
    expect(await at('GET', '/')).toMatchObject({ routeKey: 'ANY /' });
    expect(await at('POST', '/campaigns/42')).toMatchObject({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'campaigns/42' } });
    expect(await at('GET', '/campaigns/%E6%9A%96/x')).toMatchObject({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'campaigns/暖/x' } });
  });

  it('passes text bodies as text and other bodies base64-encoded', async () => {
    const post = async (contentType: string, body: string | Uint8Array) =>
      (await (await fetch(`${gateway.url}/echo`, { method: 'POST', headers: { 'content-type': contentType }, body })).json()) as { body: string; isBase64Encoded: boolean };
    expect(await post('application/json; charset=utf-8', '{"名":"张三"}')).toMatchObject({ body: '{"名":"张三"}', isBase64Encoded: false });
    expect(await post('text/csv', 'a,b\n1,2')).toMatchObject({ body: 'a,b\n1,2', isBase64Encoded: false });
    const bytes = new Uint8Array([0, 159, 146, 150]);
    expect(await post('application/octet-stream', bytes)).toMatchObject({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true });
    expect(await post('application/x-www-form-urlencoded', 'a=1&b=2')).toMatchObject({ body: Buffer.from('a=1&b=2').toString('base64'), isBase64Encoded: true });
  });

  it('joins duplicate headers with commas, as API Gateway does', async () => {
    const { request } = await import('node:http');
    const res = await new Promise<string>((resolve, reject) => {
      // fetch merges duplicates itself; a raw request sends them as separate lines.
      const req = request(`${gateway.url}/dup`, (r) => {
        let text = '';
        r.on('data', (c) => (text += c));
        r.on('end', () => resolve(text));
      });
      req.setHeader('X-Dup', ['a', 'b']);
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(res).headers['x-dup']).toBe('a,b');
  });

  it('infers a 200 JSON response and decodes base64 bodies', async () => {
    const plain = await fetch(`${gateway.url}/plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ hello: 'world' });
    const binary = await fetch(`${gateway.url}/binary`);
    expect(binary.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('answers 500 for a failing function and 503 when the integration times out', async () => {
    const failed = await fetch(`${gateway.url}/throw`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    const slow = await fetch(`${gateway.url}/sleep`);
    expect(slow.status).toBe(503);
    expect(await slow.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('holds a request made while the cloud starts until its functions are registered, within the time limit', async () => {
    const starting = new LambdaHost();
    let registered = () => undefined as void;
    const ready = new Promise<void>((resolve) => (registered = resolve));
    const early = await startGateway({ invoker: starting, routes: [{ routeKey: 'ANY /{proxy+}', functionName: 'web' }], port: 0, timeoutMs: 1000, ready });
    try {
      const answer = fetch(`${early.url}/plain`);
      await new Promise((r) => setTimeout(r, 200));
      starting.register({ name: 'web', codeDir: dir, handler: 'index.handler' });
      registered();
      expect((await answer).status).toBe(200);
      expect(await (await answer).json()).toEqual({ hello: 'world' });
    } finally {
      await early.close();
      await starting.close();
    }
  });

  it('answers 503 when the cloud has not finished starting within the time limit', async () => {
    const early = await startGateway({ invoker: new LambdaHost(), routes: [{ routeKey: 'ANY /{proxy+}', functionName: 'web' }], port: 0, timeoutMs: 300, ready: new Promise(() => undefined) });
    try {
      const res = await fetch(`${early.url}/plain`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ message: 'Service Unavailable' });
    } finally {
      await early.close();
    }
  });

  it('serves /_local/* itself, never through the function', async () => {
    const res = await fetch(`${gateway.url}/_local/health?x=1`);
    expect(await res.text()).toBe('local /_local/health?x=1');
  });

  it('refuses bodies over 10 MB with 413', async () => {
    const res = await fetch(`${gateway.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    const ok = await fetch(`${gateway.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(1024 * 1024) });
    expect(ok.status).toBe(201);
  });
});
