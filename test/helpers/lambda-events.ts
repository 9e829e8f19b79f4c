import type { LambdaContext, ProxyEvent, ProxyResult } from '../../src/lambda/types.js';
import { createHandler } from '../../src/lambda/handler.js';

export interface EventInit {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  query?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  base64?: boolean;
  requestId?: string;
}

let counter = 0;

/** An API Gateway REST proxy event (payload 1.0) as API Gateway sends it for `ANY /{proxy+}`. */
export function apiEvent(init: EventInit = {}): ProxyEvent {
  const method = init.method ?? 'GET';
  const path = init.path ?? '/app/health';
  const text = init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const headers = { 'Content-Type': 'application/json', Host: 'abc123.execute-api.us-east-1.amazonaws.com', ...init.headers };
  const multiValueHeaders = init.multiValueHeaders ?? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  const requestId = init.requestId ?? `api-req-${++counter}`;
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: init.query ?? null,
    multiValueQueryStringParameters: init.query ? Object.fromEntries(Object.entries(init.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: { proxy: path.replace(/^\//, '') },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      stage: 'prod',
      httpMethod: method,
      path: `/prod${path}`,
      resourcePath: '/{proxy+}',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
    },
    body: text === null ? null : init.base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
    isBase64Encoded: init.base64 === true,
  };
}

export function lambdaContext(remainingMs = 10_000): LambdaContext {
  const unused = (): never => {
    throw new Error('the handler is async: it never calls the legacy done/fail/succeed');
  };
  return {
    awsRequestId: `lambda-${++counter}`,
    functionName: 'authstack-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:authstack-api',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/authstack-api',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs,
    done: unused,
    fail: unused,
    succeed: unused,
  };
}

/** A wall clock (epoch milliseconds) that moves only when told to, for the handler's profile cache. */
export function fakeClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number): void => void (t += ms) };
}

/** The test environment: a pool and client that exist nowhere, and Cognito pointed at a closed loopback port. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AWS_REGION: 'us-east-1',
    USER_POOL_ID: 'us-east-1_TestPool1',
    USER_POOL_CLIENT_ID: 'testclientid123',
    COGNITO_ENDPOINT: 'http://127.0.0.1:9',
    ...overrides,
  };
}

export interface Harness {
  invoke(init?: EventInit | ProxyEvent): Promise<ProxyResult>;
  /** Every log line written so far, raw. */
  lines: string[];
  /** The per-request log entries, parsed. */
  requests(): Array<Record<string, unknown>>;
}

/** A handler with its own caches, a captured log and the given environment. */
export function harness(env: Record<string, string | undefined> = testEnv(), options: Parameters<typeof createHandler>[0] = {}): Harness {
  const lines: string[] = [];
  const handler = createHandler({ env, log: (line) => lines.push(line), ...options });
  return {
    lines,
    invoke: (init = {}) => handler('resource' in init ? (init as ProxyEvent) : apiEvent(init as EventInit), lambdaContext()),
    requests: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request'),
  };
}

export function bodyOf(result: ProxyResult): any {
  return JSON.parse(result.body);
}

/** True when the text looks like it carries a stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\bat [^\s]+ \(|\bat (file|node):|\.ts:\d+:\d+|\.js:\d+:\d+|\n\s+at /.test(text);
}
