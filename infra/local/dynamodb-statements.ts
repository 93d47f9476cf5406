import { dynaliteRequire, dynaliteValidations as validations, type AttributeValue } from './dynalite-internals.js';
import { bindUpdate, MALFORMED, PARAMETER_COUNT, parseUpdate, type BoundCondition, type BoundUpdate, type UpdateTemplate } from './partiql-update.js';

/*
 * BatchExecuteStatement for the local store, which dynalite lacks: up to 25 PartiQL statements in
 * one request, each answered on its own, as DynamoDB does.
 * - INSERT inserts one item only if no item has its key (else the error DuplicateItem).
 * - UPDATE … SET … WHERE changes one existing item if its condition holds (else the error
 *   ConditionalCheckFailed); see partiql-update.ts.
 * Each goes through dynalite's own PutItem or UpdateItem validation and action, on dynalite's
 * store, without a request of its own. Other statements are refused with a ValidationException
 * that says so: nothing is silently done differently.
 */

const putItemRules = dynaliteRequire('./validations/putItem') as { types: unknown; validations: unknown; custom: unknown };
const putItem = dynaliteRequire('./actions/putItem') as DynaliteAction;
const updateItem = dynaliteRequire('./actions/updateItem') as DynaliteAction;
type DynaliteAction = (store: DynaliteStore, data: Record<string, unknown>, cb: (err: DynaliteError | null) => void) => void;

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

interface Update {
  tableName: string;
  template: UpdateTemplate;
  parameters: readonly AttributeValue[];
}

/** An INSERT statement's table and fields: each a literal value, or null for a parameter (?). */
interface InsertTemplate {
  tableName: string;
  fields: [string, AttributeValue | null][];
}

/** Statements parsed before: a batch usually repeats one statement with other parameters. */
const templates = new Map<string, InsertTemplate | UpdateTemplate | string>();

/** What a statement does; a string is the reason it cannot be run ('' if it is neither INSERT nor UPDATE). */
function parseStatement(statement: string, parameters: readonly AttributeValue[] = []): Insert | Update | string {
  let template = templates.get(statement);
  if (template === undefined) {
    const update = parseUpdate(statement);
    template = update === '' ? parseTemplate(statement) : update;
    if (templates.size >= 1000) templates.clear();
    templates.set(statement, template);
  }
  if (typeof template === 'string') return template;
  if ('sets' in template) return { tableName: template.tableName, template, parameters };
  if (template.fields.filter(([, value]) => value === null).length !== parameters.length) return PARAMETER_COUNT;
  let used = 0;
  const item: Record<string, AttributeValue> = {};
  for (const [name, value] of template.fields) item[name] = value ?? parameters[used++];
  return { tableName: template.tableName, item };
}

