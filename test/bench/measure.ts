// What the benches share: a fresh local cloud, execution histories, the median of repeated runs, and the raw write floor they compare with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { Table } from '../../functions/data/table.js';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Item attributes like `sample`'s, without its key. */
const attributesOf = (sample: Record<string, unknown>) => {
  const { pk: _pk, sk: _sk, ...fields } = sample;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
};

interface WriterJob {
  kind: 'batch' | 'conditional';
  endpoint: string;
  tableName: string;
  count: number;
  sample: Record<string, unknown>;
  /** Every item's partition key; sort keys are `<skPrefix>#<64 hex>`. */
  pk: string;
  skPrefix: string;
  /** Requests in flight. */
  parallel: number;
}

/**
 * Writes `count` items like `sample` from a thread of its own (store-writer.mjs), as the functions
 * write from theirs: on the store's thread, encoding the requests took about a fifth of that
 * thread's time, which the store then lacked. Seconds taken.
 */
async function writeFromOwnThread({ sample, ...job }: WriterJob): Promise<number> {
  const worker = new Worker(new URL('./store-writer.mjs', import.meta.url), { workerData: { ...job, attributes: attributesOf(sample) } });
  try {
    return await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The writer stopped (exit ${code}) before it finished`)));
    });
  } finally {
    await worker.terminate();
  }
}

/**
 * The raw write floor: BatchWriteItem of `count` items shaped and sized like `sample` (sort keys
 * `<skPrefix>#<64 hex>`), 25 per request, `parallel` requests in flight, from a thread of its own;
 * seconds taken.
 */
export const writeFloor = (endpoint: string, tableName: string, count: number, sample: Record<string, unknown>, options: { parallel: number; skPrefix: string }) =>
  writeFromOwnThread({ kind: 'batch', endpoint, tableName, count, sample, pk: 'v1#BENCH#FLOOR', ...options });

/** As many single conditional PutItems of items like `sample`, from a thread of its own, 32 in flight; seconds taken. */
export const conditionalPuts = (endpoint: string, tableName: string, count: number, sample: Record<string, unknown>) =>
  writeFromOwnThread({ kind: 'conditional', endpoint, tableName, count, sample, pk: 'v1#BENCH#PUTS', skPrefix: 'MZ01', parallel: 32 });

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
  const table = new Table(ddb, tableName);
  const close = async () => {
    sfn.destroy();
    ddb.destroy();
    await cloud.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { cloud, ddb, sfn, tableName, table, close };
}

/**
 * This process's resident memory, sampled from /proc/self/status until stop(): in all, and as Linux
 * splits it, anonymous (heaps and native allocations) and file-backed (mapped files, chiefly the
 * store's tables, which LevelDB reads through mmap: page cache the kernel may reclaim). Peaks of
 * each while sampled, in MB; undefined where there is no /proc.
 */
export function sampleMemory(intervalMs = 250) {
  const peak = { rssMb: 0, anonMb: 0, fileMb: 0 };
  const sample = () => {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const mb = (field: string) => Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024);
    peak.rssMb = Math.max(peak.rssMb, mb('VmRSS'));
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
      return { sampledPeakRssMb: peak.rssMb, peakAnonRssMb: peak.anonMb, peakFileRssMb: peak.fileMb };
    },
  };
}
