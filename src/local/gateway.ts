/**
 * The local API Gateway: each HTTP request becomes a REST API proxy event (payload format 1.0) for a
 * `{proxy+}` resource with an `ANY` method (and `/` for the root), the handler runs in-process, and its result is
 * written back the way API Gateway does, including its 502 for a malformed result or a failed invocation.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import type { LambdaContext, ProxyEvent, ProxyHandler, ProxyResult } from '../lambda/types.js';
import { closeServer, listen } from './errors.js';

/** API Gateway's request payload quota for REST APIs (10 MB). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's maximum integration timeout for REST APIs. */
export const INTEGRATION_TIMEOUT_MS = 29_000;

export interface GatewayOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The stage name in `requestContext.stage` and `requestContext.path`. Default `local`. */
  stage?: string;
  /** Loads the handler; called at start and again on the first request after `reload()`. */
  loadHandler: () => Promise<ProxyHandler>;
  /**
   * Content types whose bodies reach the handler base64-encoded (`isBase64Encoded: true`), like the API's
   * `binaryMediaTypes`; `type/*` wildcards allowed. Default: octet-stream, images, audio, video, pdf, zip,
   * multipart/form-data.
   */
  binaryMediaTypes?: readonly string[];
  /** How long the handler may run before API Gateway's 504. Default 29 000 ms. */
  timeoutMs?: number;
  /** Called once per request after the response is written (for the dev console). */
  onRequest?: (entry: GatewayRequestLog) => void;
}

export interface GatewayRequestLog {
  method: string;
  path: string;
  status: number;
  ms: number;
  requestId: string;
  /** Why API Gateway answered 502/504 instead of the handler: what CloudWatch would have logged. */
  error?: string;
  /** Why the API refused a request (4xx): the `error.code` of its JSON answer, e.g. `UsernameExists`. */
  errorCode?: string;
}

export interface Gateway {
  /** e.g. `http://127.0.0.1:3000` (no stage prefix, no trailing slash). */
  url: string;
  /** Loads the handler again (e.g. after a rebuild); requests wait for the new one. */
  reload(): void;
  close(): Promise<void>;
}

const DEFAULT_BINARY_TYPES = [
  'application/octet-stream',
  'image/*',
  'audio/*',
  'video/*',
  'application/pdf',
  'application/zip',
  'multipart/form-data',
];

const INTERNAL_ERROR_BODY = '{"message": "Internal server error"}';
const TIMEOUT_BODY = '{"message": "Endpoint request timed out"}';
const TOO_LARGE_BODY = '{"message":"Request Too Long"}';
const RESULT_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded', 'cookies']);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const LOCAL_FUNCTION = 'authstack-local';

class TimedOut extends Error {}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  const stage = opts.stage ?? 'local';
  const timeoutMs = opts.timeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const isBinary = binaryMatcher(opts.binaryMediaTypes ?? DEFAULT_BINARY_TYPES);

  let handler: Promise<ProxyHandler> | undefined;
  const load = (): Promise<ProxyHandler> => {
    const loading = opts.loadHandler();
    // A failed load is retried on the next request rather than cached (the next rebuild may fix it).
    loading.catch(() => {
      if (handler === loading) handler = undefined;
    });
    return (handler = loading);
  };

  let localPort = 0;
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    // Split by hand, not with `new URL`, which would resolve dot segments API Gateway passes on as sent.
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    const log = (status: number, error?: string, errorCode?: string): void =>
      opts.onRequest?.({ method, path, status, ms: performance.now() - start, requestId, ...(error ? { error } : {}), ...(errorCode ? { errorCode } : {}) });

    const body = await readBody(req);
    if (body === TOO_LARGE) {
      tooLarge(req, res, requestId);
      log(413);
      return;
    }
    const event = buildEvent(req, body, path, query, method, requestId, stage, localPort, isBinary);
    let result: unknown;
    try {
      result = await run(await (handler ?? load()), event, requestId, timeoutMs);
    } catch (error) {
      const status = error instanceof TimedOut ? 504 : 502;
      writeGatewayError(res, status, status === 504 ? TIMEOUT_BODY : INTERNAL_ERROR_BODY, requestId);
      log(status, describe(error));
      return;
    }
    const problem = malformation(result);
    if (problem) {
      writeGatewayError(res, 502, INTERNAL_ERROR_BODY, requestId);
      log(502, `Malformed Lambda proxy response: ${problem}`);
      return;
    }
    const status = writeResult(res, result as ProxyResult, requestId, method === 'HEAD');
    log(status, undefined, status >= 400 && status < 500 ? errorCodeOf(result as ProxyResult) : undefined);
  }

  // A request that fails before an answer (the client went away mid-body) just has its connection closed.
  const server = createServer({ keepAlive: true }, (req, res) => void serve(req, res).catch(() => res.destroy()));
  server.keepAliveTimeout = 60_000;

  const [port] = await Promise.all([
    listen(server, opts.port, host, 'api'),
    load().catch(async (error: unknown) => {
      await closeServer(server);
      throw error;
    }),
  ]);
  localPort = port;

  return {
    url: `http://${host}:${port}`,
    reload() {
      load().catch(() => undefined);
    },
    close: () => closeServer(server),
  };
}

