/** HTTP API route selection: `$default`, `METHOD /path/{param}/{proxy+}` and `ANY`, most specific route first. */

export interface RouteTarget {
  routeKey: string;
  functionName: string;
}

export interface RouteMatch extends RouteTarget {
  pathParameters?: Record<string, string>;
}

type Segment = { literal: string } | { param: string; greedy: boolean };

interface Route extends RouteTarget {
  method: string;
  segments: Segment[];
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const split = (path: string) => (path === '/' ? [] : path.slice(1).split('/'));

function parse(target: RouteTarget): Route {
  if (target.routeKey === '$default') return { ...target, method: 'ANY', segments: [] };
  const m = /^(\S+) (\/\S*)$/.exec(target.routeKey);
  if (!m || !METHODS.has(m[1])) throw new Error(`Route key '${target.routeKey}' is not '$default' or 'METHOD /path'`);
  const segments = split(m[2]).map((s, i, all): Segment => {
    const v = /^\{([\w.-]+)(\+?)\}$/.exec(s);
    if (!v) return { literal: s };
    if (v[2] && i !== all.length - 1) throw new Error(`Route key '${target.routeKey}': a greedy variable must come last`);
    return { param: v[1], greedy: v[2] === '+' };
  });
  return { ...target, method: m[1], segments };
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Path parameters when `route` matches, else undefined. */
function match(route: Route, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i];
    if ('literal' in seg) {
      if (parts[i] !== seg.literal) return undefined;
    } else if (seg.greedy) {
      const rest = parts.slice(i).join('/');
      if (!rest) return undefined;
      params[seg.param] = decode(rest);
      return params;
    } else {
      if (!parts[i]) return undefined;
      params[seg.param] = decode(parts[i]);
    }
  }
  return parts.length === route.segments.length ? params : undefined;
}

/** Ranks a matching route: exact paths, then path variables, then greedy; more literals first; a method before ANY. */
function rank(route: Route): number[] {
  const greedy = route.segments.some((s) => 'greedy' in s && s.greedy);
  const variables = route.segments.some((s) => 'param' in s);
  const literals = route.segments.filter((s) => 'literal' in s).length;
  return [greedy ? 2 : variables ? 1 : 0, -literals, route.method === 'ANY' ? 1 : 0];
}

export function router(targets: RouteTarget[]): (method: string, path: string) => RouteMatch | undefined {
  const routes = targets.map(parse);
  const fallback = routes.find((r) => r.routeKey === '$default');
  const ranked = routes
    .filter((r) => r !== fallback)
    .map((r) => ({ r, rank: rank(r) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2])
    .map(({ r }) => r);
  return (method, path) => {
    const parts = split(path);
    for (const route of ranked) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      const params = match(route, parts);
      if (params) return { routeKey: route.routeKey, functionName: route.functionName, ...(Object.keys(params).length ? { pathParameters: params } : {}) };
    }
    return fallback && { routeKey: '$default', functionName: fallback.functionName };
  };
}
