/**
 * The project's own routes, as `authstack.config.json` declares them (`"routes": { "GET /notes/{id}": { "handler":
 * "api/notes.ts#get", "access": "signed-in" } }`), checked by the rules API Gateway and Cognito apply, and the
 * functions they imply.
 *
 * One Lambda function per handler export, one bundle per handler file: each export gets its own role, log group,
 * limits and logs (least privilege and a clear `authstack logs` per route), while the exports of one file share one
 * build and one uploaded zip (the same hash), so a file of five handlers is built and uploaded once. Lambda's
 * `Handler` setting names one export of the bundle, so functions of one file differ only there.
 */
import { isRecord } from './files.js';

/** The methods a route may name. OPTIONS is not one: every user path answers the CORS preflight itself. */
const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'ANY'] as const;

/** Who may call a route. */
export type RouteAccessSetting = 'public' | 'signed-in' | { readonly scopes: readonly string[] } | { readonly groups: readonly string[] };

/** A route as the configuration declares it. */
export interface RouteSettings {
  /** `<file relative to the project>#<export>`, e.g. `api/notes.ts#get`. */
  readonly handler: string;
  readonly access: RouteAccessSetting;
}

/** A resource server (an OAuth 2.0 API with custom scopes), keyed by its identifier in the configuration. */
export interface ResourceServerSettings {
  /** Shown in Cognito's console; default: the identifier. */
  readonly name?: string;
  /** Scope name → description. A route asks for `<identifier>/<scope name>`. */
  readonly scopes: Readonly<Record<string, string>>;
}

/** A route's access rule in the model. */
export type RouteAccess =
  | { readonly kind: 'public' }
  /** Any valid ID token of the pool (API Gateway's default for a Cognito authorizer). */
  | { readonly kind: 'signed-in' }
  /** An access token carrying at least one of these scopes (API Gateway's `AuthorizationScopes`). */
  | { readonly kind: 'scopes'; readonly scopes: readonly string[] }
  /** A signed-in user (ID token) in at least one of these groups, checked in the function: API Gateway cannot. */
  | { readonly kind: 'groups'; readonly groups: readonly string[] };

export interface ResourceServerModel {
  readonly identifier: string;
  readonly name: string;
  readonly scopes: readonly { readonly name: string; readonly description: string }[];
}

/** The routes the built-in API answers (its router), by path: a user route may not take any of them. */
export const BUILT_IN_ROUTES: readonly { readonly method: string; readonly path: string }[] = [
  { method: 'GET', path: '/app/health' },
  { method: 'POST', path: '/user' },
  { method: 'POST', path: '/user/validate' },
  { method: 'POST', path: '/user/validate/resend' },
  { method: 'GET', path: '/user/profile' },
  { method: 'POST', path: '/user/profile' },
];

/** Seconds API Gateway keeps an authorizer's answer per token unless told otherwise (and the most it allows). */
export const AUTHORIZER_TTL = { default: 300, max: 3600 } as const;

