import fs from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { dynaliteDb as dynaliteStores } from './dynalite-internals.js';
import { keepIdleConnections } from './idle-connections.js';
import { leanLevelAccess, type CallbackLevel } from './level-access.js';
import { closeIteratorsWithStreams, type StreamedLevel } from './level-streams.js';
import { batchGetItems, batchedGets, type BatchGetStore } from './dynamodb-batch-get.js';
import { batchExecuteStatements, StatementRequestError, type DynaliteStore, type StatementRequest } from './dynamodb-statements.js';
import { meterEnabled, meterRequest } from './dynamodb-meter.js';
import { useBatchedReads } from './dynamodb-pages.js';
import { useKeptPartitionPrefixes } from './dynamodb-keys.js';
import { portFromEnv } from './env.js';
import type { TableSpec } from './template-resources.js';

export interface LocalDynamoDB {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface DynamoOptions {
  /** The local cloud's data directory; tables live in `<dataDir>/dynamodb`. */
  dataDir: string;
  /** Default DYNAMODB_PORT or 8000; 0 picks a free port. */
  port?: number;
  host?: string;
}

/** Starts dynalite on disk (LevelDB), as dynamoServer makes it. */
export async function startDynamoDB(options: DynamoOptions): Promise<LocalDynamoDB> {
  const dir = path.join(options.dataDir, 'dynamodb');
  fs.mkdirSync(dir, { recursive: true });
  const server = dynamoServer(dir);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? portFromEnv('DYNAMODB_PORT', 8000), host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    // Closing the server also closes the LevelDB store, so the directory can be opened again.
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/**
 * A dynalite server, not yet listening, on LevelDB in `dir` (in memory without one). Tables are
 * ACTIVE as soon as they are created. BatchExecuteStatement, which dynalite lacks, is answered on
 * its store (see dynamodb-statements.ts), and so is BatchGetItem, each table's keys read at once
 * (see dynamodb-batch-get.ts).
 */
export function dynamoServer(dir?: string): Server {
  return dynamoServerWithStore(dir).server;
}

/** dynamoServer, and the store it answers from (for tests that look into it). */
export function dynamoServerWithStore(dir?: string): { server: Server; store: LocalStore } {
  const { server, store } = dynaliteWithStore({ ...(dir ? { path: dir } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  keepIdleConnections(server);
  const dynaliteHandler = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  server.removeAllListeners('request');
  const metered = meterEnabled();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = req.headers['x-amz-target'];
    const act: ((body: unknown) => Promise<unknown>) | undefined =
      target === 'DynamoDB_20120810.BatchExecuteStatement' ? (body) => batchExecuteStatements(store, body as StatementRequest)
      : target === 'DynamoDB_20120810.BatchGetItem' && batchedGets() ? (body) => batchGetItems(store, body)
      : undefined;
    // The meter is given the body parsed here rather than parsing it again.
    const metering = metered ? meterRequest(req, res, { bodyGiven: act !== undefined }) : undefined;
    if (!act) return dynaliteHandler(req, res);
    void answerJson(req, res, (body) => {
      metering?.(body);
      return act(body);
    });
  });
  return { server, store };
}

export type LocalStore = DynaliteStore & BatchGetStore & { db: StreamedLevel & CallbackLevel & { open(options: { maxOpenFiles: number; maxFileSize: number; writeBufferSize: number }): Promise<void> } };
/** dynalite/db, whose create() makes the store that dynalite then keeps to itself. */
const dynaliteDb = dynaliteStores as typeof dynaliteStores & { create(options: unknown): LocalStore };
useBatchedReads();
useKeptPartitionPrefixes();

/**
 * Table files LevelDB keeps open (its default: 1,000). It maps each open file into memory, and
 * every page it has read stays in the process's RSS: at Minhang's scale, 1.8 GB of a 1.6 GB store.
 * Files past this many are closed and unmapped, to be opened again when read.
 */
const OPEN_TABLE_FILES = 64;
/**
 * Bytes LevelDB writes to one table file before it starts the next (its default: 2 MB). A
 * conditional write first reads its key, usually one not yet written and anywhere in the table;
 * with four times fewer files, fewer such reads find a file closed and open it again.
 */
const TABLE_FILE_BYTES = 8 << 20;
/**
 * Bytes of writes LevelDB keeps in memory before it writes them to a table file (its default:
 * 4 MB). The functions' keys fall anywhere in the table, so every such file overlaps the whole
 * next level and each compaction rewrites it: with 8 times fewer files, the 1× campaign bench
 * used about a tenth less CPU time.
 */
const WRITE_BUFFER_BYTES = 32 << 20;

/** A dynalite server, and the store it was made with (dynalite keeps it to itself). */
function dynaliteWithStore(options: Record<string, unknown>): { server: Server; store: LocalStore } {
  const create = dynaliteDb.create;
  let store: LocalStore | undefined;
  dynaliteDb.create = (o) => (store = create(o));
  try {
    const server: Server = dynalite(options);
    closeIteratorsWithStreams(store!.db);
    leanLevelAccess(store!.db);
    // Opened here, with options, before the store opens itself (a microtask later) without them.
    // An error is not lost: every request then fails with it, as on the store's own open.
    store!.db.open({ maxOpenFiles: OPEN_TABLE_FILES, maxFileSize: TABLE_FILE_BYTES, writeBufferSize: WRITE_BUFFER_BYTES }).catch(() => undefined);
    return { server, store: store! };
  } finally {
    dynaliteDb.create = create;
  }
}

/** Answers a request that `act` answers here, not dynalite: its errors as dynalite's (statusCode and body) or the statements' own. */
async function answerJson(req: IncomingMessage, res: ServerResponse, act: (body: unknown) => Promise<unknown>): Promise<void> {
  const send = (status: number, body: unknown) => {
    const json = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': json.length, 'x-amz-crc32': zlib.crc32(json) });
    res.end(json);
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let request: unknown;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, { __type: 'com.amazon.coral.service#SerializationException' });
    }
    send(200, await act(request));
  } catch (err) {
    const refused = err as Error & { statusCode?: number; body?: unknown };
    if (err instanceof StatementRequestError) send(400, { __type: err.type, message: err.message });
    else if (refused.statusCode && refused.body) send(refused.statusCode, refused.body);
    else send(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: (err as Error).message });
  }
}

