import jsonata from 'jsonata';
import { CHOICE_OPERATORS, parseTimestamp } from './choice.js';
import { invalidDefinition } from './errors.js';
import { parseDefinitePath } from './paths.js';
import type { WorkflowType } from './records.js';
import { INTEGRATION_FIELDS, recognizeResource, unsupportedResource } from './resources.js';

// Static validation of an Amazon States Language definition, run at CreateStateMachine.
// Rule of the engine: whatever it does not implement is refused here, naming the field;
// nothing is silently ignored. Problems read like AWS's: `CODE: message at /json/pointer`.

type Language = 'JSONPath' | 'JSONata';
type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------
// Reporting

function refuse(code: string, message: string, at: string): never {
  throw invalidDefinition(`${code}: ${message} at ${at || '/'}`);
}
function schemaError(message: string, at: string): never {
  refuse('SCHEMA_VALIDATION_FAILED', message, at);
}

/** JSON pointer (RFC 6901) of a child; the root is ''. */
const child = (at: string, key: string | number) => `${at}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isExpression = (v: unknown): v is string => typeof v === 'string' && /^\{%[\s\S]*%\}$/.test(v);
const list = (names: readonly string[]) => `[${names.join(', ')}]`;

// ---------------------------------------------------------------------------
// Field tables

const STATE_TYPES = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
type StateType = (typeof STATE_TYPES)[number];

/** Allowed fields: in every language, and only in JSONPath / only in JSONata. */
interface FieldSet {
  any: readonly string[];
  JSONPath: readonly string[];
  JSONata: readonly string[];
}
const fields = (any: string[], JSONPath: string[] = [], JSONata: string[] = []): FieldSet => ({ any, JSONPath, JSONata });

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath']; // JSONPath-only input/output filters
const RESULT = ['ResultPath', 'ResultSelector'];

const STATE_FIELDS: Record<StateType, FieldSet> = {
  Pass: fields([...COMMON, ...FLOW, 'Assign'], [...IO, 'Parameters', 'ResultPath', 'Result'], ['Output']),
  Task: fields(
    [...COMMON, ...FLOW, 'Resource', 'TimeoutSeconds', 'HeartbeatSeconds', 'Retry', 'Catch', 'Assign'],
    [...IO, ...RESULT, 'Parameters', 'TimeoutSecondsPath', 'HeartbeatSecondsPath'],
    ['Arguments', 'Output'],
  ),
  Choice: fields([...COMMON, 'Choices', 'Default', 'Assign'], IO, ['Output']),
  Wait: fields([...COMMON, ...FLOW, 'Seconds', 'Timestamp', 'Assign'], [...IO, 'SecondsPath', 'TimestampPath'], ['Output']),
  Succeed: fields(COMMON, IO, ['Output']),
  Fail: fields([...COMMON, 'Error', 'Cause'], ['ErrorPath', 'CausePath']),
  Parallel: fields([...COMMON, ...FLOW, 'Branches', 'Retry', 'Catch', 'Assign'], [...IO, ...RESULT, 'Parameters'], ['Arguments', 'Output']),
  Map: fields(
    [...COMMON, ...FLOW, 'ItemProcessor', 'Iterator', 'ItemSelector', 'ItemBatcher', 'MaxConcurrency', 'Label',
      'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Retry', 'Catch', 'Assign'],
    [...IO, ...RESULT, 'Parameters', 'ItemsPath', 'MaxConcurrencyPath', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath'],
    ['Items', 'Output'],
  ),
};

/** Valid ASL the engine does not implement. */
const NOT_IMPLEMENTED: Partial<Record<StateType, readonly string[]>> = {
  Task: ['Credentials'], // cross-account role assumption
  Map: ['ItemReader', 'ResultWriter'], // need S3
};

const MACHINE_FIELDS = {
  top: fields(['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage']),
  branch: fields(['Comment', 'StartAt', 'States']),
  processor: fields(['Comment', 'StartAt', 'States', 'ProcessorConfig']),
  iterator: fields(['Comment', 'StartAt', 'States']),
};
type MachineKind = keyof typeof MACHINE_FIELDS;

const RETRIER_FIELDS = fields(['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']);
const CATCHER_FIELDS = fields(['ErrorEquals', 'Next', 'Comment', 'Assign'], ['ResultPath'], ['Output']);
const LOGICAL = ['And', 'Or', 'Not'];
const RULE_FIELDS = {
  top: fields(['Next', 'Comment', 'Assign'], ['Variable', ...LOGICAL, ...CHOICE_OPERATORS], ['Condition', 'Output']),
  nested: fields(['Comment'], ['Variable', ...LOGICAL, ...CHOICE_OPERATORS], ['Condition']),
};
const PROCESSOR_CONFIG_FIELDS = fields(['Mode', 'ExecutionType']);
const ITEM_BATCHER_FIELDS = fields(['MaxItemsPerBatch', 'MaxInputBytesPerBatch', 'BatchInput'], ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath']);

/** Fields of which at most one may appear (a static value and its Path form, ...). */
const EXCLUSIVE: readonly (readonly string[])[] = [
  ['Next', 'End'],
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
  ['ItemProcessor', 'Iterator'],
  ['ItemSelector', 'Parameters'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
  ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ['MaxItemsPerBatch', 'MaxItemsPerBatchPath'],
  ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'],
];

const DISTRIBUTED_ONLY = ['ItemBatcher', 'Label', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath',
  'ToleratedFailureCount', 'ToleratedFailureCountPath'];

const MAX_SECONDS = 99_999_999;
const STATE_NAME_MAX = 80;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/; // what `$name` paths can reference
const LABEL = /^[^\s?*<>{}[\]"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,40}$/;

// ---------------------------------------------------------------------------
// Generic checks

/** Refuses a field outside `allowed`, saying why: other query language, not implemented, or unknown. */
function checkFields(obj: Json, at: string, allowed: FieldSet, lang: Language, notImplemented: readonly string[] = []): void {
  const other: Language = lang === 'JSONPath' ? 'JSONata' : 'JSONPath';
  for (const key of Object.keys(obj)) {
    if (allowed.any.includes(key) || allowed[lang].includes(key)) continue;
    if (allowed[other].includes(key)) {
      schemaError(`The QueryLanguage is set to '${lang}', but field '${key}' is only supported for the '${other}' QueryLanguage`, at);
    }
    if (notImplemented.includes(key)) schemaError(`Field '${key}' is not supported by the local Step Functions engine (not implemented)`, at);
    schemaError(`Field '${key}' is not supported`, at);
  }
}

function requireFields(obj: Json, at: string, names: readonly string[]): void {
  const missing = names.filter((n) => !(n in obj));
  if (missing.length) schemaError(`These fields are required: ${list(missing)}`, at);
}

function checkExclusive(obj: Json, at: string): void {
  for (const group of EXCLUSIVE) {
    const present = group.filter((n) => n in obj);
    if (present.length > 1) schemaError(`There should only be one of the following fields: ${list(present)}`, at);
  }
}

function checkEnum(value: unknown, at: string, field: string, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    schemaError(`Field '${field}' value should be one of the following: ${list(allowed)}`, at);
  }
}

/** Asserts a field's value is `what`. */
function must(ok: unknown, at: string, field: string, what: string): asserts ok {
  if (!ok) schemaError(`Field '${field}' must be ${what}`, at);
}

// ---------------------------------------------------------------------------
// Field values

interface Env {
  lang: Language;
  ctx: Context;
}

/** Shared across the whole definition, nested machines included. */
interface Context {
  topLanguage: Language;
  /** STANDARD or EXPRESS for the states being checked (a distributed Map's children take its ExecutionType). */
  workflowType: WorkflowType;
  stateNames: Set<string>;
  labels: Set<string>;
}

type Check = (value: unknown, at: string, field: string, env: Env) => void;

const string: Check = (v, at, f) => must(typeof v === 'string', at, f, 'a string');
const anything: Check = () => {};

/** An integer in [min, max]; in JSONata states a `{% %}` expression too, unless `fixed`. */
const integer = (min: number, max: number, fixed = false): Check => (v, at, f, env) => {
  if (!fixed && env.lang === 'JSONata' && isExpression(v)) return;
  must(Number.isInteger(v) && (v as number) >= min && (v as number) <= max, at, f, `an integer between ${min} and ${max}`);
};

const number = (min: number, max = Infinity, fixed = false): Check => (v, at, f, env) => {
  if (!fixed && env.lang === 'JSONata' && isExpression(v)) return;
  const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
  must(typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max, at, f, `a number ${range}`);
};

/** A JSONPath (`$...`, `$$...` or `$variable...`); null where that discards; `States.` calls where allowed. */
const path = (opts: { nullable?: boolean; intrinsic?: boolean } = {}): Check => (v, at, f) => {
  if (v === null && opts.nullable) return;
  const ok = typeof v === 'string' && (v.startsWith('$') || (opts.intrinsic === true && v.startsWith('States.')));
  must(ok, at, f, opts.intrinsic ? 'a JSONPath or an intrinsic function call' : 'a JSONPath starting with $');
};

/** ResultPath: null, or a definite path into the state input (no `$$`, no variables). */
const resultPath: Check = (v, at, f) => {
  if (v === null) return;
  const ok = typeof v === 'string' && (v === '$' || v.startsWith('$.') || v.startsWith('$[')) && parseDefinitePath(v) !== null;
  must(ok, at, f, 'null or a reference path into the state input such as $.result');
};

const endTrue: Check = (v, at, f) => must(v === true, at, f, 'true');

const timestamp: Check = (v, at, f, env) => {
  if (env.lang === 'JSONata' && isExpression(v)) return;
  must(parseTimestamp(v) !== null, at, f, 'an RFC3339 timestamp such as 2025-01-29T00:00:00Z');
};

/** Payload template (Parameters, ResultSelector, ItemSelector, BatchInput): `.$` keys take paths in JSONPath. */
const template: Check = (v, at, f, env) => {
  if (env.lang === 'JSONata' && isExpression(v)) return;
  must(isObject(v), at, f, 'a JSON object');
  if (env.lang === 'JSONPath') checkPathTemplate(v, at);
};

function checkPathTemplate(value: unknown, at: string): void {
  if (Array.isArray(value)) value.forEach((item, i) => checkPathTemplate(item, child(at, i)));
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const where = child(at, key);
    if (!key.endsWith('.$')) checkPathTemplate(v, where);
    else if (typeof v !== 'string' || !(v.startsWith('$') || v.startsWith('States.'))) {
      schemaError(`The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`, where);
    }
  }
}

const args: Check = (v, at, f) => must(isObject(v) || isExpression(v), at, f, 'a JSON object or a JSONata expression');
const items: Check = (v, at, f) => must(Array.isArray(v) || isExpression(v), at, f, 'an array or a JSONata expression');

const assign: Check = (v, at, f, env) => {
  must(isObject(v), at, f, 'a JSON object');
  for (const key of Object.keys(v as Json)) {
    const name = env.lang === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (!VARIABLE_NAME.test(name) || name === 'states') {
      schemaError(`Field '${f}' has an invalid variable name '${name}' (letters, digits and _; not starting with a digit; 'states' is reserved)`, child(at, key));
    }
  }
  if (env.lang === 'JSONPath') checkPathTemplate(v, at);
};

const label: Check = (v, at, f, env) => {
  if (typeof v !== 'string' || !LABEL.test(v)) {
    refuse('INVALID_LABEL_NAME', `Field '${f}' must be 1 to 40 characters without whitespace or special characters`, at);
  }
  if (env.ctx.labels.has(v)) refuse('DUPLICATE_LABEL_NAME', `Field '${f}' value '${v}' is used by another Map state`, at);
  env.ctx.labels.add(v);
};

const errorEquals: Check = (v, at, f) => {
  must(Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string' && e.length > 0), at, f, 'a non-empty array of error names');
};

/** How each field's value is checked, wherever the field appears (states, retriers, catchers, ...). */
const VALUE_CHECKS: Record<string, Check> = {
  Comment: string,
  Next: string,
  Default: string,
  End: endTrue,
  InputPath: path({ nullable: true }),
  OutputPath: path({ nullable: true }),
  ResultPath: resultPath,
  Parameters: template,
  ResultSelector: template,
  ItemSelector: template,
  BatchInput: template,
  Arguments: args,
  Result: anything,
  Output: anything,
  Assign: assign,
  TimeoutSeconds: integer(1, MAX_SECONDS),
  HeartbeatSeconds: integer(1, MAX_SECONDS),
  Seconds: integer(0, MAX_SECONDS),
  Timestamp: timestamp,
  Error: string,
  Cause: string,
  ErrorPath: path({ intrinsic: true }),
  CausePath: path({ intrinsic: true }),
  ItemsPath: path(),
  Items: items,
  MaxConcurrency: integer(0, MAX_SECONDS),
  ToleratedFailurePercentage: number(0, 100),
  ToleratedFailureCount: integer(0, MAX_SECONDS),
  MaxItemsPerBatch: integer(1, MAX_SECONDS),
  MaxInputBytesPerBatch: integer(1, 262_144),
  Label: label,
  ...Object.fromEntries(
    ['TimeoutSecondsPath', 'HeartbeatSecondsPath', 'SecondsPath', 'TimestampPath', 'MaxConcurrencyPath', 'ToleratedFailurePercentagePath',
      'ToleratedFailureCountPath', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath'].map((f) => [f, path()]),
  ),
  // Retriers and catchers
  ErrorEquals: errorEquals,
  IntervalSeconds: integer(1, MAX_SECONDS, true),
  MaxAttempts: integer(0, MAX_SECONDS, true),
  BackoffRate: number(1, Infinity, true),
  MaxDelaySeconds: integer(1, 31_622_400, true),
  JitterStrategy: (v, at, f) => checkEnum(v, at, f, ['FULL', 'NONE']),
};

function checkValues(obj: Json, at: string, env: Env): void {
  for (const [key, value] of Object.entries(obj)) {
    if (Object.hasOwn(VALUE_CHECKS, key)) VALUE_CHECKS[key](value, child(at, key), key, env);
  }
}

// ---------------------------------------------------------------------------
// Expressions: `{% %}` only in JSONata states, and only ones that parse.

const NESTED_MACHINES = ['Branches', 'ItemProcessor', 'Iterator'];

function checkExpressions(state: Json, at: string, lang: Language): void {
  for (const [field, value] of Object.entries(state)) {
    if (field === 'Comment' || NESTED_MACHINES.includes(field)) continue;
    forEachString(value, child(at, field), (text, where) => {
      if (lang === 'JSONPath') {
        if (isExpression(text)) {
          schemaError(`The QueryLanguage is set to 'JSONPath', but field '${field}' holds a JSONata expression, which needs the 'JSONata' QueryLanguage`, where);
        }
        return;
      }
      if (!text.startsWith('{%')) return;
      if (!text.endsWith('%}')) schemaError(`Field '${field}' has a JSONata string that must start with {% and end with %}`, where);
      try {
        jsonata(text.slice(2, -2));
      } catch (e) {
        refuse('INVALID_JSONATA_EXPRESSION', `Field '${field}' has an invalid JSONata expression ${text}: ${(e as Error).message}`, where);
      }
    });
  }
}

function forEachString(value: unknown, at: string, visit: (text: string, at: string) => void): void {
  if (typeof value === 'string') visit(value, at);
  else if (Array.isArray(value)) value.forEach((v, i) => forEachString(v, child(at, i), visit));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (k !== 'Comment') forEachString(v, child(at, k), visit);
  }
}

// ---------------------------------------------------------------------------
// State machines (top level, Parallel branches, Map processors)

/** Validates a definition; throws `InvalidDefinition` naming the first problem found. */
export function validateDefinition(definition: unknown, type: WorkflowType): void {
  if (!isObject(definition)) schemaError('The definition must be a JSON object', '');
  const ql = definition.QueryLanguage;
  if (ql !== undefined) checkEnum(ql, '/QueryLanguage', 'QueryLanguage', ['JSONPath', 'JSONata']);
  if (definition.Version !== undefined) checkEnum(definition.Version, '/Version', 'Version', ['1.0']);
  const timeout = definition.TimeoutSeconds;
  if (timeout !== undefined) {
    must(Number.isInteger(timeout) && (timeout as number) >= 1, '/TimeoutSeconds', 'TimeoutSeconds', 'a positive integer');
  }
  const ctx: Context = {
    topLanguage: (ql as Language | undefined) ?? 'JSONPath',
    workflowType: type,
    stateNames: new Set(),
    labels: new Set(),
  };
  checkMachine(definition, '', 'top', ctx);
}

function checkMachine(machine: unknown, at: string, kind: MachineKind, ctx: Context): void {
  if (!isObject(machine)) schemaError('Field value must be a JSON object with StartAt and States', at);
  checkFields(machine, at, MACHINE_FIELDS[kind], ctx.topLanguage);
  requireFields(machine, at, ['StartAt', 'States']);
  string(machine.StartAt, child(at, 'StartAt'), 'StartAt', { lang: ctx.topLanguage, ctx });
  if (machine.Comment !== undefined) string(machine.Comment, child(at, 'Comment'), 'Comment', { lang: ctx.topLanguage, ctx });
  const statesAt = child(at, 'States');
  must(isObject(machine.States), statesAt, 'States', 'a JSON object of states');
  const states = machine.States as Json;

  for (const [name, state] of Object.entries(states)) {
    const where = child(statesAt, name);
    checkStateName(name, where, ctx);
    checkState(state, where, ctx);
  }
  checkTransitions(machine.StartAt as string, states, at);
}

function checkStateName(name: string, at: string, ctx: Context): void {
  if (name.length === 0 || name.length > STATE_NAME_MAX) {
    refuse('INVALID_STATE_NAME', `State name '${name}' must be 1 to ${STATE_NAME_MAX} characters long`, at);
  }
  // Names are unique across the whole machine, nested branches and processors included.
  if (ctx.stateNames.has(name)) refuse('DUPLICATE_STATE_NAME', `Duplicate State name: ${name}`, at);
  ctx.stateNames.add(name);
}

/** Every transition of a state: [target, pointer, field name]. */
function transitionsOf(state: Json, at: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  if (typeof state.Next === 'string') out.push([state.Next, child(at, 'Next'), 'Next']);
  if (typeof state.Default === 'string') out.push([state.Default, child(at, 'Default'), 'Default']);
  for (const field of ['Choices', 'Catch']) {
    const entries = state[field];
    if (!Array.isArray(entries)) continue;
    entries.forEach((e, i) => {
      if (isObject(e) && typeof e.Next === 'string') out.push([e.Next, child(child(child(at, field), i), 'Next'), 'Next']);
    });
  }
  return out;
}

/** Targets exist in this States map, every state is reachable from StartAt, and some state ends. */
function checkTransitions(startAt: string, states: Json, at: string): void {
  const statesAt = child(at, 'States');
  const has = (name: string) => Object.hasOwn(states, name);
  if (!has(startAt)) refuse('MISSING_TRANSITION_TARGET', `Missing 'StartAt' target: ${startAt}`, child(at, 'StartAt'));
  for (const [name, state] of Object.entries(states)) {
    for (const [target, where, field] of transitionsOf(state as Json, child(statesAt, name))) {
      if (!has(target)) refuse('MISSING_TRANSITION_TARGET', `Missing '${field}' target: ${target}`, where);
    }
  }
  const reached = new Set([startAt]);
  const queue = [startAt];
  while (queue.length) {
    const name = queue.shift()!;
    for (const [target] of transitionsOf(states[name] as Json, '')) {
      if (reached.has(target)) continue;
      reached.add(target);
      queue.push(target);
    }
  }
  for (const name of Object.keys(states)) {
    if (!reached.has(name)) refuse('MISSING_TRANSITION_TARGET', `State "${name}" is not reachable.`, child(statesAt, name));
  }
  const ends = Object.values(states).some((s) => (s as Json).End === true || ['Succeed', 'Fail'].includes((s as Json).Type as string));
  if (!ends) refuse('MISSING_END_STATE', 'Workflow has no terminal state', statesAt);
}

// ---------------------------------------------------------------------------
// States

interface StateEnv extends Env {
  state: Json;
  at: string;
}

function checkState(state: unknown, at: string, ctx: Context): void {
  if (!isObject(state)) schemaError('A state must be a JSON object', at);
  requireFields(state, at, ['Type']);
  checkEnum(state.Type, child(at, 'Type'), 'Type', STATE_TYPES);
  const type = state.Type as StateType;
  const lang = stateLanguage(state, at, ctx);
  const env: StateEnv = { state, at, lang, ctx };

  checkFields(state, at, STATE_FIELDS[type], lang, NOT_IMPLEMENTED[type]);
  checkExclusive(state, at);
  if (STATE_FIELDS[type].any.includes('Next') && !('Next' in state) && !('End' in state)) {
    schemaError(`One of the following fields is required: ${list(FLOW)}`, at);
  }
  checkValues(state, at, env);
  for (const field of ['Retry', 'Catch'] as const) if (field in state) checkErrorHandlers(field, state[field], child(at, field), env);
  TYPE_CHECKS[type](env);
  checkExpressions(state, at, lang);
}

/** A state's own QueryLanguage, else the machine's (Map/Parallel do not pass theirs down). */
function stateLanguage(state: Json, at: string, ctx: Context): Language {
  if (state.QueryLanguage === undefined) return ctx.topLanguage;
  checkEnum(state.QueryLanguage, child(at, 'QueryLanguage'), 'QueryLanguage', ['JSONPath', 'JSONata']);
  if (ctx.topLanguage === 'JSONata' && state.QueryLanguage === 'JSONPath') {
    // AWS: a JSONata machine cannot be reverted to a mix of JSONata and JSONPath states.
    schemaError("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", at);
  }
  return state.QueryLanguage as Language;
}

const TYPE_CHECKS: Record<StateType, (s: StateEnv) => void> = {
  Pass: () => {},
  Succeed: () => {},
  Fail: () => {},
  Task: checkTask,
  Choice: checkChoice,
  Wait: ({ state, at }) => {
    if (!['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].some((f) => f in state)) {
      schemaError('One of the following fields is required: [Seconds, SecondsPath, Timestamp, TimestampPath]', at);
    }
  },
  Parallel: ({ state, at, ctx }) => {
    requireFields(state, at, ['Branches']);
    const branchesAt = child(at, 'Branches');
    must(Array.isArray(state.Branches) && state.Branches.length > 0, branchesAt, 'Branches', 'a non-empty array');
    (state.Branches as unknown[]).forEach((branch, i) => checkMachine(branch, child(branchesAt, i), 'branch', ctx));
  },
  Map: checkMap,
};

function checkTask({ state, at, lang, ctx }: StateEnv): void {
  requireFields(state, at, ['Resource']);
  const resourceAt = child(at, 'Resource');
  const resource = state.Resource;
  must(typeof resource === 'string', resourceAt, 'Resource', 'a string');
  const parsed = recognizeResource(resource);
  if (!parsed) schemaError(unsupportedResource(resource), resourceAt);
  if (ctx.workflowType === 'EXPRESS' && parsed.pattern !== 'request-response') {
    schemaError(`Express state machine does not support '.${parsed.pattern}' service integration (field 'Resource')`, resourceAt);
  }
  if (!parsed.functionArn) checkIntegrationPayload(`${parsed.service}:${parsed.action}`, state, at, lang);

  const { TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat } = state;
  if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
    schemaError(`Field 'HeartbeatSeconds' (${heartbeat}) must be smaller than 'TimeoutSeconds' (${timeout})`, child(at, 'HeartbeatSeconds'));
  }
}

/** The request fields of an optimized integration: known names only, required ones present. */
function checkIntegrationPayload(integration: string, state: Json, at: string, lang: Language): void {
  const field = lang === 'JSONPath' ? 'Parameters' : 'Arguments';
  const payload = state[field];
  if (isExpression(payload)) return; // computed at run time
  const where = payload === undefined ? at : child(at, field);
  const given = isObject(payload) ? payload : {};
  const { required, optional } = INTEGRATION_FIELDS[integration];
  const names = new Map(Object.keys(given).map((k) => [lang === 'JSONPath' && k.endsWith('.$') ? k.slice(0, -2) : k, k]));
  for (const [name, key] of names) {
    if (!required.includes(name) && !optional.includes(name)) {
      schemaError(`The field "${name}" is not supported by Step Functions in '${field}' of ${integration}`, child(where, key));
    }
  }
  const missing = required.find((name) => !names.has(name));
  if (missing) schemaError(`The field '${missing}' is required but was missing in '${field}' of ${integration}`, where);
}

function checkErrorHandlers(kind: 'Retry' | 'Catch', value: unknown, at: string, env: Env): void {
  must(Array.isArray(value), at, kind, 'an array');
  const entries = value as unknown[];
  entries.forEach((entry, i) => {
    const where = child(at, i);
    must(isObject(entry), where, kind, 'an array of JSON objects');
    const handler = entry as Json;
    checkFields(handler, where, kind === 'Retry' ? RETRIER_FIELDS : CATCHER_FIELDS, env.lang);
    requireFields(handler, where, kind === 'Retry' ? ['ErrorEquals'] : ['ErrorEquals', 'Next']);
    checkValues(handler, where, env);
    const errors = handler.ErrorEquals as string[];
    if (errors.includes('States.ALL') && (errors.length > 1 || i < entries.length - 1)) {
      schemaError(`States.ALL must appear alone in 'ErrorEquals' and in the last ${kind === 'Retry' ? 'retrier' : 'catcher'}`, child(where, 'ErrorEquals'));
    }
  });
}

// ---------------------------------------------------------------------------
// Choice

function checkChoice({ state, at, lang, ctx }: StateEnv): void {
  requireFields(state, at, ['Choices']);
  const choicesAt = child(at, 'Choices');
  must(Array.isArray(state.Choices) && state.Choices.length > 0, choicesAt, 'Choices', 'a non-empty array of rules');
  (state.Choices as unknown[]).forEach((rule, i) => checkRule(rule, child(choicesAt, i), { lang, ctx }, true));
}

function checkRule(rule: unknown, at: string, env: Env, top: boolean): void {
  must(isObject(rule), at, 'Choices', 'made of JSON object rules');
  const r = rule as Json;
  checkFields(r, at, top ? RULE_FIELDS.top : RULE_FIELDS.nested, env.lang);
  if (top) requireFields(r, at, ['Next']);
  checkValues(r, at, env);
  if (env.lang === 'JSONata') {
    requireFields(r, at, ['Condition']);
    const ok = typeof r.Condition === 'boolean' || isExpression(r.Condition);
    must(ok, child(at, 'Condition'), 'Condition', 'a JSONata expression or a boolean');
    return;
  }
  const operators = Object.keys(r).filter((k) => LOGICAL.includes(k) || CHOICE_OPERATORS.includes(k));
  if (operators.length === 0) {
    schemaError('A Choice rule needs a comparison operator (with Variable) or one of [And, Or, Not]', at);
  }
  if (operators.length > 1) schemaError(`There should only be one of the following fields: ${list(operators)}`, at);
  const [op] = operators;
  const opAt = child(at, op);
  if (op === 'Not') return checkRule(r.Not, opAt, env, false);
  if (op === 'And' || op === 'Or') {
    if ('Variable' in r) schemaError(`Field 'Variable' is not supported together with '${op}'`, at);
    must(Array.isArray(r[op]) && (r[op] as unknown[]).length > 0, opAt, op, 'a non-empty array of rules');
    return (r[op] as unknown[]).forEach((nested, i) => checkRule(nested, child(opAt, i), env, false));
  }
  requireFields(r, at, ['Variable']);
  path()(r.Variable, child(at, 'Variable'), 'Variable', env);
  checkOperand(op, r[op], opAt, env);
}

/** The operand's type follows from the operator's name. */
function checkOperand(op: string, value: unknown, at: string, env: Env): void {
  if (op.endsWith('Path')) return path()(value, at, op, env);
  if (op.startsWith('Is') || op.startsWith('Boolean')) return must(typeof value === 'boolean', at, op, 'a boolean');
  if (op.startsWith('Numeric')) return must(typeof value === 'number' && Number.isFinite(value), at, op, 'a number');
  if (op.startsWith('Timestamp')) return must(parseTimestamp(value) !== null, at, op, 'an RFC3339 timestamp');
  must(typeof value === 'string', at, op, 'a string');
}

// ---------------------------------------------------------------------------
// Map

function checkMap({ state, at, lang, ctx }: StateEnv): void {
  const key = 'Iterator' in state ? 'Iterator' : 'ItemProcessor';
  if (!(key in state)) schemaError('One of the following fields is required: [ItemProcessor, Iterator]', at);
  const processorAt = child(at, key);
  must(isObject(state[key]), processorAt, key, 'a JSON object');
  const processor = state[key] as Json;

  const { mode, executionType } = key === 'ItemProcessor' ? processorConfig(processor.ProcessorConfig, child(processorAt, 'ProcessorConfig')) : INLINE;
  if (mode === 'DISTRIBUTED' && ctx.workflowType === 'EXPRESS') {
    schemaError("The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines", child(child(processorAt, 'ProcessorConfig'), 'Mode'));
  }
  if (mode === 'INLINE') {
    const distributedOnly = DISTRIBUTED_ONLY.find((f) => f in state);
    if (distributedOnly) schemaError(`Field '${distributedOnly}' is only supported when the Map's ProcessorConfig Mode is DISTRIBUTED`, child(at, distributedOnly));
  }
  if ('ItemBatcher' in state) checkItemBatcher(state.ItemBatcher, child(at, 'ItemBatcher'), { lang, ctx });

  // A distributed Map's iterations are child workflows of its ExecutionType.
  checkMachine(processor, processorAt, key === 'ItemProcessor' ? 'processor' : 'iterator', {
    ...ctx,
    workflowType: mode === 'DISTRIBUTED' ? executionType! : ctx.workflowType,
  });
}

