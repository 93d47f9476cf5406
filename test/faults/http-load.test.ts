// The load generator itself, against a small real server whose answers are known: what the fault
// suite's load tests assert (no 5xx, no errors, latency quantiles) is counted right.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantile } from '../support/load/http-load.js';
import { loadFromChildProcess } from '../support/load/spawn-load.js';

describe('the HTTP load generator', () => {
  let server: http.Server;
  let base = '';
  const sockets = new Set<string>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      sockets.add(`${req.socket.remotePort}`);
      if (req.url === '/fail') res.writeHead(503).end('服务暂不可用');
      else if (req.url === '/reset') req.socket.destroy();
      else setTimeout(() => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes the nearest-rank quantile', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(sorted, 0.5), quantile(sorted, 0.95), quantile(sorted, 0.99), quantile(sorted, 1)]).toEqual([50, 95, 99, 100]);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('counts answers by status, 5xx and connection errors, from a second process over keep-alive connections', async () => {
    sockets.clear();
    const report = await loadFromChildProcess({ urls: [`${base}/ok`, `${base}/ok`, `${base}/fail`, `${base}/reset`], seconds: 1, connections: 4 });
    // Each connection sends the URLs in turn, so the four kinds come in equal numbers, give or take one per connection.
    const ok = report.statuses['200'];
    expect(Math.abs(ok / 2 - report.statuses['503'])).toBeLessThanOrEqual(4);
    expect(Math.abs(report.errors - report.statuses['503'])).toBeLessThanOrEqual(4);
    expect(report.serverErrors).toBe(report.statuses['503']);
    expect(report.requests).toBe(ok + report.statuses['503'] + report.errors);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(20);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(report.latencyMs.p99);
    // Keep-alive: far fewer sockets than requests (a reset costs one).
    expect(sockets.size).toBeLessThan(report.requests / 2);
  });
});
