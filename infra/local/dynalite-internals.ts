import { createRequire } from 'node:module';

/*
 * The parts of dynalite's own modules that the local store reuses where it answers a request
 * itself (dynamodb-pages.ts, dynamodb-statements.ts, dynamodb-batch-get.ts) or makes its store
 * (dynamodb.ts), typed as far as they are used: one place, so that each answer is checked and
 * shaped as dynalite's is.
 */

export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;
export interface DynaliteTable {
  KeySchema: { AttributeName: string; KeyType: string }[];
}

/** Requires a module as dynalite does (`./db`, `./validations/putItem`, its dependencies). */
export const dynaliteRequire = createRequire(createRequire(import.meta.url).resolve('dynalite'));

/** dynalite/db: keys, sizes, projections, filters and capacity. */
export const dynaliteDb = dynaliteRequire('./db') as {
  validateKey(key: Item, table: DynaliteTable): Error | undefined;
  validateKeyPaths(nestedPaths: Record<string, unknown> | undefined, table: DynaliteTable): Error | undefined;
  /** An item's key in the store: its partition's hash prefix, then its key values (see dynamodb-keys.ts). */
  createKey(key: Item, table: DynaliteTable, keySchema?: DynaliteTable['KeySchema']): string;
  hashPrefix(value: unknown, type: string): string;
  toRangeStr(value: unknown, type: string): string;
  /** Visits each key attribute of `keySchema` with its type; the partition key first. */
  traverseKey(table: DynaliteTable, keySchema: DynaliteTable['KeySchema'], visit: (attr: string, type: string, isHash: boolean) => unknown): unknown;
  itemSize(item: Item, compress?: boolean, addMetaSize?: boolean, rangeKey?: string): number;
  matchesExprFilter(item: Item, expression: unknown): boolean;
  matchesFilter(item: Item, filter: unknown, conditionalOperator?: string): boolean;
  mapPaths(paths: unknown[], item: Item): Item;
  addConsumedCapacity(data: { TableName: string; ConsistentRead?: boolean; ReturnConsumedCapacity?: string }, isRead: boolean, item?: Item): { CapacityUnits: number } | undefined;
};

/** dynalite/validations: a request's types and rules, checked as dynalite checks each action's. */
export const dynaliteValidations = dynaliteRequire('./validations') as {
  checkTypes<T = Record<string, unknown>>(data: unknown, types: unknown): T;
  checkValidations(data: unknown, rules: unknown, custom: unknown, store: unknown): void;
  /** The reason an attribute value is invalid, if it is. */
  validateAttributeValue(value: unknown): string | undefined;
};
