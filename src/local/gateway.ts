/**
 * The local API Gateway: each HTTP request is matched to one of the model's routes (a method and an API Gateway
 * resource path such as `/{proxy+}` or `/notes/{id}`), becomes a REST API proxy event (payload format 1.0) and is
 * run by the function runtime; the result is written back the way API Gateway does, including its 502 for a
 * malformed result or a failed invocation, its 504 past the integration timeout, and its 403 "Missing
 * Authentication Token" for a path and method no route has.
 *
 * The project's own routes go through API Gateway's Cognito authorizer first (`authorizer/`): a refused token is
 * its 401 or 403 and the function is not invoked; an admitted one's claims are `requestContext.authorizer.claims`.
 * Their paths answer the CORS preflight themselves (the template's MOCK OPTIONS method), and once the project has
 * routes, every answer of the gateway's own carries the CORS headers, as the template's gateway responses add them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import type { ProxyEvent, ProxyResult } from '../lambda/types.js';
import type { RouteModel } from '../core/stack-model.js';
import { gatewayCorsHeaders, type LocalAuthorizer } from './authorizer/index.js';
import { closeServer, listen } from './errors.js';
import type { FunctionInvoker, InvokeOutcome } from './functions/types.js';
import { TOO_LARGE, readBody, splitUrl } from './http/index.js';

/** API Gateway's request payload quota for REST APIs (10 MB). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's maximum integration timeout for REST APIs. */
const INTEGRATION_TIMEOUT_MS = 29_000;

export interface GatewayOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The stage name in `requestContext.stage` and `requestContext.path`. Default `local`. */
  stage?: string;
  /** The API's routes (the stack model's). */
  routes: readonly RouteModel[];
  /** Runs the function a route names: the only way the gateway reaches a function. */
  functions: FunctionInvoker;
  /**
   * Content types whose bodies reach the handler base64-encoded (`isBase64Encoded: true`), like the API's
   * `binaryMediaTypes`; `type/*` wildcards allowed. Default: octet-stream, images, audio, video, pdf, zip,
   * multipart/form-data.
   */
  binaryMediaTypes?: readonly string[];
  /** How long an invocation may take before API Gateway's 504. Default 29 000 ms. */
  timeoutMs?: number;
  /** Called once per request after the response is written (for the dev console). */
  onRequest?: (entry: GatewayRequestLog) => void;
  /** Checks the token of a protected route (one with an `access` rule other than public). Required when there is one. */
  authorizer?: LocalAuthorizer;
  /** The origin of the CORS headers on the gateway's own answers and preflights (the functions' CORS_ALLOW_ORIGIN). Default `*`. */
  corsOrigin?: string;
}

export interface GatewayRequestLog {
  method: string;
  path: string;
  status: number;
  ms: number;
  requestId: string;
  /** The function the route ran, when one did. */
  functionId?: string;
  /** What the function wrote to stdout and stderr during this request. */
  log?: string;
  /** Why API Gateway answered 502/504 instead of the handler: what CloudWatch would have logged. */
  error?: string;
  /** Why the API refused a request (4xx): the `error.code` of its JSON answer, e.g. `UsernameExists`. */
  errorCode?: string;
}

export interface Gateway {
  /** e.g. `http://127.0.0.1:3000` (no stage prefix, no trailing slash). */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_BINARY_TYPES = ['application/octet-stream', 'image/*', 'audio/*', 'video/*', 'application/pdf', 'application/zip', 'multipart/form-data'];

const INTERNAL_ERROR_BODY = '{"message": "Internal server error"}';
const TIMEOUT_BODY = '{"message": "Endpoint request timed out"}';
const TOO_LARGE_BODY = '{"message":"Request Too Long"}';
const MISSING_TOKEN_BODY = '{"message":"Missing Authentication Token"}';
const RESULT_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded', 'cookies']);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  const stage = opts.stage ?? 'local';
  const timeoutMs = opts.timeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const isBinary = binaryMatcher(opts.binaryMediaTypes ?? DEFAULT_BINARY_TYPES);
  const userRoutes = opts.routes.filter((r) => r.access !== undefined);
  if (!opts.authorizer && userRoutes.some((r) => r.access?.kind !== 'public')) {
    throw new Error('the gateway has protected routes and no authorizer to check their tokens');
  }
  // A preflight per path of the project's routes, answered here as the template's MOCK method answers it.
  const preflights = [...new Set(userRoutes.map((r) => r.path))].map((path): RouteModel => ({ method: 'OPTIONS', path, functionId: PREFLIGHT }));
  const match = routeMatcher([...opts.routes, ...preflights]);
  const cors = userRoutes.length > 0 ? gatewayCorsHeaders(opts.corsOrigin ?? '*') : undefined;
  const allowed = (path: string): string =>
    [...new Set(userRoutes.filter((r) => r.path === path).map((r) => (r.method === 'ANY' ? 'GET, POST, PUT, PATCH, DELETE, HEAD' : r.method)))].join(', ');

