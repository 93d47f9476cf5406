import {
  BatchExecuteStatementCommand, BatchGetItemCommand, ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { convertToAttr, marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { inFlight } from './in-flight.js';

/** Ranges of one partition read at once by allInRanges. */
const RANGES_IN_FLIGHT = 4;

/** Items to a page of a whole read: many when only a few fields of each are asked for. */
const wholeReadPageSize = (attributes?: readonly string[]) => (attributes ? 5000 : 500);

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;
/** An item or key as DynamoDB's requests carry it: each value typed ({ S: … }, { N: … }, …). */
type Typed = Record<string, AttributeValue>;

/** The one rule for values sent: a field (at any depth) that is undefined is left out. */
const MARSHALL = { removeUndefinedValues: true } as const;
const typed = (item: Item): Typed => marshall(item, MARSHALL);
const typedValue = (value: unknown): AttributeValue => convertToAttr(value, MARSHALL);
const typedKey = (key: Key): Typed => ({ pk: { S: key.pk }, sk: { S: key.sk } });
const plain = <T>(item: Typed): T => unmarshall(item) as T;

/** Statement errors of BatchExecuteStatement that say "not now", not "never". */
const RETRYABLE = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded', 'InternalServerError', 'TransactionConflict']);
const MAX_ATTEMPTS = 8;
type StatementKind = 'INSERT' | 'UPDATE';
/** The statement error that says an INSERT's key exists, or an UPDATE's condition did not hold. */
const REFUSED: Record<StatementKind, string> = { INSERT: 'DuplicateItem', UPDATE: 'ConditionalCheckFailed' };
/** Batch requests one call keeps in flight at once. */
const REQUESTS_IN_FLIGHT = 4;
/** A pause that grows with the attempt: 40 ms, 80 ms, … up to 1 s. */
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
/** The item's fields that are not undefined, as [name, value] pairs. */
function definedEntries(item: Item): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const name of Object.keys(item)) if (item[name] !== undefined) entries.push([name, item[name]]);
  return entries;
}
/** A read's ProjectionExpression for `attributes`, each named once (none: whole items). */
function projectionOf(attributes: readonly string[] | undefined) {
  if (!attributes) return undefined;
  const names = [...new Set(attributes)];
  return {
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((a, i) => [`#a${i}`, a])),
  };
}
/** A table or attribute name as PartiQL quotes it. */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** What must hold of an item's fields for a write: each equals its value, or (orMissing) is absent. */
export type FieldsHold = Record<string, { equals: unknown; orMissing?: boolean }>;

/** `where` as a condition expression, with the item required to exist. */
export function conditionOf(where: FieldsHold): { expression: string; names: Record<string, string>; values: Item } {
  const { terms, names, values } = fieldsHold(where);
  return { expression: ['attribute_exists(pk)', ...terms].join(' AND '), names, values };
}

/** The terms of `where`, one per field, with their names and values. */
function fieldsHold(where: FieldsHold) {
  const held = Object.entries(where);
  return {
    terms: held.map(([, h], i) => (h.orMissing ? `(attribute_not_exists(#c${i}) OR #c${i} = :c${i})` : `#c${i} = :c${i}`)),
    names: Object.fromEntries(held.map(([name], i) => [`#c${i}`, name])),
    values: Object.fromEntries(held.map(([, h], i) => [`:c${i}`, h.equals])),
  };
}

/** The single table, with the few operations the product uses. */
export class Table {
  constructor(
    private readonly client: DynamoDBClient,
    readonly name: string,
  ) {}

