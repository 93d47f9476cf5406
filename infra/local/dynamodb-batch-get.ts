import { dynaliteDb as db, dynaliteRequire, dynaliteValidations as validations, type DynaliteTable, type Item } from './dynalite-internals.js';

/*
 * BatchGetItem for the local store. dynalite reads a request's keys one at a time, reading its
 * table's description again for each; this reads each table's keys in one LevelDB getMany. The
 * answer is dynalite's: its validation, projections, capacity, size limit (the rest as
 * UnprocessedKeys) and items in no set order. test/integration/local/dynamodb-batch-get.test.ts
 * compares the two.
 */

interface KeysAndAttributes {
  Keys: Item[];
  AttributesToGet?: string[];
  ConsistentRead?: boolean;
  _projection?: { paths: unknown[]; nestedPaths?: Record<string, unknown> };
}
interface BatchGetRequest {
  RequestItems: Record<string, KeysAndAttributes>;
  ReturnConsumedCapacity?: string;
}
/** The parts of dynalite's store read here. */
export interface BatchGetStore {
  options: { maxItemSize: number };
  getTable(name: string, cb: (err: Error | null, table?: DynaliteTable) => void): void;
  db: { getMany(keys: string[]): Promise<(Item | undefined)[]> };
}

const rules = dynaliteRequire('./validations/batchGetItem') as { types: unknown; custom: unknown };

let batched = true;

/** Turns the batched reads on (the default), or off: dynalite then answers BatchGetItem itself. */
export function useBatchedGets(on = true): void {
  batched = on;
}

/** Whether BatchGetItem is answered here. */
export const batchedGets = () => batched;

const getTable = (store: BatchGetStore, name: string) =>
  new Promise<DynaliteTable>((resolve, reject) => store.getTable(name, (err, table) => (err ? reject(err) : resolve(table!))));

/** One table's keys, checked as dynalite checks them before it reads any. */
async function tableRead(store: BatchGetStore, tableName: string, request: KeysAndAttributes) {
  const table = await getTable(store, tableName);
  for (const key of request.Keys) {
    const invalid = db.validateKey(key, table);
    if (invalid) throw invalid;
  }
  const invalidPath = db.validateKeyPaths(request._projection?.nestedPaths, table);
  if (invalidPath) throw invalidPath;
  return { tableName, request, keys: request.Keys.map((key) => `item-${tableName}~${db.createKey(key, table)}`) };
}

/**
 * Answers a BatchGetItem request body as dynalite would; a refused request throws dynalite's
 * error (statusCode and body).
 */
export async function batchGetItems(store: BatchGetStore, body: unknown): Promise<Record<string, unknown>> {
  const data = validations.checkTypes<BatchGetRequest>(body, rules.types);
  validations.checkValidations(data, rules.types, rules.custom, store);
  const reads = await Promise.all(Object.entries(data.RequestItems).map(([name, request]) => tableRead(store, name, request)));
  const found = await Promise.all(reads.map((r) => store.db.getMany(r.keys)));

  const answer: { Responses: Record<string, Item[]>; UnprocessedKeys: Record<string, Omit<KeysAndAttributes, '_projection'>>; ConsumedCapacity?: unknown[] } = { Responses: {}, UnprocessedKeys: {} };
  const capacities: Record<string, number> = {};
  const limit = 1024 * 1024 + store.options.maxItemSize - 3;
  let totalSize = 0;
  reads.forEach(({ tableName, request }, t) => {
    const paths = request._projection?.paths ?? request.AttributesToGet;
    const asRead = { TableName: tableName, ConsistentRead: request.ConsistentRead, ReturnConsumedCapacity: data.ReturnConsumedCapacity };
    const results = found[t].map((item, i) => ({
      key: request.Keys[i],
      item: item && (paths ? db.mapPaths(paths, item) : item),
      capacity: db.addConsumedCapacity(asRead, true, item)?.CapacityUnits,
    }));
    shuffle(results);
    const items: Item[] = [];
    for (const { key, item, capacity } of results) {
      if (item) {
        const size = totalSize + db.itemSize(item);
        if (size > limit) {
          const unprocessed = (answer.UnprocessedKeys[tableName] ??= {
            Keys: [],
            ...(request.AttributesToGet ? { AttributesToGet: request.AttributesToGet } : {}),
            ...(request.ConsistentRead ? { ConsistentRead: request.ConsistentRead } : {}),
          });
          unprocessed.Keys.push(key);
          capacities[tableName] = (capacities[tableName] ?? 0) + 1;
          continue;
        }
        totalSize = size;
      }
      if (capacity !== undefined) capacities[tableName] = (capacities[tableName] ?? 0) + capacity;
      if (item) items.push(item);
    }
    answer.Responses[tableName] = items;
  });
  if (data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES') {
    answer.ConsumedCapacity = reads.map(({ tableName }) => ({
      CapacityUnits: capacities[tableName],
      TableName: tableName,
      ...(data.ReturnConsumedCapacity === 'INDEXES' ? { Table: { CapacityUnits: capacities[tableName] } } : {}),
    }));
  }
  return answer;
}

/** Items come back in no set order, as DynamoDB's do (dynalite shuffles them too). */
function shuffle<T>(list: T[]): void {
  for (let i = list.length - 1; i >= 1; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
}