  let localPort = 0;
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const { path, query } = splitUrl(req.url);
    const log = (status: number, extra?: Partial<GatewayRequestLog>): void =>
      opts.onRequest?.({ method, path, status, ms: performance.now() - start, requestId, ...extra });

    const body = await readBody(req, { limit: MAX_PAYLOAD_BYTES });
    if (body === TOO_LARGE) {
      tooLarge(req, res, requestId, cors);
      log(413);
      return;
    }
    const route = match(method, path);
    if (!route) {
      // What a REST API answers for a path and method it has no method for.
      writeGatewayError(res, 403, MISSING_TOKEN_BODY, requestId, 'MissingAuthenticationTokenException', cors);
      log(403);
      return;
    }
    if (route.functionId === PREFLIGHT) {
      writePreflight(res, requestId, `${allowed(route.path)}, OPTIONS`, cors!);
      log(204);
      return;
    }
    const functionId = route.functionId;
    let claims: Readonly<Record<string, string>> | undefined;
    if (route.access && route.access.kind !== 'public') {
      const verdict = await opts.authorizer!.authorize(route.access, req.headers as Record<string, string | undefined>);
      if (!verdict.ok) {
        // As API Gateway: the function is not invoked.
        const { statusCode, headers, body: text } = verdict.response;
        res.writeHead(statusCode, { ...headers, 'Content-Length': String(Buffer.byteLength(text)), 'x-amzn-RequestId': requestId });
        res.end(text);
        log(statusCode, { functionId, errorCode: statusCode === 401 ? 'Unauthorized' : 'AccessDenied' });
        return;
      }
      claims = verdict.claims;
    }
    const event = buildEvent(req, body.length === 0 ? null : body, path, query, method, requestId, stage, localPort, isBinary, route);
    if (claims) event.requestContext.authorizer = { claims };
    const outcome = await withIntegrationTimeout(opts.functions.invoke(functionId, requestId, event), timeoutMs);
    if (outcome === TIMED_OUT) {
      writeGatewayError(res, 504, TIMEOUT_BODY, requestId, 'IntegrationTimeout', cors);
      log(504, { functionId, error: `Execution failed due to a timeout error (integration timeout ${timeoutMs} ms)` });
      return;
    }
    if (!outcome.ok) {
      writeGatewayError(res, 502, INTERNAL_ERROR_BODY, requestId, 'InternalServerErrorException', cors);
      log(502, { functionId, error: outcome.error, ...(outcome.log ? { log: outcome.log } : undefined) });
      return;
    }
    const result = outcome.result;
    const problem = malformation(result);
    if (problem) {
      writeGatewayError(res, 502, INTERNAL_ERROR_BODY, requestId, 'InternalServerErrorException', cors);
      log(502, { functionId, error: `Malformed Lambda proxy response: ${problem}`, ...(outcome.log ? { log: outcome.log } : undefined) });
      return;
    }
    const status = writeResult(res, result as ProxyResult, requestId, method === 'HEAD');
    const errorCode = status >= 400 && status < 500 ? errorCodeOf(result as ProxyResult) : undefined;
    // Built field by field: this runs on every request.
    const extra: Partial<GatewayRequestLog> = { functionId };
    if (outcome.log) extra.log = outcome.log;
    if (errorCode) extra.errorCode = errorCode;
    log(status, extra);
  }

  // A request that fails before an answer (the client went away mid-body) just has its connection closed.
  const server = createServer({ keepAlive: true }, (req, res) => void serve(req, res).catch(() => res.destroy()));
  server.keepAliveTimeout = 60_000;
  // A client that half-closes after its request (shutdown(SHUT_WR), `socket.end(body)`) still gets its answer, as
  // from API Gateway: without this, node:http drops a response not written by the time the request's end arrives,
  // and a function's answer comes from another thread.
  (server as { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true;
  localPort = await listen(server, opts.port, host, 'api');

  return {
    url: `http://${host}:${localPort}`,
    close: () => closeServer(server),
  };
}

const TIMED_OUT = Symbol('timed out');
/** The function id of the preflight routes the gateway answers itself. */
const PREFLIGHT = '\0preflight';

function withIntegrationTimeout(invocation: Promise<InvokeOutcome>, ms: number): Promise<InvokeOutcome | typeof TIMED_OUT> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), ms);
    // The runtime never rejects: a failure is an outcome.
    void invocation.then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