const TOO_LARGE = Symbol('too large');

/** The request body (null when there is none), or TOO_LARGE past API Gateway's payload quota. */
function readBody(req: IncomingMessage): Promise<Buffer | null | typeof TOO_LARGE> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > MAX_PAYLOAD_BYTES) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) {
        // Stop buffering: the answer is a 413 and the connection is closed.
        req.pause();
        resolve(TOO_LARGE);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The REST API proxy event API Gateway would send for this request. */
export function buildEvent(
  req: IncomingMessage,
  body: Buffer | null,
  path: string,
  query: string,
  method: string,
  requestId: string,
  stage: string,
  localPort: number,
  isBinary: (contentType: string | undefined) => boolean,
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
  const resource = isRoot ? '/' : '/{proxy+}';
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
    pathParameters: isRoot ? null : { proxy: decode(path.slice(1)) },
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

function run(handler: ProxyHandler, event: ProxyEvent, requestId: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setTimeout(() => reject(new TimedOut(`Handler did not answer within ${timeoutMs} ms`)), timeoutMs);
    const settle = (error: unknown, result?: unknown): void => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result);
    };
    // Lambda's Node.js runtime still offers the legacy done/fail/succeed: they end the invocation like a callback.
    const context: LambdaContext = {
      awsRequestId: requestId,
      functionName: LOCAL_FUNCTION,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${LOCAL_FUNCTION}`,
      memoryLimitInMB: '128',
      logGroupName: `/aws/lambda/${LOCAL_FUNCTION}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: (error, result) => settle(error, result),
      fail: (error) => settle(error ?? new Error('context.fail')),
      succeed: (result: unknown) => settle(undefined, result),
    };
    invokeHandler(handler, event, context).then(
      (result) => settle(undefined, result),
      (error: unknown) => settle(error),
    );
  });
}

/** Lambda's Node.js runtime accepts both async handlers and `(event, context, callback)` ones. */
function invokeHandler(handler: ProxyHandler, event: ProxyEvent, context: LambdaContext): Promise<unknown> {
  if (handler.length < 3) {
    try {
      return Promise.resolve(handler(event, context));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) => {
    const callback = (error: unknown, result: unknown): void => (error ? reject(error) : resolve(result));
    const returned = (handler as unknown as (e: unknown, c: unknown, cb: typeof callback) => unknown)(event, context, callback);
    if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
  });
}

/** Writes a well-formed proxy result (see `malformation`) as API Gateway does; returns the status. */
export function writeResult(res: ServerResponse, result: ProxyResult, requestId: string, isHead: boolean): number {
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
export function malformation(result: unknown): string | undefined {
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

function writeGatewayError(res: ServerResponse, status: number, body: string, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': status === 504 ? 'IntegrationTimeout' : 'InternalServerErrorException',
  });
  res.end(body);
}

function tooLarge(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  // The rest of the body is not read: close the connection rather than drain up to gigabytes.
  res.writeHead(413, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(TOO_LARGE_BODY)),
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': 'RequestTooLarge',
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

function describe(error: unknown): string {
  if (error instanceof TimedOut) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
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
