import { dynaliteDb as db } from './dynalite-internals.js';

/*
 * dynalite stores an item under an MD5 of its partition key value (its "hash prefix") followed by
 * its key values, and hashed again for every item read or written by key, though a table's
 * partitions are few and each holds many items (a campaign's register is one of 100,000). In a
 * profile of the campaign bench, that hashing took about 4% of the store's thread. Here each
 * partition's prefix is hashed once and kept; the keys are the same as dynalite's own.
 */

type CreateKey = typeof db.createKey;

/** Partitions whose prefix is kept, at most: past it, the kept ones are forgotten (then kept again as used). */
const KEPT_PREFIXES = 10_000;

const hashedCreateKey = db.createKey;
const prefixes = new Map<string, string>();

function prefixOf(value: unknown, type: string): string {
  const id = `${type}:${String(value)}`;
  let prefix = prefixes.get(id);
  if (prefix === undefined) {
    if (prefixes.size >= KEPT_PREFIXES) prefixes.clear();
    prefix = db.hashPrefix(value, type);
    prefixes.set(id, prefix);
  }
  return prefix;
}

/** dynalite's createKey, with each partition's prefix kept (see above). */
const keptPrefixCreateKey: CreateKey = (item, table, keySchema = table.KeySchema) => {
  let key = '';
  db.traverseKey(table, keySchema, (attr, type, isHash) => {
    const value = (item[attr] as Record<string, unknown>)[type];
    if (isHash) key = `${prefixOf(value, type)}/`;
    key += `${db.toRangeStr(value, type)}/`;
  });
  return key;
};

/** Turns the kept prefixes on (the default), or back to dynalite's hashing every time. */
export function useKeptPartitionPrefixes(on = true): void {
  db.createKey = on ? keptPrefixCreateKey : hashedCreateKey;
}
