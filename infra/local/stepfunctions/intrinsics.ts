import { createHash, randomUUID } from 'node:crypto';
import { StatesError } from './errors.js';
import { readPath, type PathScope } from './paths.js';

/** Parsed intrinsic invocation: `States.Name(arg, ...)`. */
type Node =
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'path'; path: string }
  | { kind: 'literal'; value: unknown; pieces?: string[] };
// `pieces` (string literals only): text between unescaped `{}`; used by States.Format.

const fail = (fn: string, message: string) => new StatesError('States.IntrinsicFailure', `${fn}: ${message}`);

// ---------- Parser ----------

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const call = this.call();
    this.ws();
    if (this.i < this.src.length) throw this.error('unexpected trailing text');
    return call;
  }

  private error(message: string) {
    return new StatesError('States.IntrinsicFailure', `Invalid intrinsic function '${this.src}': ${message} at position ${this.i}`);
  }

  private ws() {
    while (/\s/.test(this.src[this.i] ?? '')) this.i++;
  }

  private call(): Node {
    const m = /^States\.[A-Za-z0-9]+/.exec(this.src.slice(this.i));
    if (!m) throw this.error('expected a States.* function name');
    this.i += m[0].length;
    this.ws();
    if (this.src[this.i] !== '(') throw this.error("expected '('");
    this.i++;
    const args: Node[] = [];
    this.ws();
    if (this.src[this.i] === ')') {
      this.i++;
      return { kind: 'call', name: m[0], args };
    }
    for (;;) {
      args.push(this.arg());
      this.ws();
      const ch = this.src[this.i++];
      if (ch === ')') return { kind: 'call', name: m[0], args };
      if (ch !== ',') throw this.error("expected ',' or ')'");
    }
  }

  private arg(): Node {
    this.ws();
    const rest = this.src.slice(this.i);
    if (rest.startsWith("'")) return this.string();
    if (rest.startsWith('$')) return this.path();
    if (rest.startsWith('States.')) return this.call();
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      this.i += num[0].length;
      return { kind: 'literal', value: Number(num[0]) };
    }
    const word = /^(null|true|false)(?![\w.$])/.exec(rest);
    if (word) {
      this.i += word[0].length;
      return { kind: 'literal', value: JSON.parse(word[1]) };
    }
    throw this.error('expected an argument');
  }

  /** Single-quoted literal; `\'`, `\{`, `\}` and `\\` are the only escapes. */
  private string(): Node {
    this.i++; // opening quote
    let value = '';
    let piece = '';
    const pieces: string[] = [];
    while (this.i < this.src.length) {
      const ch = this.src[this.i++];
      if (ch === '\\') {
        const next = this.src[this.i++];
        if (next === undefined || !"'{}\\".includes(next)) throw this.error('invalid escape sequence');
        value += next;
        piece += next;
      } else if (ch === "'") {
        pieces.push(piece);
        return { kind: 'literal', value, pieces };
      } else if (ch === '{' && this.src[this.i] === '}') {
        this.i++;
        value += '{}';
        pieces.push(piece);
        piece = '';
      } else {
        value += ch;
        piece += ch;
      }
    }
    throw this.error('unterminated string literal');
  }

  /** A path runs to the next `,` or `)` outside brackets and quotes. */
  private path(): Node {
    const start = this.i;
    let depth = 0;
    let quote: string | null = null;
    for (; this.i < this.src.length; this.i++) {
      const ch = this.src[this.i];
      if (quote) {
        if (ch === '\\') this.i++;
        else if (ch === quote) quote = null;
      } else if (ch === "'" || ch === '"') {
        if (depth > 0) quote = ch;
      } else if (ch === '[') depth++;
      else if (ch === ']') depth--;
      else if (depth === 0 && (ch === ',' || ch === ')')) break;
    }
    if (depth !== 0 || quote) throw this.error('unbalanced brackets in path');
    return { kind: 'path', path: this.src.slice(start, this.i).trimEnd() };
  }
}

const astCache = new Map<string, Node>();

function parse(expression: string): Node {
  let ast = astCache.get(expression);
  if (!ast) {
    ast = new Parser(expression).parse();
    if (astCache.size > 10_000) astCache.clear();
    astCache.set(expression, ast);
  }
  return ast;
}

/** True when `expr` is a syntactically valid `States.*(...)` invocation. */
export function isIntrinsicCall(expr: string): boolean {
  if (!expr.startsWith('States.')) return false;
  try {
    parse(expr);
    return true;
  } catch {
    return false;
  }
}

// ---------- Argument checks ----------