  async get<T>(key: Key): Promise<T | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.name, Key: typedKey(key), ConsistentRead: true }));
    return Item && plain<T>(Item);
  }

  /**
   * Many items by key, read consistently, 100 to a request, REQUESTS_IN_FLIGHT requests at once; in
   * the order of `keys`, undefined where there is none. With `attributes`, only those attributes of
   * each item (the key is always read).
   */
  async getMany<T>(keys: readonly Key[], attributes?: readonly string[]): Promise<(T | undefined)[]> {
    const found = new Map<string, T>();
    const id = (key: Key) => `${key.pk}\u0000${key.sk}`;
    const projected = projectionOf(attributes && ['pk', 'sk', ...attributes]);
    const requests = Array.from({ length: Math.ceil(keys.length / 100) }, (_, n) => keys.slice(n * 100, (n + 1) * 100));
    await inFlight(requests, async (request) => {
      let wanted = request.map(typedKey);
      for (let attempt = 0; wanted.length > 0; attempt++) {
        // Unprocessed keys (the store was busy) are asked for again, after a pause that grows.
        if (attempt > 0) await pause(attempt);
        const out = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.name]: { Keys: wanted, ConsistentRead: true, ...projected } } }));
        for (const item of (out.Responses?.[this.name] ?? []).map((typedItem) => plain<T & Key>(typedItem))) found.set(id(item), item);
        wanted = out.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }, REQUESTS_IN_FLIGHT);
    return keys.map((key) => found.get(id(key)));
  }

  async put(key: Key, item: Item): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.name, Item: typed({ ...item, ...key }) }));
  }

  /** Puts only if the key is new; false if it existed. The basis of every once-only effect. */
  async putIfAbsent(key: Key, item: Item): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand({ TableName: this.name, Item: typed({ ...item, ...key }), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * Puts each item only if its key is new, 25 to a request (PartiQL INSERT, each statement
   * conditional on its own item). Per item, in order: true if inserted, false if the key existed.
   * Items must have distinct keys.
   */
  insertMany(items: readonly (Key & Item)[]): Promise<boolean[]> {
    return this.runStatements(
      'INSERT',
      items.map((item) => {
        const fields = definedEntries(item);
        return { Statement: this.insertOf(fields.map(([name]) => name)), Parameters: fields.map(([, value]) => typedValue(value)), key: item };
      }),
    );
  }

  /** INSERT statements by their items' field names, kept: the items of one call mostly have the same fields. */
  private readonly inserts = new Map<string, string>();

  private insertOf(names: readonly string[]): string {
    const id = JSON.stringify(names);
    let statement = this.inserts.get(id);
    if (statement === undefined) {
      statement = `INSERT INTO ${quoted(this.name)} VALUE {${names.map((a) => `'${a.replaceAll("'", "''")}': ?`).join(', ')}}`;
      if (this.inserts.size >= 100) this.inserts.clear();
      this.inserts.set(id, statement);
    }
    return statement;
  }

  /**
   * Sets fields of existing items, each only while `where` holds of it, 25 to a request (PartiQL
   * UPDATE, each statement conditional on its own item). Per update, in order: true if made, false
   * if its item is missing or `where` did not hold. The keys must be distinct.
   */
  updateMany(updates: readonly { key: Key; fields: Item; where: FieldsHold }[]): Promise<boolean[]> {
    return this.runStatements(
      'UPDATE',
      updates.map(({ key, fields, where }) => {
        const set = definedEntries(fields);
        const held = Object.entries(where);
        const holds = held.map(([name, h]) => (h.orMissing ? `(${quoted(name)} IS MISSING OR ${quoted(name)} = ?)` : `${quoted(name)} = ?`));
        return {
          Statement: `UPDATE ${quoted(this.name)} ${set.map(([name]) => `SET ${quoted(name)} = ?`).join(' ')} WHERE "pk" = ? AND "sk" = ?${holds.map((h) => ` AND ${h}`).join('')}`,
          Parameters: [...set.map(([, value]) => value), key.pk, key.sk, ...held.map(([, h]) => h.equals)].map(typedValue),
          key,
        };
      }),
    );
  }

  /**
   * Runs statements 25 to a request, REQUESTS_IN_FLIGHT requests at once; per statement, in order:
   * true if it ran, false if refused (REFUSED: the key exists, or the condition failed).
   * Statements the store could not run yet are sent again.
   */
  private async runStatements(kind: StatementKind, statements: readonly { Statement: string; Parameters: AttributeValue[]; key: Key }[]): Promise<boolean[]> {
    const refused = REFUSED[kind];
    const ran: boolean[] = new Array(statements.length);
    const requests = Array.from({ length: Math.ceil(statements.length / 25) }, (_, n) => n * 25);
    await inFlight(requests, async (from) => {
      let pending = statements.slice(from, from + 25).map((statement, i) => ({ at: from + i, statement }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await pause(attempt);
        const { Responses = [] } = await this.client.send(
          new BatchExecuteStatementCommand({ Statements: pending.map(({ statement: { Statement, Parameters } }) => ({ Statement, Parameters })) }),
        );
        const retry: typeof pending = [];
        pending.forEach((p, i) => {
          const error = Responses[i]?.Error;
          if (!error) ran[p.at] = true;
          else if (error.Code === refused) ran[p.at] = false;
          else if (RETRYABLE.has(error.Code ?? '') && attempt < MAX_ATTEMPTS) retry.push(p);
          else throw new Error(`${kind} of ${p.statement.key.pk}/${p.statement.key.sk} failed: ${error.Code}: ${error.Message}`);
        });
        pending = retry;
      }
    }, REQUESTS_IN_FLIGHT);
    return ran;
  }

  /** Replaces the whole item if `condition` holds; false when it does not. */
  async replaceIf(key: Key, item: Item, condition: { expression: string; values?: Item; names?: Record<string, string> }): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.name,
          Item: typed({ ...item, ...key }),
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: condition.values && typed(condition.values),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Sets fields if `condition` holds; false when it does not. */
  async update(key: Key, fields: Item, condition?: { expression: string; values?: Item; names?: Record<string, string> }): Promise<boolean> {
    const entries = Object.entries(fields);
    const names: Record<string, string> = { ...condition?.names };
    const values: Item = { ...condition?.values };
    entries.forEach(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
    });
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: typedKey(key),
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
          ConditionExpression: condition?.expression ?? 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: typed(values),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * Adds `by` to the number at `path` (e.g. ['progress', 'rowsDone']) in one atomic write, if
   * `condition` holds; the new number, or undefined when the condition does not hold.
   */
  async increment(key: Key, path: readonly string[], by: number, condition: { expression: string; names?: Record<string, string> }): Promise<number | undefined> {
    const names: Record<string, string> = { ...condition.names };
    path.forEach((name, i) => (names[`#p${i}`] = name));
    const at = path.map((_, i) => `#p${i}`).join('.');
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: typedKey(key),
          UpdateExpression: `SET ${at} = ${at} + :by`,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: typed({ ':by': by }),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return path.reduce<unknown>((value, name) => (value as Item | undefined)?.[name], Attributes && plain(Attributes)) as number | undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  /** Deletes an item; nothing when there is none. */
  async delete(key: Key): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.name, Key: typedKey(key) }));
  }

  /** Removes fields if `condition` holds; false when it does not. */
  async remove(key: Key, fields: string[], condition: { expression: string; values?: Item; names?: Record<string, string> }): Promise<boolean> {
    const names: Record<string, string> = { ...condition.names };
    fields.forEach((name, i) => (names[`#r${i}`] = name));
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: typedKey(key),
          UpdateExpression: `REMOVE ${fields.map((_, i) => `#r${i}`).join(', ')}`,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: condition.values && Object.keys(condition.values).length ? typed(condition.values) : undefined,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * Every item of a partition (optionally under a sort-key prefix), page by page; with
   * `attributes`, only those attributes of each item (less to read, send and decode).
   */
  query<T>(pk: string, skPrefix?: string, pageSize = 500, attributes?: readonly string[]): AsyncGenerator<T[]> {
    return skPrefix
      ? this.pages<T>({ expression: 'pk = :pk AND begins_with(sk, :sk)', values: { ':pk': pk, ':sk': skPrefix } }, pageSize, attributes)
      : this.pages<T>({ expression: 'pk = :pk', values: { ':pk': pk } }, pageSize, attributes);
  }

  private async *pages<T>(key: { expression: string; values: Record<string, unknown> }, pageSize: number, attributes?: readonly string[], where?: FieldsHold): AsyncGenerator<T[]> {
    let start: Typed | undefined;
    const projected = projectionOf(attributes);
    const filter = where && fieldsHold(where);
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: key.expression,
          ExpressionAttributeValues: typed({ ...key.values, ...filter?.values }),
          ExclusiveStartKey: start,
          Limit: pageSize,
          ConsistentRead: true,
          ...projected,
          ...(filter && { FilterExpression: filter.terms.join(' AND '), ExpressionAttributeNames: { ...projected?.ExpressionAttributeNames, ...filter.names } }),
        }),
      );
      if (page.Items?.length) yield page.Items.map((item) => plain<T>(item));
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /**
   * Every item of a partition, in sort-key order, read as `bounds` (ascending) split its sort keys:
   * one Query per range, RANGES_IN_FLIGHT at once, so that a long read's pages overlap instead of
   * each waiting for the one before. A bound must never be a sort key (ranges include their bounds).
   * With `where`, only the items whose fields hold it are sent back (all are still read).
   */
  async allInRanges<T>(pk: string, bounds: readonly string[], attributes?: readonly string[], where?: FieldsHold): Promise<T[]> {
    const ranges = [undefined, ...bounds].map((from, i) => ({ from, to: bounds[i] }));
    const read = async ({ from, to }: { from?: string; to?: string }) => {
      const expression = from === undefined ? 'pk = :pk AND sk <= :to' : to === undefined ? 'pk = :pk AND sk >= :from' : 'pk = :pk AND sk BETWEEN :from AND :to';
      const values = { ':pk': pk, ...(from === undefined ? {} : { ':from': from }), ...(to === undefined ? {} : { ':to': to }) };
      const items: T[] = [];
      for await (const page of this.pages<T>({ expression, values }, wholeReadPageSize(attributes), attributes, where)) items.push(...page);
      return items;
    };
    return (await inFlight(ranges, read, RANGES_IN_FLIGHT)).flat() as T[];
  }

  /**
   * Every item under one key of a global secondary index whose sort key is `sk`; with
   * `attributes`, only those of each. Eventually consistent, as every read of such an index is.
   */
  async allInIndex<T>(index: { name: string; partitionKey: string }, value: string, attributes?: readonly string[]): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.indexPages<T>(index, value, attributes)) items.push(...page);
    return items;
  }

  /** allInIndex page by page (of at most `pageSize` items, else as many as 1 MB holds), for a reader that may stop early. */
  async *indexPages<T>(index: { name: string; partitionKey: string }, value: string, attributes?: readonly string[], pageSize?: number): AsyncGenerator<T[]> {
    const projected = projectionOf(attributes);
    let start: Typed | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.name,
          IndexName: index.name,
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeValues: { ':v': { S: value } },
          ExclusiveStartKey: start,
          Limit: pageSize,
          ...projected,
          ExpressionAttributeNames: { ...projected?.ExpressionAttributeNames, '#k': index.partitionKey },
        }),
      );
      if (page.Items?.length) yield page.Items.map((item) => plain<T>(item));
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /**
   * Every item of a partition (optionally under a sort-key prefix); with `attributes`, only those of
   * each, as many to a page as 1 MB holds.
   */
  async all<T>(pk: string, skPrefix?: string, attributes?: readonly string[]): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.query<T>(pk, skPrefix, wholeReadPageSize(attributes), attributes)) items.push(...page);
    return items;
  }

  /**
   * Adds one to the number in `field` (0 when absent, creating the item) in one atomic write,
   * unless it has reached `limit`: false then. The basis of rate limits.
   */
  async countUpTo(key: Key, field: string, limit: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.name,
          Key: typedKey(key),
          UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
          ExpressionAttributeNames: { '#n': field },
          ExpressionAttributeValues: typed({ ':zero': 0, ':one': 1, ':limit': limit }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