const INLINE = { mode: 'INLINE' as const, executionType: undefined };

function processorConfig(config: unknown, at: string): { mode: 'INLINE' | 'DISTRIBUTED'; executionType?: WorkflowType } {
  if (config === undefined) return INLINE;
  must(isObject(config), at, 'ProcessorConfig', 'a JSON object');
  const c = config as Json;
  checkFields(c, at, PROCESSOR_CONFIG_FIELDS, 'JSONPath');
  const mode = (c.Mode ?? 'INLINE') as 'INLINE' | 'DISTRIBUTED';
  checkEnum(mode, child(at, 'Mode'), 'Mode', ['INLINE', 'DISTRIBUTED']);
  if (mode === 'INLINE') {
    if ('ExecutionType' in c) schemaError("Field 'ExecutionType' is only supported when 'Mode' is 'DISTRIBUTED'", child(at, 'ExecutionType'));
    return INLINE;
  }
  requireFields(c, at, ['ExecutionType']);
  checkEnum(c.ExecutionType, child(at, 'ExecutionType'), 'ExecutionType', ['STANDARD', 'EXPRESS']);
  return { mode, executionType: c.ExecutionType as WorkflowType };
}

function checkItemBatcher(value: unknown, at: string, env: Env): void {
  must(isObject(value), at, 'ItemBatcher', 'a JSON object');
  const batcher = value as Json;
  checkFields(batcher, at, ITEM_BATCHER_FIELDS, env.lang);
  checkExclusive(batcher, at);
  const limits = ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'];
  if (!limits.some((f) => f in batcher)) schemaError(`One of the following fields is required: ${list(limits)}`, at);
  checkValues(batcher, at, env);
}