const ORDINAL = ['first', 'second', 'third'];
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function expectType<T>(fn: string, args: unknown[], i: number, want: string, ok: (v: unknown) => boolean): T {
  if (!ok(args[i])) throw fail(fn, `the ${ORDINAL[i]} argument must be ${want}, but received ${typeName(args[i])}`);
  return args[i] as T;
}
const str = (fn: string, args: unknown[], i: number) => expectType<string>(fn, args, i, 'a string', (v) => typeof v === 'string');
const arr = (fn: string, args: unknown[], i: number) => expectType<unknown[]>(fn, args, i, 'an array', Array.isArray);
const obj = (fn: string, args: unknown[], i: number) =>
  expectType<Record<string, unknown>>(fn, args, i, 'a JSON object', (v) => typeName(v) === 'object');
/** AWS rounds non-integer numbers to the nearest integer (Java-style: halves round up). */
const int = (fn: string, args: unknown[], i: number) =>
  Math.round(expectType<number>(fn, args, i, 'a number', (v) => typeof v === 'number')) || 0;

function checkLength(fn: string, s: string) {
  if (s.length > 10_000) throw fail(fn, `the input string has ${s.length} characters; the maximum is 10,000`);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeName(a) !== typeName(b) || a === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ak.length === Object.keys(bo).length && ak.every((k) => k in bo && jsonEqual((a as Record<string, unknown>)[k], bo[k]));
}

