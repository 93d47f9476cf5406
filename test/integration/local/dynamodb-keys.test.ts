import { afterAll, describe, expect, it } from 'vitest';
import { dynaliteDb, type DynaliteTable, type Item } from '../../../infra/local/dynalite-internals.js';
import { useKeptPartitionPrefixes } from '../../../infra/local/dynamodb-keys.js';

const createKey = (item: Item, table: DynaliteTable, keySchema?: DynaliteTable['KeySchema']) => dynaliteDb.createKey(item, table, keySchema);

type Types = { hash: 'S' | 'N' | 'B'; range?: 'S' | 'N' | 'B' };
const tableOf = ({ hash, range }: Types) => ({
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(range ? [{ AttributeName: 'sk', KeyType: 'RANGE' }] : [])],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: hash }, ...(range ? [{ AttributeName: 'sk', AttributeType: range }] : []), { AttributeName: 'unit', AttributeType: 'S' }],
});
const values = {
  S: ['v1#CAMPAIGN#1#BENEFICIARIES', '帮困', 'a/b~c', ''],
  N: ['0', '1', '-1.5', '12345678901234567890', '1e-7'],
  B: [Buffer.from([0, 1, 2]).toString('base64'), Buffer.from('帮困').toString('base64')],
};

/** Every key of `types` made from the values above, by the createKey in use. */
function keysOf(types: Types): string[] {
  const table = tableOf(types);
  return values[types.hash].flatMap((pk) => (types.range ? values[types.range] : [undefined]).flatMap((sk) => {
    const item: Item = { pk: { [types.hash]: pk }, ...(sk === undefined ? {} : { sk: { [types.range!]: sk } }), unit: { S: '七宝镇' } };
    // A secondary index's key schema too (the unit list's: unit, then the table's sort key).
    const indexSchema = [{ AttributeName: 'unit', KeyType: 'HASH' }, ...(types.range ? [{ AttributeName: 'sk', KeyType: 'RANGE' }] : [])];
    return [createKey(item, table), createKey(item, table), createKey(item, table, indexSchema)];
  }));
}

describe('kept partition prefixes', () => {
  afterAll(() => useKeptPartitionPrefixes(true));

  it.each<Types>([
    { hash: 'S' }, { hash: 'N' }, { hash: 'B' },
    { hash: 'S', range: 'S' }, { hash: 'S', range: 'N' }, { hash: 'N', range: 'B' }, { hash: 'B', range: 'S' },
  ])('make the keys dynalite makes: hash $hash, range $range', (types) => {
    useKeptPartitionPrefixes(false);
    const hashed = keysOf(types);
    useKeptPartitionPrefixes(true);
    const kept = keysOf(types);
    expect(kept).toEqual(hashed);
    // Distinct partitions keep distinct prefixes: the store's items do not collide.
    expect(new Set(kept).size).toBe(new Set(hashed).size);
    expect(hashed.length).toBeGreaterThan(0);
  });

  it('tell apart values of different types that read the same', () => {
    useKeptPartitionPrefixes(true);
    const asString = createKey({ pk: { S: '1' } }, tableOf({ hash: 'S' }));
    const asNumber = createKey({ pk: { N: '1' } }, tableOf({ hash: 'N' }));
    useKeptPartitionPrefixes(false);
    expect(asString).toBe(createKey({ pk: { S: '1' } }, tableOf({ hash: 'S' })));
    expect(asNumber).toBe(createKey({ pk: { N: '1' } }, tableOf({ hash: 'N' })));
    expect(asString).not.toBe(asNumber);
  });
});
