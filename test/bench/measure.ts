// What the benches share: a fresh local cloud, execution histories, the median of repeated runs, and the raw write floor they compare with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Table } from '../../functions/data/table.js';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Writes the floor's items and posts its seconds: plain JavaScript, so that a worker runs it without the TypeScript loader. */
const FLOOR_WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const { DynamoDBClient, BatchWriteItemCommand } = require(workerData.sdk);
const { endpoint, tableName, count, attributes, parallel, skPrefix } = workerData;
const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
let next = 0;
const lane = async () => {
  while (next < count) {
    const from = next;
    next = Math.min(count, next + 25);
    let requests = [];
    for (let i = from; i < next; i++) {
      requests.push({ PutRequest: { Item: { ...attributes, pk: { S: 'v1#BENCH#FLOOR' }, sk: { S: skPrefix + '#' + i.toString(16).padStart(64, '0') } } } });
    }
    while (requests.length) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems && out.UnprocessedItems[tableName]) || [];
    }
  }
};
const started = performance.now();
Promise.all(Array.from({ length: parallel }, lane)).then(() => {
  parentPort.postMessage((performance.now() - started) / 1000);
  client.destroy();
});`;

/**
 * The raw write floor: BatchWriteItem of `count` items shaped and sized like `sample` (sort keys
 * `<skPrefix>#<64 hex>`), 25 per request, `parallel` requests in flight; seconds taken. The writer
 * runs in a thread of its own, as the functions do: on the store's thread, encoding its requests
 * took about a fifth of that thread's time, which the store then lacked.
 */
export async function writeFloor(endpoint: string, tableName: string, count: number, sample: Record<string, unknown>, options: { parallel: number; skPrefix: string }): Promise<number> {
  const { pk: _pk, sk: _sk, ...fields } = sample;
  const attributes = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
  const sdk = createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb');
  const worker = new Worker(FLOOR_WRITER, { eval: true, workerData: { sdk, endpoint, tableName, count, attributes, ...options } });
  try {
    return await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The floor's writer stopped (exit ${code}) before it finished`)));
    });
  } finally {
    await worker.terminate();
  }
}

/** Every event of an execution's history, page by page. */
export async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: false }));
    events.push(...page.events!);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/**
 * A fresh local cloud in a temporary folder, with clients for its store and its engine and the
 * product's table; close() stops it and removes the folder.
 */
export async function freshCloud(name: string, options: { movableClock?: boolean } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `nuanliu-bench-${name}-`));
  const cloud = await startLocalCloud({ dataDir, ephemeralPorts: true, ...options });
  const ddb = localDynamoClient(cloud.endpoints.dynamodb);
  const sfn = new SFNClient({ endpoint: cloud.endpoints.stepfunctions, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tableName = (await ddb.send(new ListTablesCommand({}))).TableNames![0];
  const table = new Table(DynamoDBDocumentClient.from(ddb), tableName);
  const close = async () => {
    sfn.destroy();
    ddb.destroy();
    await cloud.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { cloud, ddb, sfn, tableName, table, close };
}

/**
 * This process's resident memory as Linux splits it, sampled from /proc/self/status until stop():
 * anonymous (heaps and native allocations) and file-backed (mapped files, chiefly the store's
 * tables, which LevelDB reads through mmap: page cache the kernel may reclaim). Peaks of each, in
 * MB; undefined where there is no /proc.
 */
export function sampleMemory(intervalMs = 250) {
  const peak = { anonMb: 0, fileMb: 0 };
  const sample = () => {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const mb = (field: string) => Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024);
    peak.anonMb = Math.max(peak.anonMb, mb('RssAnon'));
    peak.fileMb = Math.max(peak.fileMb, mb('RssFile'));
  };
  if (!fs.existsSync('/proc/self/status')) return { stop: () => undefined };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakAnonRssMb: peak.anonMb, peakFileRssMb: peak.fileMb };
    },
  };
}
