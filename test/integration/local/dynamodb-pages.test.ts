import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoServerWithStore, localDynamoClient } from '../../../infra/local/dynamodb.js';
import { useBatchedReads } from '../../../infra/local/dynamodb-pages.js';

const TableName = 'pages';
let dataDir: string;
let server: ReturnType<typeof dynamoServerWithStore>['server'];
let streamsOpened = 0;
let client: ReturnType<typeof localDynamoClient>;

/** Items of every attribute type, some large enough that a page stops at 1 MB. */
function item(partition: string, i: number): Record<string, AttributeValue> {
  return {
    pk: { S: partition },
    sk: { S: `b#${String(i).padStart(4, '0')}` },
    n: { N: String(i * 7 - 300) },
    ...(i % 3 === 0 ? { unit: { S: `unit-${i % 4}` } } : {}),
    text: { S: '帮困'.repeat(i % 11 === 0 ? 30_000 : 1 + (i % 40)) },
    m: { M: { a: { N: String(i) }, b: { L: [{ S: 'x' }, { BOOL: i % 2 === 0 }, { NULL: true }] } } },
    ...(i % 5 === 0 ? { tags: { SS: ['a', `t${i}`] }, bin: { B: Buffer.from([i % 256, 1, 2]) } } : {}),
  };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-pages-'));
  const started = dynamoServerWithStore(dataDir);
  server = started.server;
  const db = started.store.db;
  const stream = db.createValueStream.bind(db);
  db.createValueStream = (options) => (streamsOpened++, stream(options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = localDynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await client.send(new CreateTableCommand({
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }, { AttributeName: 'unit', AttributeType: 'S' }, { AttributeName: 'n', AttributeType: 'N' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byUnit', KeySchema: [{ AttributeName: 'unit', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    LocalSecondaryIndexes: [{ IndexName: 'byN', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'n', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
  }));
  const items = [...Array.from({ length: 400 }, (_, i) => item('big', i)), ...Array.from({ length: 30 }, (_, i) => item('small', i))];
  for (let from = 0; from < items.length; from += 25) {
    await client.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: items.slice(from, from + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}, 60_000);

afterAll(async () => {
  useBatchedReads(true);
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Read = { query: Omit<QueryCommandInput, 'TableName'> } | { scan: Omit<ScanCommandInput, 'TableName'> };

const big = { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'big' } } };
const READS: Record<string, Read> = {
  'a whole partition, pages of 1 MB': { query: big },
  'backwards, 7 at a time': { query: { ...big, ScanIndexForward: false, Limit: 7 } },
  'a range of sort keys': { query: { KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b', ExpressionAttributeValues: { ':p': { S: 'big' }, ':a': { S: 'b#0100' }, ':b': { S: 'b#0250' } }, Limit: 40 } },
  'sort keys beginning with': { query: { KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': { S: 'big' }, ':s': { S: 'b#02' } } } },
  'sort keys after, backwards': { query: { KeyConditionExpression: 'pk = :p AND sk > :s', ExpressionAttributeValues: { ':p': { S: 'big' }, ':s': { S: 'b#0390' } }, ScanIndexForward: false } },
  'a filter and a projection with nested paths': {
    query: { ...big, FilterExpression: 'n > :z AND attribute_exists(tags)', ProjectionExpression: 'sk, m.b[1], tags', ExpressionAttributeValues: { ':p': { S: 'big' }, ':z': { N: '0' } }, Limit: 50 },
  },
  'a legacy filter and attributes to get': {
    query: { KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'small' }] } }, QueryFilter: { n: { ComparisonOperator: 'LT', AttributeValueList: [{ N: '-100' }] } }, AttributesToGet: ['sk', 'n'] },
  },
  'a count with the capacity it takes': { query: { ...big, Select: 'COUNT', ReturnConsumedCapacity: 'TOTAL', ConsistentRead: true } },
  'a global index, with its capacity': { query: { IndexName: 'byUnit', KeyConditionExpression: '#u = :u', ExpressionAttributeNames: { '#u': 'unit' }, ExpressionAttributeValues: { ':u': { S: 'unit-2' } }, ReturnConsumedCapacity: 'INDEXES', Limit: 9 } },
  'a local index of keys only, read whole': { query: { IndexName: 'byN', KeyConditionExpression: 'pk = :p AND n >= :n', ExpressionAttributeValues: { ':p': { S: 'big' }, ':n': { N: '100' } }, Select: 'ALL_ATTRIBUTES', Limit: 30 } },
  'a whole table': { scan: {} },
  'a table in segments, filtered': { scan: { Segment: 2, TotalSegments: 3, FilterExpression: 'size(#t) < :l', ExpressionAttributeNames: { '#t': 'text' }, ExpressionAttributeValues: { ':l': { N: '60' } } } },
  'a table, 11 at a time, with its capacity': { scan: { Limit: 11, ReturnConsumedCapacity: 'INDEXES' } },
};

/** Every page of a read, as the client gets it. */
async function pages(read: Read) {
  const answered = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = 'query' in read
      ? await client.send(new QueryCommand({ TableName, ...read.query, ExclusiveStartKey: start }))
      : await client.send(new ScanCommand({ TableName, ...read.scan, ExclusiveStartKey: start }));
    const { Items, Count, ScannedCount, LastEvaluatedKey, ConsumedCapacity } = page;
    answered.push({ Items, Count, ScannedCount, LastEvaluatedKey, ConsumedCapacity });
    start = LastEvaluatedKey;
  } while (start);
  return answered;
}

describe('batched reads of the local store', () => {
  it.each(Object.entries(READS))('answers %s page for page as dynalite does', async (_name, read) => {
    useBatchedReads(false);
    streamsOpened = 0;
    const streamed = await pages(read);
    expect(streamsOpened).toBeGreaterThan(0);

    useBatchedReads(true);
    streamsOpened = 0;
    const batched = await pages(read);
    // Only an index read for attributes it does not hold is left to dynalite's stream.
    if (!('query' in read && read.query.IndexName === 'byN')) expect(streamsOpened).toBe(0);

    expect(batched).toEqual(streamed);
    expect(batched.reduce((n, p) => n + p.Count!, 0)).toBeGreaterThan(0);
  });

  it('stops a page at 1 MB, as DynamoDB does', async () => {
    const answered = await pages(READS['a whole partition, pages of 1 MB']);
    expect(answered.length).toBeGreaterThan(1);
    expect(answered.reduce((n, p) => n + p.Count!, 0)).toBe(400);
    expect(answered.at(-1)!.LastEvaluatedKey).toBeUndefined();
  });
});
