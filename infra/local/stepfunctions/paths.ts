import { JSONPath } from 'jsonpath-plus';
import { runtimeError } from './errors.js';

/** What `$`, `$$` and `$name` refer to in a JSONPath-language state. */
export interface PathScope {
  input: unknown;
  context: unknown;
  variables: Variables;
}

/** Workflow variables: lookup walks outward through enclosing scopes (Map/Parallel). */
export interface Variables {
  get(name: string): { found: boolean; value?: unknown };
}

type Segment = string | number;
const definiteCache = new Map<string, Segment[] | null>();

/** Parses `$.a.b[0]['c d']` style paths (no wildcards/filters) into segments; null if indefinite. */
export function parseDefinitePath(path: string): Segment[] | null {
  const cached = definiteCache.get(path);
  if (cached !== undefined) return cached;
  const segments: Segment[] = [];
  let i = 1;
  let ok = true;
  while (i < path.length && ok) {
    const ch = path[i];
    if (ch === '.') {
      const m = /^[^.[\]*?()@,:'" ]+/.exec(path.slice(i + 1));
      if (!m || path[i + 1] === '.') ok = false;
      else {
        segments.push(m[0]);
        i += 1 + m[0].length;
      }
    } else if (ch === '[') {
      const rest = path.slice(i);
      const num = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest) ?? /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
      if (num) {
        segments.push(Number(num[1]));
        i += num[0].length;
      } else if (quoted) {
        segments.push(quoted[1].replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else ok = false;
    } else ok = false;
  }
  const result = ok ? segments : null;
  if (definiteCache.size > 10_000) definiteCache.clear();
  definiteCache.set(path, result);
  return result;
}

function walk(root: unknown, segments: Segment[]): { found: boolean; value?: unknown } {
  let node: unknown = root;
  for (const seg of segments) {
    if (node === null || typeof node !== 'object') return { found: false };
    if (typeof seg === 'number') {
      if (!Array.isArray(node) || seg >= node.length) return { found: false };
      node = node[seg];
    } else {
      if (Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, seg)) return { found: false };
      node = (node as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: node };
}

/** Splits a path into its root value and the path relative to that root (`$...`). */
function resolveRoot(path: string, scope: PathScope): { root: unknown; rel: string } {
  if (path.startsWith('$$')) return { root: scope.context, rel: '$' + path.slice(2) };
  if (path === '$' || path.startsWith('$.') || path.startsWith('$[')) return { root: scope.input, rel: path };
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path);
  if (!m) throw runtimeError(`Invalid path '${path}'`);
  const variable = scope.variables.get(m[1]);
  if (!variable.found) throw runtimeError(`Invalid path '${path}': The variable '$${m[1]}' is not defined`);
  return { root: variable.value, rel: '$' + path.slice(m[0].length) };
}

/** Looks a path up; `found: false` when a definite path has no value. */
export function lookupPath(path: string, scope: PathScope): { found: boolean; value?: unknown } {
  const { root, rel } = resolveRoot(path, scope);
  const segments = parseDefinitePath(rel);
  if (segments) return walk(root, segments);
  if (root === null || typeof root !== 'object') return { found: false };
  const values = JSONPath({ path: rel, json: root as object, wrap: true, eval: 'safe' }) as unknown[];
  // Jayway semantics: an indefinite path always yields a list, possibly empty.
  return { found: true, value: values };
}

/** Reads a path, failing with States.Runtime as AWS does when it selects nothing. */
export function readPath(path: string, scope: PathScope): unknown {
  const r = lookupPath(path, scope);
  if (!r.found) throw runtimeError(`Invalid path '${path}' : No results for path: ${path}`);
  return r.value;
}

/** Applies a ResultPath: null discards the result, `$` replaces the input, else merges at the path. */
export function applyResultPath(input: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const segments = parseDefinitePath(resultPath);
  if (!segments || !resultPath.startsWith('$')) throw runtimeError(`Invalid ResultPath '${resultPath}'`);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw runtimeError(`Unable to apply ReferencePath ${resultPath} to input ${JSON.stringify(input)}`);
  }
  const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  let node: Record<string, unknown> = copy;
  segments.forEach((seg, idx) => {
    const key = String(seg);
    if (idx === segments.length - 1) {
      node[key] = result;
      return;
    }
    const next = node[key];
    if (next !== undefined && (next === null || typeof next !== 'object' || Array.isArray(next))) {
      throw runtimeError(`Unable to apply ReferencePath ${resultPath} to input ${JSON.stringify(input)}`);
    }
    const child = next === undefined ? {} : { ...(next as object) };
    node[key] = child;
    node = child as Record<string, unknown>;
  });
  return copy;
}
