import { createRequire } from 'node:module';

/*
 * BatchExecuteStatement for the local store, which dynalite lacks: up to 25 PartiQL INSERT
 * statements in one request, each inserting one item only if no item has its key (else its answer
 * is the error DuplicateItem), as DynamoDB does. Each item goes through dynalite's own PutItem
 * validation and action, on dynalite's store, without a request of its own. Other statements are
 * refused with a ValidationException that says so: nothing is silently done differently.
 */

const require = createRequire(import.meta.url);
const validations = require('dynalite/validations') as {
  checkTypes(data: unknown, types: unknown): Record<string, unknown>;
  checkValidations(data: unknown, rules: unknown, custom: unknown, store: unknown): void;
};
const putItemRules = require('dynalite/validations/putItem') as { types: unknown; validations: unknown; custom: unknown };
const putItem = require('dynalite/actions/putItem') as (store: DynaliteStore, data: Record<string, unknown>, cb: (err: DynaliteError | null) => void) => void;

type AttributeValue = Record<string, unknown>;
interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}
/** The parts of dynalite's store (dynalite/db) used here. */
export interface DynaliteStore {
  getTable(name: string, cb: (err: (Error & { name: string }) | null, table?: { KeySchema: KeyElement[] }) => void): void;
}
interface DynaliteError extends Error {
  statusCode?: number;
  body?: { __type?: string; message?: string; Message?: string };
}

export interface StatementRequest {
  Statements?: { Statement?: string; Parameters?: AttributeValue[] }[];
}
interface StatementAnswer {
  TableName?: string;
  Error?: { Code: string; Message: string };
}

/** A whole request refused: answered 400 with this type and message. */
export class StatementRequestError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_STATEMENTS = 25;