/** A route compiled for matching: its path's segments, each literal, `{name}` or (last) `{name+}`. */
interface CompiledRoute {
  route: RouteModel;
  segments: readonly { literal?: string; param?: string; greedy?: boolean }[];
}

export interface MatchedRoute extends RouteModel {
  /** The path parameters, decoded; null when the path has none (as API Gateway sends them). */
  pathParameters: Record<string, string> | null;
}

/**
 * The route API Gateway would pick for a method and path. The resource first: among the paths that match, the
 * most specific, segment by segment (a literal before `{name}`, `{name}` before `{name+}`); then that resource's
 * method for the request (its own before ANY). A resource without that method is no match (API Gateway's 403
 * "Missing Authentication Token"), even when a less specific resource has it: REST APIs do not fall back.
 */
export function routeMatcher(routes: readonly RouteModel[]): (method: string, path: string) => MatchedRoute | undefined {
  const compiled: CompiledRoute[] = routes.map((route) => ({
    route,
    segments:
      route.path === '/'
        ? []
        : route.path
            .slice(1)
            .split('/')
            .map((segment) => {
              const m = /^\{([^{}+]+)(\+)?\}$/.exec(segment);
              return m ? { param: m[1]!, greedy: m[2] === '+' } : { literal: segment };
            }),
  }));
  return (method, path) => {
    const parts = path === '/' || path === '' ? [] : path.slice(1).split('/');
    let best: { route: RouteModel; rank: number[]; params: Record<string, string> | null } | undefined;
    let bestPathRank: number[] | undefined;
    for (const c of compiled) {
      const found = matchSegments(c, parts);
      if (!found) continue;
      const byPath = bestPathRank === undefined ? 1 : compareRanks(found.rank, bestPathRank);
      if (byPath < 0) continue;
      if (byPath > 0) {
        bestPathRank = found.rank;
        best = undefined;
      }
      if (c.route.method !== 'ANY' && c.route.method !== method) continue;
      if (!best || best.route.method === 'ANY') best = { route: c.route, ...found };
    }
    return best ? { ...best.route, pathParameters: best.params } : undefined;
  };
}

function matchSegments(c: CompiledRoute, parts: readonly string[]): { rank: number[]; params: Record<string, string> | null } | undefined {
  let params: Record<string, string> | null = null;
  const rank: number[] = [];
  for (let i = 0; i < c.segments.length; i++) {
    const segment = c.segments[i]!;
    if (segment.greedy) {
      if (i >= parts.length) return undefined;
      (params ??= {})[segment.param!] = decode(parts.slice(i).join('/'));
      rank.push(0);
      return { rank, params };
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.literal !== undefined) {
      if (segment.literal !== part) return undefined;
      rank.push(2);
    } else {
      if (part === '') return undefined;
      (params ??= {})[segment.param!] = decode(part);
      rank.push(1);
    }
  }
  return parts.length === c.segments.length ? { rank, params } : undefined;
}

