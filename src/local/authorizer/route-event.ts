/**
 * A request matched to the project's declared routes as API Gateway's REST API matches it, and the parts of the
 * proxy event (payload 1.0) that depend on the route: `resource` (the declared path), `pathParameters`, the query
 * (single and multi-value) and the headers.
 *
 * Matching: a literal segment wins over a `{parameter}` at the same level, which wins over a greedy `{name+}`;
 * an exact method wins over ANY. Values are percent-decoded as the gateway decodes them; a query key given twice
 * (a `+` stays a `+`) keeps its last value in `queryStringParameters` and every value, in order, in the multi-value map; headers keep
 * the client's spelling, the last of a repeated header in `headers` and all of them in `multiValueHeaders`.
 */
import type { RouteModel } from '../../core/stack-model.js';

export interface RouteMatch {
  readonly route: RouteModel;
  /** Null when the path has no parameters, as API Gateway sends it. */
  readonly pathParameters: Record<string, string> | null;
}

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** How specific a route's segment is: higher wins. */
const rank = (segment: string): number => (segment.endsWith('+}') ? 0 : segment.startsWith('{') ? 1 : 2);

function matchPath(template: string, path: string): Record<string, string> | null | undefined {
  const want = template.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    if (segment.endsWith('+}')) {
      if (i >= got.length) return undefined;
      params[segment.slice(1, -2)] = decode(got.slice(i).join('/'));
      return params;
    }
    const value = got[i];
    if (value === undefined) return undefined;
    if (segment.startsWith('{')) params[segment.slice(1, -1)] = decode(value);
    else if (segment !== value) return undefined;
  }
  if (got.length !== want.length) return undefined;
  return Object.keys(params).length > 0 ? params : null;
}

/** The project's route a request reaches, or undefined (then the built-in API's proxy answers it). */
export function matchUserRoute(routes: readonly RouteModel[], method: string, path: string): RouteMatch | undefined {
  const candidates = routes
    .filter((r) => r.access !== undefined)
    .map((route) => ({ route, params: matchPath(route.path, path) }))
    .filter((c): c is { route: RouteModel; params: Record<string, string> | null } => c.params !== undefined);
  if (candidates.length === 0) return undefined;
  const score = (r: RouteModel) => r.path.split('/').filter(Boolean).map(rank);
  const better = (a: RouteModel, b: RouteModel): number => {
    const sa = score(a);
    const sb = score(b);
    for (let i = 0; i < Math.max(sa.length, sb.length); i++) if ((sa[i] ?? -1) !== (sb[i] ?? -1)) return (sb[i] ?? -1) - (sa[i] ?? -1);
    return 0;
  };
  candidates.sort((a, b) => better(a.route, b.route));
  const best = candidates.filter((c) => better(c.route, candidates[0]!.route) === 0);
  const chosen = best.find((c) => c.route.method === method) ?? best.find((c) => c.route.method === 'ANY');
  // The path exists but not for this method: API Gateway answers 403 Missing Authentication Token, as for no path.
  return chosen ? { route: chosen.route, pathParameters: chosen.params } : undefined;
}

export interface RouteEventParts {
  readonly resource: string;
  readonly pathParameters: Record<string, string> | null;
  readonly queryStringParameters: Record<string, string> | null;
  readonly multiValueQueryStringParameters: Record<string, string[]> | null;
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
}

/** The query of a URL (without `?`) as API Gateway gives it: null when empty. */
function queryParameters(query: string): Pick<RouteEventParts, 'queryStringParameters' | 'multiValueQueryStringParameters'> {
  let single: Record<string, string> | null = null;
  let multi: Record<string, string[]> | null = null;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    (single ??= {})[key] = value;
    ((multi ??= {})[key] ??= []).push(value);
  }
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** Raw header pairs (`[name, value, name, value…]`, as Node's `rawHeaders`) as API Gateway gives them. */
function headerMaps(rawHeaders: readonly string[]): Pick<RouteEventParts, 'headers' | 'multiValueHeaders'> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    headers[rawHeaders[i]!] = rawHeaders[i + 1]!;
    (multiValueHeaders[rawHeaders[i]!] ??= []).push(rawHeaders[i + 1]!);
  }
  return { headers, multiValueHeaders };
}

/** The route-dependent parts of the proxy event for a request the route matched. */
export function routeEventParts(match: RouteMatch, query: string, rawHeaders: readonly string[]): RouteEventParts {
  return { resource: match.route.path, pathParameters: match.pathParameters, ...queryParameters(query), ...headerMaps(rawHeaders) };
}
