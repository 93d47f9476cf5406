/*
 * PartiQL UPDATE statements of the shape DynamoDB runs in BatchExecuteStatement, read for the
 * local store into the item's key, the values to set, and the condition:
 *
 *   UPDATE "table" SET "a" = ? [SET "b" = 'text' | 12 | ?]… WHERE "pk" = ? AND "sk" = ? [AND condition]
 *
 * The key is the WHERE clause's top-level equalities on the table's key attributes; the rest is
 * the condition, of =, <>, IS [NOT] MISSING, AND, OR, NOT and parentheses. As on DynamoDB, an
 * UPDATE changes an item that exists: it never creates one. Anything else is refused with its reason.
 */

type AttributeValue = Record<string, unknown>;

/** A value in a statement: a literal, or the index of its parameter (?). */
type Operand = { literal: AttributeValue } | { parameter: number };

/** A WHERE condition; V is how its values stand: Operand as read, AttributeValue once bound. */
type ConditionOf<V> =
  | { all: ConditionOf<V>[] }
  | { any: ConditionOf<V>[] }
  | { not: ConditionOf<V> }
  | { compare: '=' | '<>'; name: string; value: V }
  | { missing: boolean; name: string };
type Condition = ConditionOf<Operand>;
export type BoundCondition = ConditionOf<AttributeValue>;

export interface UpdateTemplate {
  tableName: string;
  sets: [string, Operand][];
  where: Condition;
  parameters: number;
}

/** A statement with its parameters: the item's key, the values to set, and the rest of the condition. */
export interface BoundUpdate {
  tableName: string;
  key: Record<string, AttributeValue>;
  sets: [string, AttributeValue][];
  /** What must hold besides the item existing; undefined when nothing else. */
  condition?: BoundCondition;
}

export const MALFORMED = "Statement wasn't well formed, can't be processed";
export const PARAMETER_COUNT = "Number of parameters in request and statement don't match.";

const TOKEN = /\s*(?:"((?:[^"]|"")+)"|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|(<>|[=?(),;])|([A-Za-z_][A-Za-z0-9_.-]*))/y;

type Token = { name: string } | { text: string } | { number: string } | { symbol: string } | { word: string };

function tokenize(statement: string): Token[] | undefined {
  const tokens: Token[] = [];
  const trimmed = statement.trimEnd();
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < trimmed.length) {
    const m = TOKEN.exec(trimmed);
    if (!m) return undefined;
    const [, quoted, text, number, symbol, word] = m;
    if (quoted !== undefined) tokens.push({ name: quoted.replaceAll('""', '"') });
    else if (text !== undefined) tokens.push({ text: text.replaceAll("''", "'") });
    else if (number !== undefined) tokens.push({ number });
    else if (symbol !== undefined) tokens.push({ symbol });
    else tokens.push({ word: word! });
  }
  return tokens;
}

