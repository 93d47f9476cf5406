import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { StatesError } from './errors.js';

/** What a JSONata expression sees: `$states` plus every workflow variable in scope. */
export interface JsonataScope {
  states: { input: unknown; result?: unknown; errorOutput?: unknown; context: unknown };
  variables: Record<string, unknown>;
}

const compiled = new Map<string, jsonata.Expression>();
const EXPRESSION = /^\{%([\s\S]*)%\}$/;

export const isJsonataExpression = (value: unknown): value is string =>
  typeof value === 'string' && EXPRESSION.test(value);

const queryError = (message: string) => new StatesError('States.QueryEvaluationError', message);

function compile(source: string): jsonata.Expression {
  let expr = compiled.get(source);
  if (!expr) {
    try {
      expr = jsonata(source);
    } catch (err) {
      throw queryError(`The JSONata expression '${source}' could not be parsed: ${(err as Error).message}`);
    }
    // Functions Step Functions adds to JSONata.
    expr.registerFunction('partition', (arr: unknown[], size: number) => {
      if (!Array.isArray(arr) || !(size > 0)) throw queryError('$partition expects an array and a positive size');
      const out: unknown[][] = [];
      for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
      return out;
    });
    expr.registerFunction('range', (start: number, end: number, step: number) => {
      if (!step) throw queryError('$range step must not be zero');
      const out: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) out.push(v);
      return out;
    });
    expr.registerFunction('hash', (data: unknown, algorithm: string) => {
      const algorithms: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
      const name = algorithms[algorithm];
      if (!name) throw queryError(`$hash does not support the algorithm '${algorithm}'`);
      return createHash(name).update(typeof data === 'string' ? data : JSON.stringify(data)).digest('hex');
    });
    expr.registerFunction('random', (seed?: number) => (seed === undefined ? Math.random() : seededRandom(seed)));
    expr.registerFunction('uuid', () => randomUUID());
    expr.registerFunction('parse', (text: string) => {
      try {
        return JSON.parse(text);
      } catch {
        throw queryError(`$parse could not parse '${text}' as JSON`);
      }
    });
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(source, expr);
  }
  return expr;
}

function seededRandom(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

async function evaluateExpression(text: string, scope: JsonataScope): Promise<unknown> {
  const source = EXPRESSION.exec(text)![1];
  let value: unknown;
  try {
    value = await compile(source).evaluate(undefined, { ...scope.variables, states: scope.states });
  } catch (err) {
    if (err instanceof StatesError) throw err;
    throw queryError(`An error occurred while evaluating the expression '${source.trim()}': ${(err as Error).message}`);
  }
  return normalise(value);
}

/** JSONata sequences and frozen arrays become plain JSON. */
function normalise(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * Evaluates a JSONata template: every string of the form `{% ... %}`, at any depth,
 * is replaced by its value; everything else is kept as written. An expression that
 * returns nothing (undefined) fails with States.QueryEvaluationError, as JSON cannot
 * hold it (docs: "Error names", States.QueryEvaluationError: "an undefined result").
 * `location` names the field for that message, e.g. `Arguments/Input/pushLocation`.
 */
export async function evaluateJsonataTemplate(template: unknown, scope: JsonataScope, location = ''): Promise<unknown> {
  if (typeof template === 'string') {
    if (!isJsonataExpression(template)) return template;
    const value = await evaluateExpression(template, scope);
    if (value === undefined) {
      throw queryError(`The JSONata expression '${EXPRESSION.exec(template)![1].trim()}' specified for the field '${location}' returned nothing (undefined).`);
    }
    return value;
  }
  if (Array.isArray(template)) return Promise.all(template.map((item, i) => evaluateJsonataTemplate(item, scope, `${location}[${i}]`)));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    out[key] = await evaluateJsonataTemplate(value, scope, location ? `${location}/${key}` : key);
  }
  return out;
}

/** Evaluates a field that must produce a value (Output, Arguments, Condition, ...). */
export async function evaluateJsonataField(field: string, template: unknown, scope: JsonataScope): Promise<unknown> {
  const value = await evaluateJsonataTemplate(template, scope, field);
  if (value === undefined) throw queryError(`The JSONata expression in the field '${field}' returned no value`);
  return value;
}
