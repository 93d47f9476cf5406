import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { BatchExecuteStatementCommand, BatchWriteItemCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dynaliteRequire, dynaliteValidations } from '../../../infra/local/dynalite-internals.js';
import { plainValue } from '../../../infra/local/dynamodb-statements.js';
import { dynamoServerWithStore, ensureTables, localDynamoClient, startDynamoDB, type LocalDynamoDB } from '../../../infra/local/dynamodb.js';
import { dynamoTables } from '../../../infra/local/template-resources.js';
import { LocalTemplate, type CfnTemplate } from '../../../infra/local/template.js';

const OPTIONS = { region: 'us-east-1', account: '123456789012', stackName: 'Test' };

const TEMPLATE: CfnTemplate = {
  Resources: {
    Campaigns: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: { 'Fn::Sub': '${AWS::StackName}-campaigns' },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [{ IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    },
    Counters: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] },
    },
  },
};

let dataDir: string;
let db: LocalDynamoDB;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-ddb-'));
  db = await startDynamoDB({ dataDir, port: 0 });
});

afterEach(async () => {
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The LevelDB under the local store, as the tests of its options reach it. */
interface LevelOfStore {
  batch(ops: object[]): Promise<void>;
  compactRange(start: string, end: string): Promise<void>;
  getProperty(name: string): string;
}
/** 16 values of `bytes` random bytes each (as base64, which does not compress), at the keys given. */
const putIncompressible = (db: LevelOfStore, keyOf: (i: number) => string, bytes: number) =>
  db.batch(Array.from({ length: 16 }, (_, i) => ({ type: 'put', key: keyOf(i), value: randomBytes(bytes).toString('base64') })));
/** The size of each table file LevelDB has written. */
const tableFileSizes = (db: LevelOfStore) => [...db.getProperty('leveldb.sstables').matchAll(/(\d+):(\d+)\[/g)].map((m) => Number(m[2]));

describe('local DynamoDB', () => {
  it('creates the template tables, keeps items on disk across restarts, and is idempotent', async () => {
    const tables = dynamoTables(new LocalTemplate(TEMPLATE, OPTIONS));
    await ensureTables(db.endpoint, tables);
    const client = localDynamoClient(db.endpoint);
    const described = (await client.send(new DescribeTableCommand({ TableName: 'Test-campaigns' }))).Table!;
    expect(described.TableStatus).toBe('ACTIVE');
    expect(described.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(described.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['gsi1']);
    const counters = (await client.send(new DescribeTableCommand({ TableName: 'Counters' }))).Table!;
    expect(counters.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });

    await client.send(new PutItemCommand({ TableName: 'Test-campaigns', Item: { pk: { S: 'C#1' }, sk: { S: 'P#1' }, gsi1pk: { S: 'D#xuhui' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
    await expect(
      client.send(new PutItemCommand({ TableName: 'Test-campaigns', Item: { pk: { S: 'C#1' }, sk: { S: 'P#1' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    client.destroy();

    await db.close();
    db = await startDynamoDB({ dataDir, port: 0 });
    expect(fs.existsSync(path.join(dataDir, 'dynamodb'))).toBe(true);
    await ensureTables(db.endpoint, tables);
    const again = localDynamoClient(db.endpoint);
    const item = await again.send(new GetItemCommand({ TableName: 'Test-campaigns', Key: { pk: { S: 'C#1' }, sk: { S: 'P#1' } } }));
    expect(item.Item?.gsi1pk).toEqual({ S: 'D#xuhui' });
    const byIndex = await again.send(new QueryCommand({ TableName: 'Test-campaigns', IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :d', ExpressionAttributeValues: { ':d': { S: 'D#xuhui' } } }));
    expect(byIndex.Count).toBe(1);
    again.destroy();
  });

  it('runs batches of PartiQL INSERTs as DynamoDB does: each item only if its key is new', async () => {
    await ensureTables(db.endpoint, dynamoTables(new LocalTemplate(TEMPLATE, OPTIONS)));
    const client = localDynamoClient(db.endpoint);
    const insert = (sk: string, v = 'x') => ({ Statement: `INSERT INTO "Test-campaigns" VALUE {'pk': ?, 'sk': ?, 'gsi1pk': ?, 'v': ?}`, Parameters: [{ S: 'C#1' }, { S: sk }, { S: 'D#minhang' }, { S: v }] });
    const run = (Statements: { Statement: string; Parameters?: object[] }[]) => client.send(new BatchExecuteStatementCommand({ Statements: Statements as never }));

    expect((await run([insert('1'), insert('2')])).Responses).toEqual([{ TableName: 'Test-campaigns' }, { TableName: 'Test-campaigns' }]);
    const again = await run([insert('1', 'changed'), insert('3')]);
    expect(again.Responses).toEqual([{ TableName: 'Test-campaigns', Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } }, { TableName: 'Test-campaigns' }]);
    const item = await client.send(new GetItemCommand({ TableName: 'Test-campaigns', Key: { pk: { S: 'C#1' }, sk: { S: '1' } } }));
    expect(item.Item?.v).toEqual({ S: 'x' });
    const byIndex = await client.send(new QueryCommand({ TableName: 'Test-campaigns', IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :d', ExpressionAttributeValues: { ':d': { S: 'D#minhang' } } }));
    expect(byIndex.Count).toBe(3);

    // Per statement: a missing key, a parameter count that does not match, an unknown table.
    const wrong = await run([
      { Statement: `INSERT INTO "Test-campaigns" VALUE {'pk': ?}`, Parameters: [{ S: 'C#1' }] },
      { Statement: `INSERT INTO "Test-campaigns" VALUE {'pk': ?, 'sk': ?}`, Parameters: [{ S: 'C#1' }] },
      { Statement: `INSERT INTO "Nope" VALUE {'pk': ?, 'sk': ?}`, Parameters: [{ S: 'C#1' }, { S: '9' }] },
    ]);
    expect(wrong.Responses?.map((r) => r.Error?.Code)).toEqual(['ValidationError', 'ValidationError', 'ResourceNotFound']);
    // The whole request: two statements on one item, more than 25 statements, a statement other than INSERT.
    await expect(run([insert('4'), insert('4')])).rejects.toMatchObject({ name: 'ValidationException', message: 'Provided list of item keys contains duplicates' });
    await expect(run(Array.from({ length: 26 }, (_, i) => insert(`m${i}`)))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(run([{ Statement: `SELECT * FROM "Test-campaigns" WHERE pk = ?`, Parameters: [{ S: 'C#1' }] }])).rejects.toThrow(/only INSERT and UPDATE statements/);
    client.destroy();
  });

  it("checks an INSERT's value types as dynalite's PutItem does, and skips that check only where it would change nothing", async () => {
    const plain = [{ S: 'x' }, { S: '' }, { N: '1.50' }, { BOOL: false }, { NULL: true }];
    const other = [{ B: 'AAAA' }, { SS: ['a'] }, { M: {} }, { L: [] }, { S: 5 }, { N: 1 }, { BOOL: 'true' }, { S: 'x', N: '1' }, {}, 'x', null, [{ S: 'x' }]];
    const putItemTypes = (dynaliteRequire('./validations/putItem') as { types: unknown }).types;
    for (const value of plain) {
      expect(plainValue(value)).toBe(true);
      const request = { TableName: 'Test-campaigns', Item: { v: value }, Expected: { pk: { Exists: false } } };
      expect(dynaliteValidations.checkTypes(structuredClone(request), putItemTypes)).toEqual(request);
    }
    for (const value of other) expect(plainValue(value)).toBe(false);

    await ensureTables(db.endpoint, dynamoTables(new LocalTemplate(TEMPLATE, OPTIONS)));
    // Raw requests: the SDK would not send a number where a string belongs.
    const send = async (Parameters: unknown[]) => {
      const res = await fetch(db.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.BatchExecuteStatement', Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' },
        body: JSON.stringify({ Statements: [{ Statement: `INSERT INTO "Test-campaigns" VALUE {'pk': ?, 'sk': ?, 'v': ?}`, Parameters }] }),
      });
      return ((await res.json()) as { Responses: { Error?: { Code: string; Message: string } }[] }).Responses[0];
    };
    // Wrong types are refused with dynalite's own reason; plain values are still validated; other types are stored as sent.
    expect(await send([{ S: 'C#1' }, { S: 'a' }, { S: 5 }])).toEqual({ TableName: 'Test-campaigns', Error: { Code: 'ValidationError', Message: 'NUMBER_VALUE cannot be converted to String' } });
    expect((await send([{ S: 'C#1' }, { S: 'b' }, { N: 'abc' }])).Error?.Code).toBe('ValidationError');
    expect(await send([{ S: 'C#1' }, { S: 'c' }, { M: { bytes: { B: 'AAEC' }, tags: { SS: ['x', 'y'] } } }])).toEqual({ TableName: 'Test-campaigns' });
    const client = localDynamoClient(db.endpoint);
    const stored = await client.send(new GetItemCommand({ TableName: 'Test-campaigns', Key: { pk: { S: 'C#1' }, sk: { S: 'c' } } }));
    expect(stored.Item?.v).toEqual({ M: { bytes: { B: new Uint8Array([0, 1, 2]) }, tags: { SS: ['x', 'y'] } } });
    expect((await client.send(new ScanCommand({ TableName: 'Test-campaigns' }))).Count).toBe(1);
    client.destroy();
  });

  it('runs batches of PartiQL UPDATEs as DynamoDB does: each changes an existing item only if its condition holds', async () => {
    await ensureTables(db.endpoint, dynamoTables(new LocalTemplate(TEMPLATE, OPTIONS)));
    const client = localDynamoClient(db.endpoint);
    const run = (Statements: { Statement: string; Parameters?: object[] }[]) => client.send(new BatchExecuteStatementCommand({ Statements: Statements as never }));
    const put = (sk: string, fields: Record<string, object>) => client.send(new PutItemCommand({ TableName: 'Test-campaigns', Item: { pk: { S: 'C#1' }, sk: { S: sk }, ...fields } as never }));
    const get = async (sk: string) => (await client.send(new GetItemCommand({ TableName: 'Test-campaigns', Key: { pk: { S: 'C#1' }, sk: { S: sk } } }))).Item;
    await put('a', { status: { S: 'issued' }, attempt: { N: '1' } });
    await put('b', {});
    await put('c', { status: { S: 'paid' }, attempt: { N: '1' } });
    await put('d', { status: { S: 'issued' }, attempt: { N: '2' } });
    const record = (sk: string) => ({
      Statement: `UPDATE "Test-campaigns" SET "status" = ? SET "attempts" = ?, "n" = 7 WHERE "pk" = ? AND "sk" = ? AND ("status" IS MISSING OR "status" = 'issued') AND (attempt IS MISSING OR attempt = ?)`,
      Parameters: [{ S: 'paid' }, { L: [{ M: { outcome: { S: 'paid' } } }] }, { S: 'C#1' }, { S: sk }, { N: '1' }],
    });

    // a and b (no status, no attempt) hold; c is paid already; d is at attempt 2; e does not exist, and UPDATE creates nothing.
    const answers = await run(['a', 'b', 'c', 'd', 'e'].map(record));
    expect(answers.Responses?.map((r) => r.Error?.Code ?? 'ok')).toEqual(['ok', 'ok', 'ConditionalCheckFailed', 'ConditionalCheckFailed', 'ConditionalCheckFailed']);
    expect(await get('a')).toEqual({ pk: { S: 'C#1' }, sk: { S: 'a' }, status: { S: 'paid' }, attempt: { N: '1' }, attempts: { L: [{ M: { outcome: { S: 'paid' } } }] }, n: { N: '7' } });
    expect((await get('b'))?.status).toEqual({ S: 'paid' });
    expect((await get('c'))?.attempts).toBeUndefined();
    expect((await get('d'))?.status).toEqual({ S: 'issued' });
    expect(await get('e')).toBeUndefined();
    // The same again: nothing holds any more.
    expect((await run([record('a')])).Responses?.[0].Error?.Code).toBe('ConditionalCheckFailed');

    // NOT, <> and IS NOT MISSING.
    const flag = { Statement: `UPDATE "Test-campaigns" SET flagged = ? WHERE pk = ? AND sk = ? AND NOT (status <> 'paid') AND attempt IS NOT MISSING`, Parameters: [{ BOOL: true }, { S: 'C#1' }, { S: 'c' }] };
    expect((await run([flag])).Responses).toEqual([{ TableName: 'Test-campaigns' }]);
    expect((await get('c'))?.flagged).toEqual({ BOOL: true });

    // Per statement: no key in WHERE, a key attribute set, parameters that do not match, a malformed statement,
    // a value that is no number, an index key of the wrong type.
    const wrong = await run([
      { Statement: `UPDATE "Test-campaigns" SET v = ? WHERE pk = ? AND sk = ?`, Parameters: [{ N: 'twelve' }, { S: 'C#1' }, { S: 'a' }] },
      { Statement: `UPDATE "Test-campaigns" SET gsi1pk = ? WHERE pk = ? AND sk = ?`, Parameters: [{ N: '1' }, { S: 'C#1' }, { S: 'a' }] },
      { Statement: `UPDATE "Test-campaigns" SET v = ? WHERE pk = ?`, Parameters: [{ S: 'x' }, { S: 'C#1' }] },
      { Statement: `UPDATE "Test-campaigns" SET sk = ? WHERE pk = ? AND sk = ?`, Parameters: [{ S: 'x' }, { S: 'C#1' }, { S: 'a' }] },
      { Statement: `UPDATE "Test-campaigns" SET v = ? WHERE pk = ? AND sk = ?`, Parameters: [{ S: 'x' }] },
      { Statement: `UPDATE "Test-campaigns" SET v = WHERE pk = ? AND sk = ?`, Parameters: [{ S: 'C#1' }, { S: 'a' }] },
    ]);
    expect(wrong.Responses?.map((r) => r.Error?.Code)).toEqual(Array.from({ length: 6 }, () => 'ValidationError'));
    expect((await get('a'))?.v).toBeUndefined();
    // Two statements on one item, even an INSERT and an UPDATE, are refused as a whole.
    await expect(run([record('a'), { Statement: `INSERT INTO "Test-campaigns" VALUE {'pk': ?, 'sk': ?}`, Parameters: [{ S: 'C#1' }, { S: 'a' }] }])).rejects.toMatchObject({ message: 'Provided list of item keys contains duplicates' });
    client.destroy();
  });

  it('refuses an existing table whose keys or indexes differ from the template', async () => {
    const template = new LocalTemplate(TEMPLATE, OPTIONS);
    await ensureTables(db.endpoint, dynamoTables(template));
    const changed = structuredClone(TEMPLATE);
    (changed.Resources!.Campaigns.Properties as any).GlobalSecondaryIndexes[0].IndexName = 'byDistrict';
    await expect(ensureTables(db.endpoint, dynamoTables(new LocalTemplate(changed, OPTIONS)))).rejects.toThrow(/Test-campaigns exists with a different set of global secondary indexes/);
  });

  it('keeps an idle connection open while its client is busy for longer than Node\'s 5 s', async () => {
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    await client.send(new ListTablesCommand({}));
    // A sandbox busy with its own work: its event loop does not see a close meanwhile.
    const until = Date.now() + 6_000;
    while (Date.now() < until);
    await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: expect.any(Array) });
    client.destroy();
  }, 20_000);

  it('names a table property it does not know', async () => {
    const odd = structuredClone(TEMPLATE);
    (odd.Resources!.Counters.Properties as any).ImportSourceSpecification = { InputFormat: 'CSV' };
    await expect(ensureTables(db.endpoint, dynamoTables(new LocalTemplate(odd, OPTIONS)))).rejects.toThrow('Resources.Counters.Properties.ImportSourceSpecification');
  });

  it('writes table files of up to 8 MB, not LevelDB\'s 2 MB', async () => {
    const { server, store } = dynamoServerWithStore(path.join(dataDir, 'files'));
    const db = store.db as unknown as LevelOfStore;
    try {
      // 16 MB of values that do not compress, each batch across the whole range of keys, written
      // twice: the second time, compacted with the first, they are cut into table files of the
      // largest size allowed (a file written straight from memory is not cut).
      for (let round = 0; round < 2; round++) {
        for (let chunk = 0; chunk < 12; chunk++) await putIncompressible(db, (i) => `k${String(i * 12 + chunk).padStart(4, '0')}`, 64 << 10);
        await db.compactRange('k', 'l');
      }
      const sizes = tableFileSizes(db);
      expect(Math.max(...sizes)).toBeGreaterThan(4 << 20);
      expect(Math.max(...sizes)).toBeLessThan(9 << 20);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps up to 32 MB of writes in memory before it writes a table file, not LevelDB\'s 4 MB', async () => {
    const { server, store } = dynamoServerWithStore(path.join(dataDir, 'write-buffer'));
    const db = store.db as unknown as LevelOfStore;
    try {
      // 12 MB of values that do not compress: with a 4 MB buffer, LevelDB has written some to table files by now.
      for (let chunk = 0; chunk < 12; chunk++) await putIncompressible(db, (i) => `k${chunk}-${i}`, 48 << 10);
      expect(tableFileSizes(db).length).toBe(0);
      expect(Number(db.getProperty('leveldb.approximate-memory-usage'))).toBeGreaterThan(12 << 20);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers a request that reaches the store after it closed with an error, and goes on (dynalite threw, which ended the process)', async () => {
    const { server, store } = dynamoServerWithStore(path.join(dataDir, 'closed'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    try {
      await ensureTables(endpoint, dynamoTables(new LocalTemplate(TEMPLATE, OPTIONS)));
      const Key = { pk: { S: 'c' }, sk: { S: 'k' } };
      await client.send(new PutItemCommand({ TableName: 'Test-campaigns', Item: Key }));
      await (store.db as unknown as { close(): Promise<void> }).close();
      const closed = { name: 'InternalServerError', message: 'The local store is closed' };
      await expect(client.send(new PutItemCommand({ TableName: 'Test-campaigns', Item: Key }))).rejects.toMatchObject(closed);
      await expect(client.send(new GetItemCommand({ TableName: 'Test-campaigns', Key }))).rejects.toMatchObject(closed);
      await expect(client.send(new BatchExecuteStatementCommand({ Statements: [{ Statement: `INSERT INTO "Test-campaigns" VALUE {'pk': ?, 'sk': ?}`, Parameters: [{ S: 'c' }, { S: 'new' }] }] }))).rejects.toMatchObject({ name: 'InternalServerError' });
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('closes the store iterator of every Query and Scan, also of one its Limit stops early', async () => {
    const { server, store } = dynamoServerWithStore(path.join(dataDir, 'iterators'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = localDynamoClient(endpoint);
    try {
      await ensureTables(endpoint, dynamoTables(new LocalTemplate(TEMPLATE, OPTIONS)));
      const item = (i: number) => ({ pk: { S: 'c' }, sk: { S: `b#${String(i).padStart(3, '0')}` }, gsi1pk: { S: 'u' } });
      await client.send(new BatchWriteItemCommand({ RequestItems: { 'Test-campaigns': Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: item(i) } })) } }));
      // Each iterator attaches itself to the database while open and detaches when closed.
      const db = store.db as unknown as { attachResource(r: object): void; detachResource(r: object): void };
      const open = new Set<object>();
      const attach = db.attachResource.bind(db);
      const detach = db.detachResource.bind(db);
      db.attachResource = (r) => (open.add(r), attach(r));
      db.detachResource = (r) => (open.delete(r), detach(r));
      const byKey = { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'c' } } };
      for (let i = 0; i < 5; i++) {
        expect((await client.send(new QueryCommand({ TableName: 'Test-campaigns', ...byKey }))).Count).toBe(25);
        expect((await client.send(new QueryCommand({ TableName: 'Test-campaigns', ...byKey, Limit: 3 }))).Count).toBe(3);
        expect((await client.send(new ScanCommand({ TableName: 'Test-campaigns', Limit: 2 }))).Count).toBe(2);
        expect((await client.send(new ScanCommand({ TableName: 'Test-campaigns' }))).Count).toBe(25);
        const byUnit = { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :u', ExpressionAttributeValues: { ':u': { S: 'u' } } };
        expect((await client.send(new QueryCommand({ TableName: 'Test-campaigns', ...byUnit, Limit: 4 }))).Count).toBe(4);
      }
      for (let waited = 0; open.size > 0 && waited < 2_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(open.size).toBe(0);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