function parseTemplate(statement: string): InsertTemplate | string {
  const match = INSERT.exec(statement);
  if (!match) return /^\s*INSERT\b/i.test(statement) ? MALFORMED : '';
  const [, quoted, bare, body] = match;
  const fields: InsertTemplate['fields'] = [];
  for (const field of splitFields(body)) {
    const parsed = FIELD.exec(field);
    if (!parsed) return MALFORMED;
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

/** Runs a BatchExecuteStatement request of INSERT and UPDATE statements; one answer per statement, in order. */
export async function batchExecuteStatements(store: DynaliteStore, request: StatementRequest): Promise<{ Responses: StatementAnswer[] }> {
  const statements = request.Statements ?? [];
  if (statements.length < 1 || statements.length > MAX_STATEMENTS) {
    throw new StatementRequestError(
      'com.amazon.coral.validate#ValidationException',
      `1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length between 1 and ${MAX_STATEMENTS}`,
    );
  }
  const parsed = statements.map((s) => parseStatement(s.Statement ?? '', s.Parameters ?? []));
  const unsupported = parsed.findIndex((i) => i === '');
  if (unsupported >= 0) {
    throw new StatementRequestError(
      'com.amazon.coral.validate#ValidationException',
      `The local store runs only INSERT and UPDATE statements in BatchExecuteStatement; statement ${unsupported + 1} is not one`,
    );
  }
  const tables = new Map<string, Promise<{ KeySchema: KeyElement[] } | undefined>>();
  const tableOf = (name: string) => tables.get(name) ?? tables.set(name, getTable(store, name)).get(name)!;
  // The store as dynalite's actions see it, with each table read once for the whole request.
  const requestStore: DynaliteStore = Object.create(store, {
    getTable: { value: (name: string, cb: Parameters<DynaliteStore['getTable']>[1]) => void tableOf(name).then((t) => (t ? cb(null, t) : store.getTable(name, cb)), (err) => cb(err)) },
  });

  // Each statement as one dynalite action on one item, or its error.
  const actions = await Promise.all(
    parsed.map(async (statement): Promise<{ action: Action } | { error: StatementAnswer }> => {
      if (typeof statement === 'string') return { error: { Error: { Code: 'ValidationError', Message: statement } } };
      const table = await tableOf(statement.tableName);
      if (!table) return { error: { Error: { Code: 'ResourceNotFound', Message: 'Cannot do operations on a non-existent table' } } };
      const action = actionOf(statement, table.KeySchema);
      return typeof action === 'string' ? { error: { Error: { Code: 'ValidationError', Message: action }, TableName: statement.tableName } } : { action };
    }),
  );

  // Two statements on one item are refused as a whole, as DynamoDB does.
  const seen = new Set<string>();
  for (const a of actions) {
    if (!('action' in a)) continue;
    const id = JSON.stringify([a.action.tableName, a.action.key]);
    if (seen.has(id)) throw new StatementRequestError('com.amazon.coral.validate#ValidationException', 'Provided list of item keys contains duplicates');
    seen.add(id);
  }

  const Responses = await Promise.all(
    actions.map(async (a): Promise<StatementAnswer> => {
      if (!('action' in a)) return a.error;
      const error = await run(requestStore, a.action);
      return error ? { Error: error, TableName: a.action.tableName } : { TableName: a.action.tableName };
    }),
  );
  return { Responses };
}

/**
 * One statement as a dynalite action: its input (a request for `rules` to check, or one checked
 * already), and what a failed condition means.
 */
interface Action {
  tableName: string;
  key: AttributeValue[];
  request: Record<string, unknown>;
  rules?: typeof putItemRules;
  /** Whether the request's types need dynalite's check (see plainValue). */
  checkTypes?: boolean;
  action: DynaliteAction;
  conditionFailed: NonNullable<StatementAnswer['Error']>;
}

function actionOf(statement: Insert | Update, keySchema: KeyElement[]): Action | string {
  const keyNames = keySchema.map((k) => k.AttributeName);
  if ('item' in statement) {
    const missing = keyNames.find((k) => !(k in statement.item));
    if (missing) return `Key attribute should be present in the item: Key ${missing}`;
    return {
      tableName: statement.tableName,
      key: keyNames.map((k) => statement.item[k]),
      request: { TableName: statement.tableName, Item: statement.item, Expected: Object.fromEntries(keyNames.map((k) => [k, { Exists: false }])) },
      rules: putItemRules,
      checkTypes: !Object.values(statement.item).every(plainValue),
      action: putItem,
      conditionFailed: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' },
    };
  }
  const update = bindUpdate(statement.template, statement.parameters, keyNames);
  if (typeof update === 'string') return update;
  const invalid = invalidValue(update);
  if (invalid) return invalid;
  return {
    tableName: statement.tableName,
    key: keyNames.map((k) => update.key[k]),
    request: parsedUpdateItem(update, keyNames[0]),
    action: updateItem,
    conditionFailed: { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
  };
}

/** The reason a value of the statement is invalid, if one is. */
function invalidValue(update: BoundUpdate): string | undefined {
  const values = [...Object.values(update.key), ...update.sets.map(([, value]) => value)];
  const collect = (c: BoundCondition): void => {
    if ('all' in c) c.all.forEach(collect);
    else if ('any' in c) c.any.forEach(collect);
    else if ('not' in c) collect(c.not);
    else if ('value' in c) values.push(c.value);
  };
  if (update.condition) collect(update.condition);
  for (const value of values) {
    const reason = validations.validateAttributeValue(value);
    if (reason) return reason;
  }
  return undefined;
}

/**
 * UpdateItem's input as dynalite's validation would leave it, with the update and condition
 * already parsed: dynalite would otherwise parse expression strings again for every statement,
 * which took most of an UPDATE's time.
 */
function parsedUpdateItem(update: BoundUpdate, hashKey: string): Record<string, unknown> {
  const names = new Set<string>();
  const node = (c: BoundCondition): object => {
    // dynalite's AND and OR take two arguments.
    const pairs = (type: string, args: BoundCondition[]): object => args.map(node).reduce((left, right) => ({ type, args: [left, right] }));
    if ('all' in c) return pairs('and', c.all);
    if ('any' in c) return pairs('or', c.any);
    if ('not' in c) return { type: 'not', args: [node(c.not)] };
    names.add(c.name);
    if ('missing' in c) return { type: 'function', name: c.missing ? 'attribute_not_exists' : 'attribute_exists', args: [[c.name]], attrType: null };
    return { type: c.compare, args: [[c.name], c.value] };
  };
  // UPDATE changes an item that exists: it never creates one.
  const exists: BoundCondition = { missing: false, name: hashKey };
  const expression = node(update.condition ? { all: [exists, update.condition] } : exists);
  return {
    TableName: update.tableName,
    Key: update.key,
    _updates: {
      sections: update.sets.map(([name, value]) => ({ type: 'set', path: [name], val: value, attrType: Object.keys(value)[0] })),
      paths: update.sets.map(([name]) => [name]),
      nestedPaths: {},
    },
    _condition: { expression, nestedPaths: {}, pathHeads: Object.fromEntries([...names].map((n) => [n, true])) },
  };
}

const PLAIN_TYPES: Record<string, string> = { S: 'string', N: 'string', BOOL: 'boolean', NULL: 'boolean' };

/**
 * Whether dynalite's type check would give `value` back as it is: a single S or N string, or a
 * single BOOL or NULL boolean. That check took about a seventh of the store's time for an INSERT
 * (in a profile of the campaign bench). An item of only such values skips it; its values are still
 * validated, with the rest of the request.
 */
export function plainValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let types = 0;
  for (const [type, v] of Object.entries(value)) if (++types > 1 || typeof v !== PLAIN_TYPES[type]) return false;
  return types === 1;
}

/** One action run, checked first by its rules if it has them; the error, if any. */
async function run(store: DynaliteStore, a: Action): Promise<StatementAnswer['Error']> {
  try {
    const data = a.checkTypes ? validations.checkTypes(a.request, a.rules!.types) : a.request;
    if (a.rules) validations.checkValidations(data, a.rules.validations, a.rules.custom, store);
    await new Promise<void>((resolve, reject) => a.action(store, data, (err) => (err ? reject(err) : resolve())));
    return undefined;
  } catch (err) {
    const e = err as DynaliteError;
    const type = e.body?.__type ?? '';
    if (type.endsWith('#ConditionalCheckFailedException')) return a.conditionFailed;
    if (e.statusCode === 400) return { Code: 'ValidationError', Message: e.body?.message ?? e.body?.Message ?? e.message };
    return { Code: 'InternalServerError', Message: e.message };
  }
}
