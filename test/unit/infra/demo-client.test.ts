import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoClient } from '../../../infra/local/demo-client.js';

// A server restarting answers 503 for a while: a driver must not read that answer as the campaign's state.
describe('DemoClient reads of JSON', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const restarting = req.url?.includes('restarting');
      res.writeHead(restarting ? 503 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(restarting ? { message: 'Service Unavailable' } : { id: 'c1', phase: 'review', phaseStatus: 'awaiting' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives the campaign status of a 200 answer', async () => {
    expect(await new DemoClient(base).status('c1')).toMatchObject({ phase: 'review', phaseStatus: 'awaiting' });
  });

  it('fails on a 503 answer instead of returning its body as a status', async () => {
    await expect(new DemoClient(base).status('restarting')).rejects.toThrow('/api/campaigns/restarting: HTTP 503');
  });

  it('fails on a 503 answer from the mailbox', async () => {
    await expect(new DemoClient(`${base}/restarting`).links('a@b.c')).rejects.toThrow('HTTP 503');
  });
});
