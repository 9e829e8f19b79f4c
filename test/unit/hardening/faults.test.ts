import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../src/lambda/handler.js';
import type { LambdaContext, ProxyResult } from '../../../src/lambda/types.js';
import { apiEvent, bodyOf, testEnv } from '../../helpers/lambda-events.js';
import { inFakeTime } from '../../helpers/fake-time.js';
import { accessClaims, signJwt, signingKey } from '../../helpers/lambda-jwt.js';

/**
 * Upstream faults, with real sockets on loopback and the real Cognito client (no mocks): a Cognito or JWKS endpoint
 * that hangs, resets, throttles or fails must become a 429 or 503 with Retry-After, in time for the answer to get
 * out before the Lambda deadline, and never a 500. Time runs on a fake clock (test/helpers/fake-time.ts): the
 * time-outs, the SDK's back-off and the Lambda deadline are the real ones, but waiting them out costs milliseconds,
 * and "in time" is measured on that clock, so it holds on a loaded machine too.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A TCP server that accepts connections and then says nothing, ever. */
async function hungServer(): Promise<{ url: string; connections(): number }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createTcpServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => count };
}

/** An HTTP server standing in for Cognito's JSON endpoint; counts the requests it gets. */
async function fakeCognito(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; requests(): number }> {
  let requests = 0;
  const server = createHttpServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

const cognitoJsonError =
  (type: string, message: string, status = 400) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ __type: type, message }));
  };

/** A context with only a request id, and the remaining time when given: the handler must cope with less than Lambda's. */
function contextWith(remainingMs: number | undefined): LambdaContext {
  const deadline = Date.now() + (remainingMs ?? 0);
  return {
    awsRequestId: 'fault-test',
    ...(remainingMs === undefined ? {} : { getRemainingTimeInMillis: () => deadline - Date.now() }),
  } as LambdaContext;
}

const SIGNUP = apiEvent({ method: 'POST', path: '/user', body: { username: 'ada@example.com', password: 'Corr3ct-Horse!' } });

async function signUpAgainst(endpoint: string, remainingMs: number | undefined, thenMs = 0): Promise<{ res: ProxyResult; ms: number; lines: string[] }> {
  const lines: string[] = [];
  const handler = createHandler({
    env: testEnv({ COGNITO_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' }),
    log: (l) => lines.push(l),
  });
  const { value: res, elapsedMs: ms } = await inFakeTime(() => handler(SIGNUP, contextWith(remainingMs)), { thenMs });
  return { res, ms, lines };
}

function expectRetryable(res: ProxyResult, status: number): void {
  expect(res.statusCode).toBe(status);
  expect(Number(res.headers?.['Retry-After'])).toBeGreaterThan(0);
  expect(bodyOf(res).error.code).toEqual(expect.any(String));
}

describe('Cognito faults inside the handler', () => {
  it('a Cognito that accepts the connection and never answers is a 503 before the Lambda deadline', async () => {
    const hung = await hungServer();
    const { res, ms, lines } = await signUpAgainst(hung.url, 2_000);
    expectRetryable(res, 503);
    // The handler keeps 500 ms back from the deadline to get the answer out.
    expect(ms).toBeLessThan(2_000);
    expect(ms).toBeGreaterThanOrEqual(1_000);
    expect(hung.connections()).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => JSON.parse(l).level === 'error' && JSON.parse(l).msg === 'unexpected error')).toBe(false);
  });

  it('without a deadline from the runtime, a hung Cognito is still a 503 within the per-attempt limits', async () => {
    const hung = await hungServer();
    const { res, ms } = await signUpAgainst(hung.url, undefined);
    expectRetryable(res, 503);
    // Two attempts of at most 3 s each, plus the SDK's back-off: well inside the default 10 s function timeout.
    expect(ms).toBeGreaterThanOrEqual(6_000);
    expect(ms).toBeLessThan(8_500);
    expect(hung.connections()).toBe(2);
  });

  it('a Cognito that resets the connection is a 503', async () => {
    const cognito = await fakeCognito((req) => req.socket.destroy());
    const { res } = await signUpAgainst(cognito.url, 5_000);
    expectRetryable(res, 503);
  });

  it('a Cognito that answers an HTML 503 is a 503', async () => {
    const cognito = await fakeCognito((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body>Service Unavailable</body></html>');
    });
    const { res } = await signUpAgainst(cognito.url, 5_000);
    expectRetryable(res, 503);
  });

  it.each([
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 429],
    ['InternalErrorException', 503],
  ])('Cognito answering %s is retried once by the SDK, then a %i with Retry-After', async (type, status) => {
    const cognito = await fakeCognito(cognitoJsonError(type, 'Rate exceeded', type === 'InternalErrorException' ? 500 : 400));
    const { res } = await signUpAgainst(cognito.url, 5_000);
    expectRetryable(res, status);
    expect(cognito.requests()).toBe(2);
  });

  it('a generic throttling error is a 429 with Retry-After, not a 500', async () => {
    const cognito = await fakeCognito(cognitoJsonError('ThrottlingException', 'Rate exceeded'));
    const { res } = await signUpAgainst(cognito.url, 5_000);
    expectRetryable(res, 429);
  });

  it('a Cognito that answers only after the deadline is a 503, and its late answer harms nothing', async () => {
    const cognito = await fakeCognito((_req, res) => {
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ UserSub: 'late', UserConfirmed: false }));
      }, 1_500);
      res.on('close', () => clearTimeout(timer));
    });
    // The clock runs on 600 ms past the answer, so the late answer (due at 1.5 s) has its chance to do harm.
    const { res, ms } = await signUpAgainst(cognito.url, 1_200, 600);
    expectRetryable(res, 503);
    expect(ms).toBeLessThan(1_200);
  });
});

describe('JWKS faults inside the handler', () => {
  /** GET /user/profile with a valid-looking token whose JWKS endpoint accepts the connection and never answers. */
  async function profileAgainstHungJwks(remainingMs: number) {
    const hung = await hungServer();
    const issuer = `${hung.url}/us-east-1_TestPool1`;
    const token = signJwt(signingKey('k'), accessClaims(issuer, 'testclientid123'));
    const handler = createHandler({ env: testEnv({ TOKEN_ISSUER: issuer, JWKS_URI: `${issuer}/.well-known/jwks.json` }), log: () => undefined });
    const event = apiEvent({ path: '/user/profile', headers: { Authorization: `Bearer ${token}` } });
    const { value: res, elapsedMs: ms } = await inFakeTime(() => handler(event, contextWith(remainingMs)));
    return { res, ms };
  }

  it('a JWKS endpoint that never answers is a 503 JwksUnavailable, not a 401 or a 500', async () => {
    const { res, ms } = await profileAgainstHungJwks(10_000);
    expectRetryable(res, 503);
    expect(bodyOf(res).error.code).toBe('JwksUnavailable');
    // The JWKS fetch's own 3 s deadline, not the 9.5 s the invocation had left.
    expect(ms).toBeGreaterThanOrEqual(3_000);
    expect(ms).toBeLessThan(4_500);
  });

  it('a hung JWKS endpoint answers 503 within a short Lambda timeout, before Lambda would cut the invocation off', async () => {
    // 1.5 s left, well under the JWKS fetch's own 3 s deadline.
    const { res, ms } = await profileAgainstHungJwks(1_500);
    expectRetryable(res, 503);
    expect(bodyOf(res).error.code).toBe('JwksUnavailable');
    expect(ms).toBeLessThan(1_500);
  });
});
