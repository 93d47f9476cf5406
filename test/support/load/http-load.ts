// A small HTTP load generator, run as its own process (so the server's event loop and the
// client's are not the same): `connections` keep-alive connections on loopback, each sending
// GETs of the given URLs in turn for `seconds`. Prints one JSON line with the figures.
// Usage: node --import tsx test/support/load/http-load.ts '{"urls":[...],"seconds":20,"connections":32}'
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const optionsSchema = z.object({
  urls: z.array(z.url()).min(1),
  seconds: z.number().positive().max(3600),
  connections: z.number().int().min(1).max(1024),
  /** Headers sent with every request (e.g. a session cookie). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type LoadOptions = z.input<typeof optionsSchema>;

export interface LoadReport {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Responses with a 5xx status. */
  serverErrors: number;
  /** Requests that got no response (reset, refused, timed out). */
  errors: number;
  connections: number;
}

/** The value at quantile q of ascending `sorted` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function runLoad(input: LoadOptions): Promise<LoadReport> {
  const options = optionsSchema.parse(input);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;

  const get = (url: string) => new Promise<number>((resolve, reject) => {
    const req = http.get(url, { agent, headers: options.headers, timeout: 30_000 }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });

  const started = performance.now();
  const endsAt = started + options.seconds * 1000;
  const connection = async (c: number) => {
    for (let i = c; performance.now() < endsAt; i++) {
      const sent = performance.now();
      try {
        const status = await get(options.urls[i % options.urls.length]);
        latencies.push(performance.now() - sent);
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, c) => connection(c)));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length + errors,
    seconds: round(seconds),
    requestsPerSecond: round(latencies.length / seconds),
    latencyMs: { p50: round(quantile(latencies, 0.5)), p95: round(quantile(latencies, 0.95)), p99: round(quantile(latencies, 0.99)), max: round(latencies.at(-1) ?? 0) },
    statuses,
    serverErrors: Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, count]) => n + count, 0),
    errors,
    connections: options.connections,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLoad(JSON.parse(process.argv[2] ?? '{}'))
    .then((report) => console.log(JSON.stringify(report)))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