const LITERAL = /^[A-Za-z0-9._-]+$/;
const VARIABLE = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;
const HANDLER = /^([^#]+\.(?:ts|mts|js|mjs))#([A-Za-z_$][A-Za-z0-9_$]*)$/;
const RESOURCE_SERVER_ID = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;

/** A route's key split into method and path, or undefined when it is not `<METHOD> <path>`. */
export function parseRouteKey(key: string): { method: string; path: string } | undefined {
  const m = /^([A-Za-z]+) (\S+)$/.exec(key);
  return m ? { method: m[1]!, path: m[2]! } : undefined;
}

/** What API Gateway would refuse of a resource path, in its own terms; undefined when it takes it. */
export function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with /';
  if (path === '/') return undefined;
  if (path.endsWith('/')) return 'must not end with /';
  const segments = path.slice(1).split('/');
  const names = new Set<string>();
  for (const [i, segment] of segments.entries()) {
    if (segment === '') return 'has an empty segment (//)';
    const variable = VARIABLE.exec(segment);
    if (variable) {
      if (variable[2] && i !== segments.length - 1) return `has the greedy parameter ${segment} before its end (only the last segment may be {name+})`;
      if (names.has(variable[1]!)) return `names the parameter {${variable[1]}} twice`;
      names.add(variable[1]!);
    } else if (!LITERAL.test(segment)) {
      return `has the segment "${segment}": API Gateway allows only a-zA-Z0-9._- and a {parameter} (or {parameter+} last)`;
    }
  }
  return undefined;
}

/** A function id for a handler reference: `api/notes.ts#get` → `api-notes-get`. */
export function handlerFunctionId(handler: string): string {
  const m = HANDLER.exec(handler);
  const file = (m?.[1] ?? handler).replace(/\.[^./]+$/, '');
  return `${file}-${m?.[2] ?? ''}`
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/** The handler reference's file and export, or undefined when it is not `<file>.ts#<export>`. */
export function parseHandler(handler: string): { file: string; export: string } | undefined {
  const m = HANDLER.exec(handler);
  if (!m || m[1]!.startsWith('/') || m[1]!.split('/').includes('..')) return undefined;
  return { file: m[1]!.replace(/^\.\//, ''), export: m[2]! };
}

/** A route's access rule from the configuration, or the problem with it. */
function checkAccess(value: unknown, key: string, problems: string[]): RouteAccess | undefined {
  if (value === 'public' || value === 'signed-in') return { kind: value };
  const says = `"${key}" must be "public", "signed-in", {"scopes": [...]} or {"groups": [...]}, got ${JSON.stringify(value)}`;
  if (!isRecord(value)) return void problems.push(says);
  const keys = Object.keys(value);
  if (keys.length !== 1 || (keys[0] !== 'scopes' && keys[0] !== 'groups')) return void problems.push(says);
  const kind = keys[0];
  const list = value[kind];
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    return void problems.push(`"${key}.${kind}" must be a list of at least one name`);
  }
  return kind === 'scopes' ? { kind, scopes: [...new Set(list as string[])] } : { kind, groups: [...new Set(list as string[])] };
}

/** The configuration's `resourceServers`, checked as Cognito's CreateResourceServer does. */
export function checkResourceServers(value: unknown, key: string, problems: string[]): Record<string, ResourceServerSettings> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return void problems.push(`"${key}" must be an object of identifier → {"scopes": {...}}`);
  const out: Record<string, ResourceServerSettings> = {};
  const before = problems.length;
  for (const [id, server] of Object.entries(value)) {
    const at = `${key}.${id}`;
    if (!RESOURCE_SERVER_ID.test(id)) problems.push(`"${at}": a resource server identifier is 1 to 256 printable characters without " or \\`);
    if (!isRecord(server)) {
      problems.push(`"${at}" must be an object with "scopes" (and optionally "name")`);
      continue;
    }
    const { name, scopes, ...rest } = server;
    for (const k of Object.keys(rest)) problems.push(`"${at}.${k}" is not a setting authstack knows (known: name, scopes)`);
    if (name !== undefined && (typeof name !== 'string' || !/^[\w\s+=,.@-]{1,256}$/.test(name)))
      problems.push(`"${at}.name" must be 1 to 256 letters, digits, spaces or + = , . @ -`);
    if (typeof scopes !== 'object' || scopes === null || Array.isArray(scopes) || Object.keys(scopes).length === 0) {
      problems.push(`"${at}.scopes" must be an object of scope name → description, with at least one scope`);
      continue;
    }
    if (Object.keys(scopes).length > 100) problems.push(`"${at}.scopes" holds at most 100 scopes (Cognito's limit)`);
    for (const [scope, description] of Object.entries(scopes)) {
      if (!SCOPE_NAME.test(scope)) problems.push(`"${at}.scopes.${scope}": a scope name is 1 to 256 printable characters without " / or \\`);
      if (typeof description !== 'string' || description.length < 1 || description.length > 256)
        problems.push(`"${at}.scopes.${scope}" must be a description of 1 to 256 characters`);
    }
    out[id] = { ...(typeof name === 'string' ? { name } : {}), scopes: scopes as Record<string, string> };
  }
  return problems.length === before ? out : undefined;
}

/** The configuration's `routes`, each checked on its own (what needs the other settings is `crossCheckRoutes`). */
export function checkRoutes(value: unknown, key: string, problems: string[]): Record<string, RouteSettings> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return void problems.push(`"${key}" must be an object of "<METHOD> <path>" → {"handler", "access"}`);
  const out: Record<string, RouteSettings> = {};
  const before = problems.length;
  const seen = new Map<string, string>();
  for (const [routeKey, route] of Object.entries(value)) {
    const at = `${key}.${routeKey}`;
    const parsed = parseRouteKey(routeKey);
    if (!parsed) {
      problems.push(`"${at}": a route is named "<METHOD> <path>", such as "GET /notes/{id}"`);
      continue;
    }
    if (!(ROUTE_METHODS as readonly string[]).includes(parsed.method)) {
      problems.push(`"${at}": the method must be one of ${ROUTE_METHODS.join(', ')} (upper case; OPTIONS is answered for you), got "${parsed.method}"`);
    }
    const bad = pathProblem(parsed.path);
    if (bad) problems.push(`"${at}": the path ${bad}`);
    // Two spellings of one route (`{id}` and `{noteId}`) are one API Gateway method.
    const shape = `${parsed.method} ${parsed.path.replace(/\{[^}]*?(\+?)\}/g, '{$1}')}`;
    const twin = seen.get(shape);
    if (twin) problems.push(`"${at}" is declared twice: "${key}.${twin}" is the same method and path`);
    seen.set(shape, routeKey);
    if (!isRecord(route)) {
      problems.push(`"${at}" must be an object with "handler" and "access"`);
      continue;
    }
    const { handler, access, ...rest } = route;
    for (const k of Object.keys(rest)) problems.push(`"${at}.${k}" is not a setting authstack knows (known: handler, access)`);
    if (typeof handler !== 'string' || !parseHandler(handler)) {
      problems.push(`"${at}.handler" must name a file in the project and its export, such as "api/notes.ts#get", got ${JSON.stringify(handler)}`);
    }
    if (access === undefined) problems.push(`"${at}.access" is required: "public", "signed-in", {"scopes": [...]} or {"groups": [...]}`);
    else checkAccess(access, `${at}.access`, problems);
    out[routeKey] = { handler: handler as string, access: access as RouteAccessSetting };
  }
  return problems.length === before ? out : undefined;
}

/**
 * What needs the routes and the other settings together: sibling path parameters API Gateway refuses, the
 * built-in API's paths, scopes no resource server defines, groups the pool does not have, and handler exports
 * whose function ids coincide.
 */
export function crossCheckRoutes(
  settings: {
    routes?: Readonly<Record<string, RouteSettings>>;
    resourceServers?: Readonly<Record<string, ResourceServerSettings>>;
    groups?: readonly string[];
  },
  scopesAlwaysKnown: readonly string[],
): string[] {
  const problems: string[] = [];
  const routes = Object.entries(settings.routes ?? {});
  const known = new Set([
    ...scopesAlwaysKnown,
    ...Object.entries(settings.resourceServers ?? {}).flatMap(([id, s]) => Object.keys(s.scopes).map((n) => `${id}/${n}`)),
  ]);
  // API Gateway allows one variable segment per level: `{id}` beside `{noteId}` under one parent is refused.
  const variableAt = new Map<string, { segment: string; route: string }>();
  const ids = new Map<string, string>();
  for (const [routeKey, route] of routes) {
    const at = `routes.${routeKey}`;
    const { path } = parseRouteKey(routeKey)!;
    const segments = path.split('/').filter(Boolean);
    const builtIn = BUILT_IN_ROUTES.find((b) => b.path.split('/')[1] === segments[0]);
    if (path === '/') problems.push(`"${at}" collides with the built-in route ANY / (the API's own root)`);
    else if (builtIn)
      problems.push(`"${at}" collides with the built-in route ${builtIn.method} ${builtIn.path} (the paths under /${segments[0]} are the built-in API's)`);
    else if (segments[0]?.startsWith('{')) problems.push(`"${at}" collides with the built-in route ANY /{proxy+}: a path may not start with a parameter`);
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (!segment.startsWith('{')) continue;
      const parent = `/${segments.slice(0, i).join('/')}`;
      const other = variableAt.get(parent);
      if (other && other.segment !== segment)
        problems.push(`"${at}": API Gateway allows one parameter per level, and "routes.${other.route}" has ${other.segment} where this has ${segment}`);
      else if (!other) variableAt.set(parent, { segment, route: routeKey });
    }
    const access = route.access;
    if (typeof access === 'object' && 'scopes' in access) {
      access.scopes.forEach((scope, i) => {
        if (!known.has(scope)) problems.push(`"${at}.access.scopes[${i}]": "${scope}" is a scope no resource server defines (known: ${[...known].join(', ')})`);
      });
    }
    if (typeof access === 'object' && 'groups' in access) {
      access.groups.forEach((group, i) => {
        if (!(settings.groups ?? []).includes(group))
          problems.push(`"${at}.access.groups[${i}]": "${group}" is not one of the pool's "groups" (${(settings.groups ?? []).join(', ') || 'none declared'})`);
      });
    }
    const id = handlerFunctionId(route.handler);
    const same = ids.get(id);
    if (same !== undefined && same !== route.handler)
      problems.push(`"${at}.handler": "${route.handler}" and "${same}" would be the same function (${id}); rename one`);
    ids.set(id, route.handler);
  }
  return problems;
}
