import zlib from 'node:zlib';
import { dynaliteDb as db, dynaliteRequire, type Item } from './dynalite-internals.js';

/**
 * Two of dynalite's costs per read, answered natively or in batches (the page it answers stays the
 * same; test/integration/local/dynamodb-pages.test.ts compares them):
 * - it checksums every response with a CRC-32 in JavaScript; zlib's is native;
 * - it reads a Query or Scan page through a stream, a promise and an event per item; this reads the
 *   same range from the iterator in batches.
 */

type Callback = (err: Error | null, result?: unknown) => void;

interface RangeOptions {
  reverse?: boolean;
  limit?: number;
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
}

interface LevelIterator {
  nextv(size: number): Promise<Item[]>;
  close(): Promise<void>;
}

interface ReadStore {
  db: { values(options: RangeOptions): LevelIterator };
}

interface ReadTable {
  KeySchema: { AttributeName: string }[];
}

/** The parts of a Query or Scan request dynalite has validated and parsed. */
interface ReadRequest {
  TableName: string;
  IndexName?: string;
  Limit?: number;
  Select?: string;
  ConsistentRead?: boolean;
  ReturnConsumedCapacity?: string;
  ConditionalOperator?: string;
  QueryFilter?: unknown;
  ScanFilter?: unknown;
  AttributesToGet?: unknown[];
  _filter?: { expression: unknown };
  _projection?: { paths: unknown[] };
}

type QueryTable = (
  store: ReadStore, table: ReadTable, data: ReadRequest, opts: RangeOptions, isLocal: boolean, fetchFromItemDb: boolean, startKeyNames: string[], cb: Callback,
) => void;

/** dynalite's store, with the read this module can answer in its place. */
const dynaliteDb = db as typeof db & { queryTable: QueryTable };
const crc32 = dynaliteRequire('buffer-crc32') as { unsigned(data: string | Buffer): number };
const streamedQueryTable = dynaliteDb.queryTable;
const javascriptCrc32 = crc32.unsigned;

/** DynamoDB's page limit: a page stops after the item that takes it to 1 MB. */
const PAGE_BYTES = 1024 * 1024;
/** Items read from the iterator at a time: a page's last batch parses fewer than this many items it does not return. */
const BATCH = 128;

/** Turns the batched reads and the native checksum on (the default), or back to dynalite's own. */
export function useBatchedReads(on = true): void {
  dynaliteDb.queryTable = on ? batchedQueryTable : streamedQueryTable;
  crc32.unsigned = on ? (data) => zlib.crc32(data) : javascriptCrc32;
}

const batchedQueryTable: QueryTable = (store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb) => {
  // An index that does not project every attribute, read for all of them: rare, left to dynalite.
  if (fetchFromItemDb) return streamedQueryTable(store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb);
  readPage(store, table, data, opts, isLocal, startKeyNames).then((page) => cb(null, page), (err: Error) => cb(err));
};

async function readPage(store: ReadStore, table: ReadTable, data: ReadRequest, opts: RangeOptions, isLocal: boolean, startKeyNames: string[]) {
  const rangeKey = table.KeySchema[1]?.AttributeName;
  const metered = data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES';
  let items: Item[] = [];
  let count = 0;
  let size = 0;
  let readBytes = 0;
  const full = () => (data.Limit !== undefined && count >= data.Limit) || size >= PAGE_BYTES;
  const iterator = store.db.values(prefixed(opts, subDbPrefix(data, isLocal)));
  try {
    for (let batch = await iterator.nextv(BATCH); batch.length && !full(); batch = await iterator.nextv(BATCH)) {
      for (const item of batch) {
        if (full()) break;
        if (metered) readBytes += dynaliteDb.itemSize(item);
        count++;
        size += dynaliteDb.itemSize(item, true, true, rangeKey);
        items.push(item);
      }
    }
  } finally {
    await iterator.close();
  }

  const last = items.at(-1);
  const filter = data.QueryFilter ?? data.ScanFilter;
  if (data._filter) items = items.filter((item) => dynaliteDb.matchesExprFilter(item, data._filter!.expression));
  else if (filter) items = items.filter((item) => dynaliteDb.matchesFilter(item, filter, data.ConditionalOperator));

  const page: Record<string, unknown> = { ScannedCount: count };
  if (full() && last) page.LastEvaluatedKey = Object.fromEntries(startKeyNames.map((name) => [name, last[name]]));
  const paths = data._projection?.paths ?? data.AttributesToGet;
  if (paths) items = items.map((item) => dynaliteDb.mapPaths(paths, item));
  page.Count = items.length;
  if (data.Select !== 'COUNT') page.Items = items;
  if (metered) page.ConsumedCapacity = consumedCapacity(data, isLocal, readBytes);
  return page;
}

/** Where dynalite keeps a table's items, or an index's entries, in its one LevelDB store. */
const subDbPrefix = (data: ReadRequest, isLocal: boolean) =>
  data.IndexName ? `index-${isLocal ? 'local' : 'global'}~${data.TableName}~${data.IndexName}~` : `item-${data.TableName}~`;

/** The range within the sub-database, as dynalite's prefixed wrapper gives it to LevelDB. */
function prefixed(opts: RangeOptions, prefix: string): RangeOptions {
  const range: RangeOptions = { reverse: opts.reverse, limit: opts.limit };
  if (opts.gte) range.gte = prefix + opts.gte;
  else if (opts.gt) range.gt = prefix + opts.gt;
  else range.gte = prefix;
  if (opts.lte) range.lte = prefix + opts.lte;
  else if (opts.lt) range.lt = prefix + opts.lt;
  else range.lt = `${prefix}\xFF`;
  return range;
}

function consumedCapacity(data: ReadRequest, isLocal: boolean, readBytes: number) {
  const units = (bytes: number) => Math.ceil(bytes / 1024 / 4) * (data.ConsistentRead ? 1 : 0.5);
  const tableUnits = data.IndexName ? 0 : units(readBytes);
  const indexUnits = data.IndexName ? units(readBytes) : 0;
  const consumed: Record<string, unknown> = { CapacityUnits: tableUnits + indexUnits, TableName: data.TableName };
  if (data.ReturnConsumedCapacity === 'INDEXES') {
    consumed.Table = { CapacityUnits: tableUnits };
    if (data.IndexName) consumed[isLocal ? 'LocalSecondaryIndexes' : 'GlobalSecondaryIndexes'] = { [data.IndexName]: { CapacityUnits: indexUnits } };
  }
  return consumed;
}
