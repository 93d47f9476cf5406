import { runtimeError, StatesError } from './errors.js';
import { lookupPath, type PathScope } from './paths.js';

// JSONPath-language Choice rules (docs: "Choice workflow state").

type Kind = 'Boolean' | 'Numeric' | 'String' | 'Timestamp';

/** Parses an RFC3339 timestamp (uppercase T, Z or ±hh:mm) into [epoch seconds, nanos]; null if invalid. */
export function parseTimestamp(v: unknown): [number, number] | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const [oh, om] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (!daysInMonth || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59) return null;
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d); // avoids Date.UTC's 0..99 => 19xx mapping
  utc.setUTCHours(h, mi, s, 0);
  const offset = (m[8] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  return [utc.getTime() / 1000 - offset, Number((m[7] ?? '').padEnd(9, '0'))];
}

/** Java String.compareTo order (UTF-16 code units), which JS relational operators also use. */
const cmpPrimitive = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

// Per kind: the type guard and an ordering (null when either side is not a valid value of that kind).
const KINDS: Record<Kind, { is: (v: unknown) => boolean; cmp: (a: unknown, b: unknown) => number | null }> = {
  Boolean: { is: (v) => typeof v === 'boolean', cmp: (a, b) => (a === b ? 0 : 1) },
  Numeric: { is: (v) => typeof v === 'number', cmp: (a, b) => cmpPrimitive(a as number, b as number) },
  String: { is: (v) => typeof v === 'string', cmp: (a, b) => cmpPrimitive(a as string, b as string) },
  Timestamp: {
    is: (v) => parseTimestamp(v) !== null,
    cmp: (a, b) => {
      const [x, y] = [parseTimestamp(a)!, parseTimestamp(b)!];
      return cmpPrimitive(x[0], y[0]) || cmpPrimitive(x[1], y[1]);
    },
  },
};

const RELATIONS: Record<string, (c: number) => boolean> = {
  Equals: (c) => c === 0,
  GreaterThan: (c) => c > 0,
  GreaterThanEquals: (c) => c >= 0,
  LessThan: (c) => c < 0,
  LessThanEquals: (c) => c <= 0,
};

/** Escapes: `\*` is a literal star, `\\` a literal backslash; any other backslash is literal. */
function wildcardMatch(value: string, pattern: string): boolean {
  const parts: string[] = [''];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) parts[parts.length - 1] += pattern[++i];
    else if (ch === '*') parts.push('');
    else parts[parts.length - 1] += ch;
  }
  if (parts.length === 1) return value === parts[0];
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  // Greedy left-to-right placement of the middle segments is optimal for `*`-only patterns.
  let pos = first.length;
  const end = value.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const at = value.indexOf(part, pos);
    if (at < 0 || at + part.length > end) return false;
    pos = at + part.length;
  }
  return true;
}

type Test = (value: unknown, operand: unknown) => boolean;
const TESTS = new Map<string, Test>();
for (const [kind, { is, cmp }] of Object.entries(KINDS)) {
  for (const [rel, holds] of Object.entries(RELATIONS)) {
    if (kind === 'Boolean' && rel !== 'Equals') continue;
    // A value of the wrong type on either side never matches (AWS doesn't coerce).
    TESTS.set(kind + rel, (v, o) => is(v) && is(o) && holds(cmp(v, o)!));
  }
}
TESTS.set('StringMatches', (v, o) => typeof v === 'string' && typeof o === 'string' && wildcardMatch(v, o));
const TYPE_TESTS: Record<string, (v: unknown) => boolean> = {
  IsBoolean: KINDS.Boolean.is,
  IsNull: (v) => v === null,
  IsNumeric: KINDS.Numeric.is,
  IsString: KINDS.String.is,
  IsTimestamp: KINDS.Timestamp.is,
};
for (const [name, is] of Object.entries(TYPE_TESTS)) TESTS.set(name, (v, o) => is(v) === o);

/** `...Path` operators: the operand is read from a path instead of given literally. */
const PATH_OPERATORS = [...TESTS.keys()].filter((k) => !k.startsWith('Is') && k !== 'StringMatches').map((k) => k + 'Path');

/** Every comparison operator name (not And/Or/Not), for the definition validator. */
export const CHOICE_OPERATORS: readonly string[] = [...TESTS.keys(), 'IsPresent', ...PATH_OPERATORS].sort();
export const CHOICE_LOGICAL_OPERATORS: readonly string[] = ['And', 'Or', 'Not'];

const invalidValue = (path: unknown) =>
  runtimeError(`Invalid path '${String(path)}': The choice state's condition path references an invalid value.`);

/** Looks a path up, treating an undefined `$var` root as absent. */
function lookup(path: unknown, scope: PathScope): { found: boolean; value?: unknown } {
  if (typeof path !== 'string') throw runtimeError(`Invalid path '${String(path)}' in Choice rule`);
  try {
    return lookupPath(path, scope);
  } catch (e) {
    if (e instanceof StatesError) return { found: false };
    throw e;
  }
}

/** Evaluates one JSONPath Choice rule (a top-level rule or a nested And/Or/Not operand). */
export function matchesChoiceRule(rule: Record<string, unknown>, scope: PathScope): boolean {
  const nested = (r: unknown) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw runtimeError('Invalid nested Choice rule');
    return matchesChoiceRule(r as Record<string, unknown>, scope);
  };
  const list = (name: string) => {
    const rules = rule[name];
    if (!Array.isArray(rules) || rules.length === 0) throw runtimeError(`Choice rule '${name}' must be a non-empty array`);
    return rules;
  };
  // And/Or short-circuit in order, so an IsPresent guard protects later rules.
  if ('And' in rule) return list('And').every(nested);
  if ('Or' in rule) return list('Or').some(nested);
  if ('Not' in rule) return !nested(rule.Not);

  const op = Object.keys(rule).find((k) => CHOICE_OPERATORS.includes(k));
  if (!op) {
    const unknown = Object.keys(rule).filter((k) => !['Variable', 'Next', 'Comment', 'Assign'].includes(k));
    throw runtimeError(`Unsupported Choice rule operator: ${unknown.join(', ') || '(none)'}`);
  }
  const variable = lookup(rule.Variable, scope);
  if (op === 'IsPresent') return variable.found === rule[op];
  if (!variable.found) throw invalidValue(rule.Variable);

  if (op.endsWith('Path')) {
    const operand = lookup(rule[op], scope);
    if (!operand.found) throw invalidValue(rule[op]);
    return TESTS.get(op.slice(0, -4))!(variable.value, operand.value);
  }
  return TESTS.get(op)!(variable.value, rule[op]);
}