/** Reads the statement; a string is why it cannot be run ('' if it is no UPDATE). */
export function parseUpdate(statement: string): UpdateTemplate | string {
  if (!/^\s*UPDATE\b/i.test(statement)) return '';
  const tokens = tokenize(statement);
  if (!tokens) return MALFORMED;
  let at = 0;
  let parameters = 0;
  const peek = () => tokens[at];
  const isWord = (w: string, t = peek()) => t !== undefined && 'word' in t && t.word.toUpperCase() === w;
  const isSymbol = (s: string, t = peek()) => t !== undefined && 'symbol' in t && t.symbol === s;
  const fail = (): never => {
    throw new SyntaxError(MALFORMED);
  };
  const expectWord = (w: string) => (isWord(w) ? at++ : fail());
  const expectSymbol = (s: string) => (isSymbol(s) ? at++ : fail());
  const name = (): string => {
    const t = tokens[at++];
    if (t && 'name' in t) return t.name;
    if (t && 'word' in t && !['SET', 'WHERE', 'AND', 'OR', 'NOT', 'IS', 'MISSING'].includes(t.word.toUpperCase())) return t.word;
    return fail();
  };
  const operand = (): Operand => {
    const t = tokens[at++];
    if (t && 'symbol' in t && t.symbol === '?') return { parameter: parameters++ };
    if (t && 'text' in t) return { literal: { S: t.text } };
    if (t && 'number' in t) return { literal: { N: t.number } };
    return fail();
  };
  const primary = (): Condition => {
    if (isWord('NOT')) {
      at++;
      return { not: primary() };
    }
    if (isSymbol('(')) {
      at++;
      const inner = disjunction();
      expectSymbol(')');
      return inner;
    }
    const attribute = name();
    if (isWord('IS')) {
      at++;
      const negated = isWord('NOT') ? (at++, true) : false;
      expectWord('MISSING');
      return { missing: !negated, name: attribute };
    }
    const t = tokens[at++];
    if (!t || !('symbol' in t) || (t.symbol !== '=' && t.symbol !== '<>')) return fail();
    return { compare: t.symbol, name: attribute, value: operand() };
  };
  /** Terms of `term` joined by `word`: one alone, or `join` of them all. */
  const joined = (word: 'AND' | 'OR', term: () => Condition, join: (terms: Condition[]) => Condition) => (): Condition => {
    const terms = [term()];
    while (isWord(word)) {
      at++;
      terms.push(term());
    }
    return terms.length === 1 ? terms[0] : join(terms);
  };
  const conjunction = joined('AND', primary, (all) => ({ all }));
  const disjunction: () => Condition = joined('OR', conjunction, (any) => ({ any }));

  try {
    expectWord('UPDATE');
    const tableName = name();
    const sets: [string, Operand][] = [];
    while (isWord('SET')) {
      do {
        at++;
        const attribute = name();
        expectSymbol('=');
        sets.push([attribute, operand()]);
      } while (isSymbol(','));
    }
    if (sets.length === 0) return 'The local store runs UPDATE statements with SET only';
    expectWord('WHERE');
    const where = disjunction();
    if (isSymbol(';')) at++;
    if (at !== tokens.length) return fail();
    return { tableName, sets, where, parameters };
  } catch (err) {
    if (err instanceof SyntaxError) return err.message;
    throw err;
  }
}

/** A statement read by parseUpdate, bound to its parameters; a string is why it cannot be run. */
export function bindUpdate(template: UpdateTemplate, parameters: readonly AttributeValue[], keyNames: readonly string[]): BoundUpdate | string {
  if (parameters.length !== template.parameters) return PARAMETER_COUNT;
  const valueOf = (operand: Operand) => ('literal' in operand ? operand.literal : parameters[operand.parameter]);
  const bind = (c: Condition): BoundCondition => {
    if ('all' in c) return { all: c.all.map(bind) };
    if ('any' in c) return { any: c.any.map(bind) };
    if ('not' in c) return { not: bind(c.not) };
    if ('missing' in c) return c;
    return { compare: c.compare, name: c.name, value: valueOf(c.value) };
  };

  const terms = 'all' in template.where ? template.where.all : [template.where];
  const key: Record<string, AttributeValue> = {};
  const rest: BoundCondition[] = [];
  for (const term of terms) {
    if ('compare' in term && term.compare === '=' && keyNames.includes(term.name) && !(term.name in key)) key[term.name] = valueOf(term.value);
    else rest.push(bind(term));
  }
  const absent = keyNames.find((k) => !(k in key));
  if (absent) return `Where clause does not contain a mandatory equality on all key attributes: ${absent}`;
  if (template.sets.some(([attribute]) => keyNames.includes(attribute))) return 'Cannot update attribute of the key';
  const condition = rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : { all: rest };
  return { tableName: template.tableName, key, sets: template.sets.map(([attribute, operand]) => [attribute, valueOf(operand)]), ...(condition ? { condition } : {}) };
}