/** Positive when `a` is the more specific match. */
function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x - y;
  }
  return 0;
}

/** The REST API proxy event API Gateway would send for this request. */
function buildEvent(
  req: IncomingMessage,
  body: Buffer | null,
  path: string,
  query: string,
  method: string,
  requestId: string,
  stage: string,
  localPort: number,
  isBinary: (contentType: string | undefined) => boolean,
  route: Pick<MatchedRoute, 'path' | 'pathParameters'> = {
    path: path === '/' || path === '' ? '/' : '/{proxy+}',
    pathParameters: path === '/' || path === '' ? null : { proxy: decode(path.slice(1)) },
  },
): ProxyEvent {
  // rawHeaders keeps the client's spelling and every duplicate, as API Gateway does; `headers` keeps the last.
  const raw = req.rawHeaders;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  let contentType: string | undefined;
  let userAgent: string | null = null;
  let host: string | undefined;
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    headers[name] = value;
    const values = multiValueHeaders[name];
    if (values) values.push(value);
    else multiValueHeaders[name] = [value];
    switch (name.toLowerCase()) {
      case 'host':
        host = value;
        break;
      case 'user-agent':
        userAgent = value;
        break;
      case 'content-type':
        contentType = value;
        break;
      case 'x-forwarded-for':
        forwardedFor = value;
        break;
    }
  }
  const sourceIp = stripIpv6Prefix(req.socket.remoteAddress ?? '127.0.0.1');
  // API Gateway (through its CloudFront front door) adds these for every request.
  const xff = forwardedFor === undefined ? sourceIp : `${forwardedFor}, ${sourceIp}`;
  headers['X-Forwarded-For'] = xff;
  multiValueHeaders['X-Forwarded-For'] = [xff];
  headers['X-Forwarded-Port'] = String(localPort);
  multiValueHeaders['X-Forwarded-Port'] = [String(localPort)];
  headers['X-Forwarded-Proto'] = 'http';
  multiValueHeaders['X-Forwarded-Proto'] = ['http'];

  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  if (query !== '') {
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = decode(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
      queryStringParameters ??= {};
      multiValueQueryStringParameters ??= {};
      queryStringParameters[key] = value;
      const values = multiValueQueryStringParameters[key];
      if (values) values.push(value);
      else multiValueQueryStringParameters[key] = [value];
    }
  }

  const isRoot = path === '/' || path === '';
  const resource = route.path;
  const now = Date.now();
  let bodyText: string | null = null;
  let isBase64Encoded = false;
  if (body && body.length > 0) {
    isBase64Encoded = isBinary(contentType);
    bodyText = body.toString(isBase64Encoded ? 'base64' : 'utf8');
  }
  return {
    resource,
    path: isRoot ? '/' : path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: route.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: 'local',
      authorizer: null,
      resourcePath: resource,
      httpMethod: method,
      extendedRequestId: requestId,
      requestTime: requestTime(now),
      path: `/${stage}${isRoot ? '/' : path}`,
      accountId: '000000000000',
      protocol: `HTTP/${req.httpVersion}`,
      stage,
      domainPrefix: host?.split('.', 1)[0] ?? 'localhost',
      requestTimeEpoch: now,
      requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent,
        user: null,
      },
      domainName: host ?? 'localhost',
      apiId: 'local',
    },
    body: bodyText,
    isBase64Encoded,
  };
}

/** Writes a well-formed proxy result (see `malformation`) as API Gateway does; returns the status. */
function writeResult(res: ServerResponse, result: ProxyResult, requestId: string, isHead: boolean): number {
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result;
  // A flat [name, value, ...] list keeps each name's spelling and every value of a multi-value header.
  const out: string[] = [];
  let hasContentType = false;
  // Both maps may be set: API Gateway merges them, and multiValueHeaders wins for a name present in both.
  let multiNames: Set<string> | undefined;
  if (multiValueHeaders) {
    multiNames = new Set();
    for (const name in multiValueHeaders) {
      const lower = name.toLowerCase();
      multiNames.add(lower);
      if (lower === 'content-type') hasContentType = true;
      for (const value of multiValueHeaders[name]!) out.push(name, String(value));
    }
  }
  if (headers) {
    for (const name in headers) {
      if (multiNames?.has(name.toLowerCase())) continue;
      if (name.toLowerCase() === 'content-type') hasContentType = true;
      out.push(name, String(headers[name]));
    }
  }
  if (!hasContentType) out.push('Content-Type', 'application/json');
  const payload = body == null ? '' : isBase64Encoded ? Buffer.from(body, 'base64') : body;
  out.push(
    'x-amzn-RequestId',
    requestId,
    'x-amz-apigw-id',
    requestId.slice(0, 16),
    'Content-Length',
    String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length),
  );
  res.writeHead(statusCode, out);
  res.end(isHead ? undefined : payload);
  return statusCode;
}