/** A client's settings for a local endpoint (any credentials are accepted). */
export const localDynamoConfig = (endpoint: string, region = 'us-east-1') => ({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** A client for a local endpoint. */
export function localDynamoClient(endpoint: string, region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient(localDynamoConfig(endpoint, region));
}

/**
 * Properties the local store cannot hold, left out on purpose. They change nothing an item operation
 * can observe: backups, encryption at rest, deletion protection, tags, table class, streams (dynalite
 * has none: nothing may rely on them locally) and TTL (items never expire locally).
 */
const IGNORED = new Set([
  'PointInTimeRecoverySpecification',
  'SSESpecification',
  'DeletionProtectionEnabled',
  'Tags',
  'TableClass',
  'ContributorInsightsSpecification',
  'StreamSpecification',
  'TimeToLiveSpecification',
  'Replicas',
  'WarmThroughput',
  'OnDemandThroughput',
  'ResourcePolicy',
  'WriteProvisionedThroughputSettings',
  'WriteOnDemandThroughputSettings',
]);
const USED = new Set(['TableName', 'KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes', 'BillingMode', 'ProvisionedThroughput']);
/** A nominal throughput where a PROVISIONED table or index states none (GlobalTable keeps it in other properties). */
const NOMINAL = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

/** The CreateTable request for a template table; throws on a property it does not know. */
export function createTableInput(table: TableSpec): CreateTableCommandInput {
  const p = table.properties;
  for (const key of Object.keys(p)) {
    if (!USED.has(key) && !IGNORED.has(key)) throw new Error(`Resources.${table.logicalId}.Properties.${key}: not supported by the local DynamoDB store`);
  }
  // dynalite 4 holds PAY_PER_REQUEST itself (DescribeTable reports it), so the billing mode passes through.
  const provisioned = (p.BillingMode ?? 'PROVISIONED') === 'PROVISIONED';
  const throughput = (t: unknown) => (provisioned ? ((t as CreateTableCommandInput['ProvisionedThroughput']) ?? NOMINAL) : undefined);
  const index = (i: Record<string, any>) => ({
    IndexName: i.IndexName,
    KeySchema: i.KeySchema,
    Projection: i.Projection ?? { ProjectionType: 'ALL' },
  });
  return {
    TableName: table.tableName,
    KeySchema: p.KeySchema,
    AttributeDefinitions: p.AttributeDefinitions,
    BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ProvisionedThroughput: throughput(p.ProvisionedThroughput),
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes?.map((i: Record<string, any>) => ({ ...index(i), ProvisionedThroughput: throughput(i.ProvisionedThroughput) })),
    LocalSecondaryIndexes: p.LocalSecondaryIndexes?.map(index),
  };
}

const keys = (schema: unknown) => JSON.stringify(schema ?? []);

/** Creates each table that does not exist yet; an existing table must have the same keys and indexes. */
export async function ensureTables(endpoint: string, tables: TableSpec[]): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    for (const table of tables) {
      const input = createTableInput(table);
      let existing: TableDescription | undefined = await describe(client, table.tableName);
      if (!existing) {
        await client.send(new CreateTableCommand(input));
        existing = await describe(client, table.tableName);
        for (let i = 0; existing?.TableStatus !== 'ACTIVE' && i < 100; i++) {
          await new Promise((r) => setTimeout(r, 20));
          existing = await describe(client, table.tableName);
        }
        continue;
      }
      // dynalite cannot add or change indexes on a table: a changed schema needs a fresh data directory.
      const differs = (what: string) => new Error(`Table ${table.tableName} exists with a different ${what} than the template; delete the local data directory to recreate it`);
      if (keys(existing.KeySchema) !== keys(input.KeySchema)) throw differs('key schema');
      const names = (list?: { IndexName?: string; KeySchema?: unknown }[]) => JSON.stringify((list ?? []).map((i) => [i.IndexName, i.KeySchema]).sort());
      if (names(existing.GlobalSecondaryIndexes) !== names(input.GlobalSecondaryIndexes)) throw differs('set of global secondary indexes');
      if (names(existing.LocalSecondaryIndexes) !== names(input.LocalSecondaryIndexes)) throw differs('set of local secondary indexes');
    }
  } finally {
    client.destroy();
  }
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