const INSERT = /^\s*INSERT\s+INTO\s+(?:"([^"]+)"|([A-Za-z0-9_.-]+))\s+VALUE\s*\{(.*)\}\s*;?\s*$/is;
const FIELD = /^\s*'((?:[^']|'')+)'\s*:\s*(\?|'(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*$/s;

interface Insert {
  tableName: string;
  item: Record<string, AttributeValue>;
}

/** An INSERT statement's table and fields: each a literal value, or null for a parameter (?). */
interface InsertTemplate {
  tableName: string;
  fields: [string, AttributeValue | null][];
}

/** Statements parsed before: a batch usually repeats one statement with other parameters. */
const templates = new Map<string, InsertTemplate | string>();

/** The table and item of an INSERT statement; a string is the reason it cannot be run ('' if it is no INSERT). */
function parseInsert(statement: string, parameters: readonly AttributeValue[] = []): Insert | string {
  let template = templates.get(statement);
  if (template === undefined) {
    template = parseTemplate(statement);
    if (templates.size >= 1000) templates.clear();
    templates.set(statement, template);
  }
  if (typeof template === 'string') return template;
  if (template.fields.filter(([, value]) => value === null).length !== parameters.length) return "Number of parameters in request and statement don't match.";
  let used = 0;
  const item: Record<string, AttributeValue> = {};
  for (const [name, value] of template.fields) item[name] = value ?? parameters[used++];
  return { tableName: template.tableName, item };
}

function parseTemplate(statement: string): InsertTemplate | string {
  const match = INSERT.exec(statement);
  if (!match) return /^\s*INSERT\b/i.test(statement) ? "Statement wasn't well formed, can't be processed" : '';
  const [, quoted, bare, body] = match;
  const fields: InsertTemplate['fields'] = [];
  for (const field of splitFields(body)) {
    const parsed = FIELD.exec(field);
    if (!parsed) return "Statement wasn't well formed, can't be processed";
    const name = parsed[1].replaceAll("''", "'");
    const value = parsed[2];
    if (fields.some(([known]) => known === name)) return `Duplicate attribute in the VALUE clause: ${name}`;
    fields.push([name, value === '?' ? null : value.startsWith("'") ? { S: value.slice(1, -1).replaceAll("''", "'") } : { N: value }]);
  }
  return { tableName: quoted ?? bare, fields };
}

/** The fields of a VALUE clause, split at the commas outside quotes. */
function splitFields(body: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of body) {
    if (ch === "'") quoted = !quoted;
    if (ch === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() || fields.length > 0) fields.push(current);
  return fields;
}

const getTable = (store: DynaliteStore, name: string) =>
  new Promise<{ KeySchema: KeyElement[] } | undefined>((resolve, reject) =>
    store.getTable(name, (err, table) => (err ? (err.name === 'NotFoundError' ? resolve(undefined) : reject(err)) : resolve(table))),
  );

/** Runs a BatchExecuteStatement request of INSERT statements; one answer per statement, in order. */
export async function batchExecuteInserts(store: DynaliteStore, request: StatementRequest): Promise<{ Responses: StatementAnswer[] }> {
  const statements = request.Statements ?? [];
  if (statements.length < 1 || statements.length > MAX_STATEMENTS) {
    throw new StatementRequestError(
      'com.amazon.coral.validate#ValidationException',
      `1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length between 1 and ${MAX_STATEMENTS}`,
    );
  }
  const inserts = statements.map((s) => parseInsert(s.Statement ?? '', s.Parameters ?? []));
  const unsupported = inserts.findIndex((i) => i === '');
  if (unsupported >= 0) {
    throw new StatementRequestError(
      'com.amazon.coral.validate#ValidationException',
      `The local store runs only INSERT statements in BatchExecuteStatement; statement ${unsupported + 1} is not one`,
    );
  }
  const tables = new Map<string, Promise<{ KeySchema: KeyElement[] } | undefined>>();
  const tableOf = (name: string) => tables.get(name) ?? tables.set(name, getTable(store, name)).get(name)!;
  // The store as dynalite's PutItem sees it, with each table read once for the whole request.
  const requestStore: DynaliteStore = Object.create(store, {
    getTable: { value: (name: string, cb: Parameters<DynaliteStore['getTable']>[1]) => void tableOf(name).then((t) => (t ? cb(null, t) : store.getTable(name, cb)), (err) => cb(err)) },
  });

  // Two statements on one item are refused as a whole, as DynamoDB does.
  const seen = new Set<string>();
  for (const insert of inserts) {
    if (typeof insert === 'string') continue;
    const table = await tableOf(insert.tableName);
    if (!table) continue;
    const id = JSON.stringify([insert.tableName, ...table.KeySchema.map((k) => insert.item[k.AttributeName])]);
    if (seen.has(id)) throw new StatementRequestError('com.amazon.coral.validate#ValidationException', 'Provided list of item keys contains duplicates');
    seen.add(id);
  }

  const Responses = await Promise.all(
    inserts.map(async (insert): Promise<StatementAnswer> => {
      if (typeof insert === 'string') return { Error: { Code: 'ValidationError', Message: insert } };
      const table = await tableOf(insert.tableName);
      if (!table) return { Error: { Code: 'ResourceNotFound', Message: 'Cannot do operations on a non-existent table' } };
      const missing = table.KeySchema.find((k) => !(k.AttributeName in insert.item));
      if (missing) return { Error: { Code: 'ValidationError', Message: `Key attribute should be present in the item: Key ${missing.AttributeName}` }, TableName: insert.tableName };
      const error = await insertItem(requestStore, insert, table.KeySchema);
      return error ? { Error: error, TableName: insert.tableName } : { TableName: insert.tableName };
    }),
  );
  return { Responses };
}

/** One item put with dynalite's PutItem validation and action, only if its key is new; the error, if any. */
async function insertItem(store: DynaliteStore, insert: Insert, keySchema: KeyElement[]): Promise<StatementAnswer['Error']> {
  const request = {
    TableName: insert.tableName,
    Item: insert.item,
    Expected: Object.fromEntries(keySchema.map((k) => [k.AttributeName, { Exists: false }])),
  };
  try {
    const data = validations.checkTypes(request, putItemRules.types);
    validations.checkValidations(data, putItemRules.validations, putItemRules.custom, store);
    await new Promise<void>((resolve, reject) => putItem(store, data, (err) => (err ? reject(err) : resolve())));
    return undefined;
  } catch (err) {
    const e = err as DynaliteError;
    const type = e.body?.__type ?? '';
    if (type.endsWith('#ConditionalCheckFailedException')) return { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' };
    if (e.statusCode === 400) return { Code: 'ValidationError', Message: e.body?.message ?? e.body?.Message ?? e.message };
    return { Code: 'InternalServerError', Message: e.message };
  }
}
