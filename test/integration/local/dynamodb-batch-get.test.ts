import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, type AttributeValue, type BatchGetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoServerWithStore, localDynamoClient } from '../../../infra/local/dynamodb.js';
import { useBatchedGets } from '../../../infra/local/dynamodb-batch-get.js';

let dataDir: string;
let server: ReturnType<typeof dynamoServerWithStore>['server'];
let store: ReturnType<typeof dynamoServerWithStore>['store'];
let client: ReturnType<typeof localDynamoClient>;

const key = (table: 'people' | 'units', i: number): Record<string, AttributeValue> =>
  table === 'people' ? { pk: { S: 'p' }, sk: { S: `b#${String(i).padStart(4, '0')}` } } : { unit: { S: `u${i}` } };

/** Items of every attribute type; every tenth of the people about 300 KB, so that answers reach their limit. */
function person(i: number): Record<string, AttributeValue> {
  return {
    ...key('people', i),
    n: { N: String(i * 7 - 300) },
    text: { S: i % 10 === 0 ? 'x'.repeat(300_000) : `对象${i}` },
    m: { M: { a: { N: String(i) }, b: { L: [{ S: 'x' }, { BOOL: i % 2 === 0 }, { NULL: true }] } } },
    ...(i % 5 === 0 ? { tags: { SS: ['a', `t${i}`] }, bin: { B: Buffer.from([i % 256, 1, 2]) } } : {}),
  };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-batch-get-'));
  ({ server, store } = dynamoServerWithStore(dataDir));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = localDynamoClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await client.send(new CreateTableCommand({
    TableName: 'people',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  await client.send(new CreateTableCommand({
    TableName: 'units',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'unit', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'unit', AttributeType: 'S' }],
  }));
  for (let from = 0; from < 120; from += 5) {
    await client.send(new BatchWriteItemCommand({ RequestItems: { people: Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: person(from + i) } })) } }));
  }
  await client.send(new BatchWriteItemCommand({ RequestItems: { units: Array.from({ length: 9 }, (_, i) => ({ PutRequest: { Item: { ...key('units', i), name: { S: `单位${i}` } } } })) } }));
}, 60_000);

afterAll(async () => {
  useBatchedGets(true);
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const people = (from: number, count: number) => Array.from({ length: count }, (_, i) => key('people', from + i));

const GETS: Record<string, BatchGetItemCommandInput['RequestItems'] & object> = {
  'keys found and missing, whole items': { people: { Keys: [...people(1, 9), ...people(500, 3)] } },
  'a projection with nested paths and names': { people: { Keys: people(11, 40), ProjectionExpression: '#s, m.b[1], tags', ExpressionAttributeNames: { '#s': 'sk' }, ConsistentRead: true } },
  'attributes to get, from two tables': { people: { Keys: people(41, 5), AttributesToGet: ['sk', 'n'] }, units: { Keys: [key('units', 2), key('units', 7), key('units', 12)] } },
};

/** An answer with its items and tables in one order (both answer them in no set order). */
const ordered = (answer: { Responses?: Record<string, Record<string, AttributeValue>[]>; UnprocessedKeys?: unknown; ConsumedCapacity?: { TableName?: string }[] }) => ({
  Responses: Object.fromEntries(Object.entries(answer.Responses ?? {}).map(([t, items]) => [t, items.map((i) => JSON.stringify(i)).sort()])),
  UnprocessedKeys: answer.UnprocessedKeys,
  ConsumedCapacity: answer.ConsumedCapacity && [...answer.ConsumedCapacity].sort((a, b) => (a.TableName ?? '').localeCompare(b.TableName ?? '')),
});

/** The answer, or the error's name and message, with dynalite's own BatchGetItem or this store's. */
async function answered(batched: boolean, input: BatchGetItemCommandInput) {
  useBatchedGets(batched);
  const getMany = vi.spyOn(store.db, 'getMany');
  try {
    const answer = ordered(await client.send(new BatchGetItemCommand(input)));
    return { answer, getMany: getMany.mock.calls.length };
  } catch (err) {
    return { error: [(err as Error).name, (err as Error).message], getMany: getMany.mock.calls.length };
  } finally {
    getMany.mockRestore();
  }
}

describe('BatchGetItem of the local store', () => {
  it.each(Object.entries(GETS))('answers %s as dynalite does, with its capacity, reading each table at once', async (_name, RequestItems) => {
    for (const ReturnConsumedCapacity of ['NONE', 'TOTAL', 'INDEXES'] as const) {
      const dynalite = await answered(false, { RequestItems, ReturnConsumedCapacity });
      const batched = await answered(true, { RequestItems, ReturnConsumedCapacity });
      expect(batched.answer).toEqual(dynalite.answer);
      expect(Object.values(batched.answer!.Responses).flat().length).toBeGreaterThan(0);
      expect([dynalite.getMany, batched.getMany]).toEqual([0, Object.keys(RequestItems).length]);
    }
  });

  it('stops at the size limit as dynalite does, and answers the rest as UnprocessedKeys', async () => {
    // 10 items of about 300 KB among 100: more than one answer holds.
    const RequestItems = { people: { Keys: people(0, 100), ConsistentRead: true } };
    const results = await Promise.all([false, true].map((batched) => answered(batched, { RequestItems, ReturnConsumedCapacity: 'TOTAL' })));
    for (const { answer } of results) {
      const got = answer!.Responses.people.map((i) => JSON.parse(i).sk.S as string);
      const left = (answer!.UnprocessedKeys as { people: { Keys: { sk: { S: string } }[]; ConsistentRead: boolean } }).people;
      expect(left.ConsistentRead).toBe(true);
      expect(left.Keys.length).toBeGreaterThan(0);
      expect([...got, ...left.Keys.map((k) => k.sk.S)].sort()).toEqual(people(0, 100).map((k) => k.sk.S).sort());
    }
    // Which keys are left over depends on the order, random both ways; how many does not: 4 large items fit, 6 do not.
    expect(results.map(({ answer }) => (answer!.UnprocessedKeys as { people: { Keys: unknown[] } }).people.Keys.length)).toEqual([6, 6]);
  });

  it.each([
    ['a table that does not exist', { nobody: { Keys: [key('units', 1)] } }],
    ['a key of another schema', { people: { Keys: [key('units', 1)] } }],
    ['the same key twice', { people: { Keys: [key('people', 1), key('people', 1)] } }],
    ['more than 100 keys', { people: { Keys: people(0, 101) } }],
    ['a projection naming no attribute', { people: { Keys: people(0, 2), ProjectionExpression: '#x' } }],
  ])('refuses %s as dynalite does', async (_name, RequestItems) => {
    const dynalite = await answered(false, { RequestItems });
    const batched = await answered(true, { RequestItems });
    expect(dynalite.error).toBeDefined();
    expect(batched.error).toEqual(dynalite.error);
  });
});
