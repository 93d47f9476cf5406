import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dynaliteRequire } from '../../../infra/local/dynalite-internals.js';
import { leanLevelAccess, type CallbackLevel } from '../../../infra/local/level-access.js';

type Db = CallbackLevel & { open(): Promise<void>; close(cb?: (err: Error | null) => void): unknown };

let dataDir: string;
let db: Db;
/** The batches that reached LevelDB, as dynalite's own batch received them. */
let batches: unknown[][];

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-level-access-'));
  const store = (dynaliteRequire('./db') as { create(o: object): { db: Db } }).create({ path: dataDir });
  db = store.db;
  await db.open();
  batches = [];
  const batch = db.batch.bind(db);
  db.batch = (ops, cb) => (batches.push(ops), batch(ops, cb));
  leanLevelAccess(db);
});

afterEach(async () => {
  await new Promise((resolve) => db.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const get = (key: string) => new Promise<unknown>((resolve, reject) => db.get(key, (err, value) => (err ? reject(err) : resolve(value))));
const put = (key: string, value: unknown) => new Promise<void>((resolve, reject) => db.put(key, value, (err) => (err ? reject(err) : resolve())));
const del = (key: string) => new Promise<void>((resolve, reject) => db.del(key, (err) => (err ? reject(err) : resolve())));

describe('the local store’s LevelDB access', () => {
  it('reads what was written, and nothing for a key never written, calling back a turn later', async () => {
    await put('a', { n: 1, text: '对象' });
    let called = false;
    const read = new Promise((resolve) => db.get('a', (err, value) => ((called = true), resolve([err, value]))));
    expect(called).toBe(false);
    expect(await read).toEqual([null, { n: 1, text: '对象' }]);
    expect(await get('missing')).toBeUndefined();
  });

  it('writes the puts and deletes asked for in one turn as one batch, in the order asked', async () => {
    await put('kept', 0);
    batches = [];
    await Promise.all([put('x', 1), del('x'), put('x', 2), put('y', 1), del('y'), del('kept'), ...Array.from({ length: 50 }, (_, i) => put(`many#${i}`, i))]);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(56);
    expect([await get('x'), await get('y'), await get('kept'), await get('many#49')]).toEqual([2, undefined, undefined, 49]);

    await put('later', 1);
    await put('later', 2);
    expect(batches).toHaveLength(3);
    expect(await get('later')).toBe(2);
  });

  it('answers a get with a write asked for before it, written or not, as a copy', async () => {
    await put('table', { status: 'CREATING' });
    const activated = put('table', { status: 'ACTIVE' });
    expect(await get('table')).toEqual({ status: 'ACTIVE' });
    const gone = del('table');
    expect(await get('table')).toBeUndefined();
    await Promise.all([activated, gone]);
    expect(await get('table')).toBeUndefined();

    const item = { list: [1] };
    const stored = put('item', item);
    item.list.push(2);
    const read = (await get('item')) as { list: number[] };
    read.list.push(3);
    await stored;
    expect(await get('item')).toEqual({ list: [1] });
  });

  it('fails every write of a batch that fails, and answers each read and write of a closed store with an error dynalite sends as HTTP 500', async () => {
    const writes = [put('a', 1), del('b')].map((p) => p.then(() => 'written', (err: Error) => err.message));
    await new Promise((resolve) => db.close(resolve));
    expect(await Promise.all(writes)).toEqual(['The local store is closed', 'The local store is closed']);
    const closed = { message: 'The local store is closed', statusCode: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' } };
    await expect(get('a')).rejects.toMatchObject(closed);
    await expect(put('a', 1)).rejects.toMatchObject(closed);
    await expect(del('a')).rejects.toMatchObject(closed);
  });
});
