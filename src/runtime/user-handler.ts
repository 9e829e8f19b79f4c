/**
 * The wrapper every one of the project's handlers runs inside, bundled with it: the same code on AWS and locally.
 * API Gateway's Cognito authorizer cannot check groups, so the wrapper does, from the `cognito:groups` claim the
 * authorizer passed (a comma-separated string on a REST API; a bracketed, space-separated list is read too), and
 * refuses a member of none of the route's groups with 403 before the handler runs. A handler that throws, or
 * returns something that is not a proxy result, is answered as API Gateway answers a failed Lambda integration
 * (502 {"message":"Internal server error"}), with the error logged as one JSON line and no trace in the response.
 *
 * It imports nothing but types, so it adds a few hundred bytes to each bundle.
 */
import type { ProxyEvent, ProxyResult, LambdaContext } from '../lambda/types.js';

/** A route's handler as the project writes it. */
export type UserHandler = (event: ProxyEvent, context: LambdaContext) => Promise<ProxyResult> | ProxyResult;

/** `<METHOD> <path>` → the groups the route admits (empty: no group rule). */
export type RouteGroups = Readonly<Record<string, readonly string[]>>;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** The groups a `cognito:groups` claim names, whatever API Gateway's flattening. */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[,\s]+/)
    .filter(Boolean);
}

function answer(statusCode: number, message: string, origin: string | undefined): ProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...(origin ? { 'Access-Control-Allow-Origin': origin } : {}) }, body: JSON.stringify({ message }) };
}

function isProxyResult(value: unknown): value is ProxyResult {
  return typeof value === 'object' && value !== null && Number.isInteger((value as { statusCode?: unknown }).statusCode);
}

/**
 * The handler, wrapped with its routes' group rules. A request for a route the rules do not name is refused
 * (403): the function answers only the routes it was deployed for.
 */
export function wrapHandler(handler: UserHandler, routes: RouteGroups, env: Readonly<Record<string, string | undefined>> = process.env): UserHandler {
  return async (event, context) => {
    const origin = env.CORS_ALLOW_ORIGIN ?? '*';
    const rule = routes[`${event.httpMethod} ${event.resource}`] ?? routes[`ANY ${event.resource}`];
    if (!rule) return answer(403, 'Forbidden', origin);
    if (rule.length > 0) {
      const claims = (event.requestContext?.authorizer as { claims?: Record<string, unknown> } | null | undefined)?.claims;
      const groups = groupsOf(claims?.['cognito:groups']);
      if (!rule.some((g) => groups.includes(g))) return answer(403, 'Forbidden', origin);
    }
    try {
      const result: unknown = await handler(event, context);
      if (isProxyResult(result)) return result;
      console.error(JSON.stringify({ level: 'error', message: 'the handler returned no proxy result (statusCode, body)', resource: event.resource }));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      console.error(
        JSON.stringify({ level: 'error', message: 'the handler threw', resource: event.resource, error: e.name, detail: e.message, stack: e.stack }),
      );
    }
    // What API Gateway answers when a Lambda proxy integration fails.
    return answer(502, 'Internal server error', origin);
  };
}

/**
 * The module a handler file's bundle is built from: each export a function serves, wrapped with its routes' group
 * rules. One bundle per file; each function's `Handler` is `index.<export>`. The entry's own bindings carry a
 * prefix no handler export would use, so an export named `user` or `wrapHandler` does not clash with them.
 */
export function bundleEntrySource(file: string, exports: Readonly<Record<string, RouteGroups>>, wrapperPath: string): string {
  const lines = [`import { wrapHandler as __authstackWrap } from ${JSON.stringify(wrapperPath)};`, `import * as __authstackUser from ${JSON.stringify(file)};`];
  for (const [name, routes] of Object.entries(exports)) {
    const wrapped = `__authstackWrap(__authstackUser[${JSON.stringify(name)}], ${JSON.stringify(routes)})`;
    lines.push(name === 'default' ? `export default ${wrapped};` : `export const ${name} = ${wrapped};`);
  }
  return `${lines.join('\n')}\n`;
}