/** Why API Gateway would reject this result as "Malformed Lambda proxy response", or undefined if it is fine. */
function malformation(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return 'the result is not an object';
  const r = result as Record<string, unknown>;
  for (const key in r) if (!RESULT_KEYS.has(key)) return `unexpected key "${key}"`;
  const status = r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return 'statusCode is missing or not an HTTP status';
  }
  if (r.body != null && typeof r.body !== 'string') return 'body is not a string';
  if (r.isBase64Encoded != null && typeof r.isBase64Encoded !== 'boolean') return 'isBase64Encoded is not a boolean';
  if (r.headers != null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return 'headers is not an object';
    for (const value of Object.values(r.headers)) if (!isScalar(value)) return 'a header value is not a scalar';
  }
  if (r.multiValueHeaders != null) {
    if (typeof r.multiValueHeaders !== 'object' || Array.isArray(r.multiValueHeaders)) {
      return 'multiValueHeaders is not an object';
    }
    for (const values of Object.values(r.multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(isScalar)) return 'a multiValueHeaders value is not a list';
    }
  }
  return undefined;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function writeGatewayError(res: ServerResponse, status: number, body: string, requestId: string, errorType: string, cors?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': errorType,
    ...cors,
  });
  res.end(body);
}

/** The template's preflight method: a MOCK integration answering 204 with the CORS headers and the path's methods. */
function writePreflight(res: ServerResponse, requestId: string, methods: string, cors: Record<string, string>): void {
  res.writeHead(204, {
    'Content-Type': 'application/json',
    'x-amzn-RequestId': requestId,
    ...cors,
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

function tooLarge(req: IncomingMessage, res: ServerResponse, requestId: string, cors?: Record<string, string>): void {
  // The rest of the body is not read: close the connection rather than drain up to gigabytes.
  res.writeHead(413, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(TOO_LARGE_BODY)),
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': 'RequestTooLarge',
    ...cors,
    Connection: 'close',
  });
  res.end(TOO_LARGE_BODY, () => req.destroy());
}

function binaryMatcher(types: readonly string[]): (contentType: string | undefined) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const type of types) {
    const t = type.toLowerCase();
    if (t === '*/*') return (contentType) => contentType !== undefined;
    if (t.endsWith('/*')) prefixes.push(t.slice(0, -1));
    else exact.add(t);
  }
  return (contentType) => {
    if (contentType === undefined) return false;
    const semi = contentType.indexOf(';');
    const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
    if (exact.has(type)) return true;
    for (const prefix of prefixes) if (type.startsWith(prefix)) return true;
    return false;
  };
}

function decode(text: string): string {
  if (text.indexOf('%') === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function stripIpv6Prefix(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** API Gateway's `requestTime` format, e.g. `09/Apr/2015:12:34:56 +0000`. */
function requestTime(now: number): string {
  const d = new Date(now);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}`;
  return `${date}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** The `error.code` of a JSON error answer (the API's error shape), if it has one. */
function errorCodeOf(result: ProxyResult): string | undefined {
  if (typeof result.body !== 'string' || result.isBase64Encoded || result.body.length > 4096) return undefined;
  try {
    const code = (JSON.parse(result.body) as { error?: { code?: unknown } })?.error?.code;
    return typeof code === 'string' && code.length <= 100 ? code : undefined;
  } catch {
    return undefined;
  }
}