/** States.Format renders values like Java's toString (AWS: `{"a":[1]}` becomes `{a=[1]}`). */
function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${k}=${render(x)}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** mulberry32: tiny deterministic PRNG for seeded States.MathRandom. */
function seededRandom(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// ---------- Functions ----------

type Impl = (args: unknown[], nodes: Node[]) => unknown;
interface Spec {
  min: number;
  max: number;
  impl: Impl;
}

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

const FUNCTIONS: Record<string, Spec> = {
  'States.Format': {
    min: 1,
    max: Infinity,
    impl: (args, nodes) => {
      const fn = 'States.Format';
      const template = str(fn, args, 0);
      const first = nodes[0];
      // Escaped `\{\}` in a literal template are text, not placeholders.
      const pieces = first.kind === 'literal' && first.pieces ? first.pieces : template.split('{}');
      const values = args.slice(1);
      if (pieces.length - 1 !== values.length) {
        throw fail(fn, `the template has ${pieces.length - 1} '{}' placeholder(s) but ${values.length} value argument(s) were given`);
      }
      return pieces.reduce((out, piece, i) => out + render(values[i - 1]) + piece);
    },
  },
  'States.StringToJson': {
    min: 1,
    max: 1,
    impl: (args) => {
      const s = str('States.StringToJson', args, 0);
      if (s.trim() === '') return null; // AWS returns null for blank strings
      try {
        return JSON.parse(s);
      } catch (e) {
        throw fail('States.StringToJson', `the argument is not valid JSON (${(e as Error).message})`);
      }
    },
  },
  'States.JsonToString': { min: 1, max: 1, impl: (args) => JSON.stringify(args[0]) },
  'States.Array': { min: 0, max: Infinity, impl: (args) => args },
  'States.ArrayPartition': {
    min: 2,
    max: 2,
    impl: (args) => {
      const fn = 'States.ArrayPartition';
      const array = arr(fn, args, 0);
      const size = int(fn, args, 1);
      if (size <= 0) throw fail(fn, `the chunk size must be a positive integer, but was ${args[1]}`);
      const chunks: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
      return chunks;
    },
  },
  'States.ArrayContains': {
    min: 2,
    max: 2,
    impl: (args) => arr('States.ArrayContains', args, 0).some((v) => jsonEqual(v, args[1])),
  },
  'States.ArrayRange': {
    min: 3,
    max: 3,
    impl: (args) => {
      const fn = 'States.ArrayRange';
      const [start, end, step] = [0, 1, 2].map((i) => int(fn, args, i));
      if (step === 0) throw fail(fn, 'the step (third argument) must not be zero');
      const count = Math.max(0, Math.floor((end - start) / step) + 1);
      if (count > 1000) throw fail(fn, `the range would have ${count} items; the maximum is 1000`);
      return Array.from({ length: count }, (_, i) => start + i * step);
    },
  },
  'States.ArrayGetItem': {
    min: 2,
    max: 2,
    impl: (args) => {
      const fn = 'States.ArrayGetItem';
      const array = arr(fn, args, 0);
      const index = expectType<number>(fn, args, 1, 'an integer index', Number.isInteger);
      if (index < 0 || index >= array.length) throw fail(fn, `index ${index} is out of bounds for an array of length ${array.length}`);
      return array[index];
    },
  },
  'States.ArrayLength': { min: 1, max: 1, impl: (args) => arr('States.ArrayLength', args, 0).length },
  'States.ArrayUnique': {
    min: 1,
    max: 1,
    impl: (args) => {
      const out: unknown[] = [];
      for (const v of arr('States.ArrayUnique', args, 0)) if (!out.some((u) => jsonEqual(u, v))) out.push(v);
      return out;
    },
  },
  'States.Base64Encode': {
    min: 1,
    max: 1,
    impl: (args) => {
      const s = str('States.Base64Encode', args, 0);
      checkLength('States.Base64Encode', s);
      return Buffer.from(s, 'utf8').toString('base64');
    },
  },
  'States.Base64Decode': {
    min: 1,
    max: 1,
    impl: (args) => {
      const fn = 'States.Base64Decode';
      const s = str(fn, args, 0);
      checkLength(fn, s);
      const clean = s.replace(/[\r\n]/g, ''); // MIME base64 may be wrapped in lines
      if (!BASE64.test(clean) || clean.replace(/=+$/, '').length % 4 === 1) throw fail(fn, 'the argument is not valid Base64');
      return Buffer.from(clean, 'base64').toString('utf8');
    },
  },
  'States.Hash': {
    min: 2,
    max: 2,
    impl: (args) => {
      const fn = 'States.Hash';
      const data = str(fn, args, 0);
      checkLength(fn, data);
      const algorithm = str(fn, args, 1);
      const hash = HASHES[algorithm];
      if (!hash) throw fail(fn, `unsupported algorithm '${algorithm}'; use one of ${Object.keys(HASHES).join(', ')}`);
      return createHash(hash).update(data, 'utf8').digest('hex');
    },
  },
  'States.JsonMerge': {
    min: 3,
    max: 3,
    impl: (args) => {
      const fn = 'States.JsonMerge';
      const a = obj(fn, args, 0);
      const b = obj(fn, args, 1);
      const deep = expectType<boolean>(fn, args, 2, 'a boolean', (v) => typeof v === 'boolean');
      if (deep) throw fail(fn, 'only shallow merging is supported; the third argument must be false');
      return { ...a, ...b };
    },
  },
  'States.MathRandom': {
    min: 2,
    max: 3,
    impl: (args) => {
      const fn = 'States.MathRandom';
      const start = int(fn, args, 0);
      const end = int(fn, args, 1);
      if (end <= start) throw fail(fn, `the end (${end}) must be greater than the start (${start})`);
      const r = args.length === 3 ? seededRandom(int(fn, args, 2)) : Math.random();
      return start + Math.floor(r * (end - start)); // start inclusive, end exclusive
    },
  },
  'States.MathAdd': {
    min: 2,
    max: 2,
    impl: (args) => {
      const fn = 'States.MathAdd';
      const [a, b] = [int(fn, args, 0), int(fn, args, 1)];
      for (const v of [a, b]) {
        if (v < -2147483648 || v > 2147483647) throw fail(fn, `${v} is outside the range -2147483648 to 2147483647`);
      }
      return a + b;
    },
  },
  'States.StringSplit': {
    min: 2,
    max: 2,
    impl: (args) => {
      const s = str('States.StringSplit', args, 0);
      const delimiters = str('States.StringSplit', args, 1);
      // Every character of the second argument is a delimiter; empty tokens are dropped.
      const parts: string[] = [];
      let current = '';
      for (const ch of s) {
        if (delimiters.includes(ch)) {
          if (current) parts.push(current);
          current = '';
        } else current += ch;
      }
      if (current) parts.push(current);
      return parts;
    },
  },
  'States.UUID': { min: 0, max: 0, impl: () => randomUUID() },
};

// ---------- Evaluation ----------

function evaluate(node: Node, scope: PathScope): unknown {
  if (node.kind === 'literal') return node.value;
  if (node.kind === 'path') return readPath(node.path, scope); // States.Runtime on a miss
  const spec = FUNCTIONS[node.name];
  if (!spec) throw fail(node.name, 'unknown intrinsic function');
  const n = node.args.length;
  if (n < spec.min || n > spec.max) {
    const want = spec.min === spec.max ? `exactly ${spec.min}` : spec.max === Infinity ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
    throw fail(node.name, `expected ${want} argument(s) but received ${n}`);
  }
  const args = node.args.map((a) => evaluate(a, scope));
  try {
    return spec.impl(args, node.args);
  } catch (e) {
    if (e instanceof StatesError) throw e;
    throw fail(node.name, (e as Error).message);
  }
}

/** Evaluates an intrinsic function expression such as `States.Format('{}', $.a)`. */
export function evaluateIntrinsic(expression: string, scope: PathScope): unknown {
  return evaluate(parse(expression), scope);
}
