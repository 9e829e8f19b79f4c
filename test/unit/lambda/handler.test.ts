import { describe, expect, it } from 'vitest';
import { apiEvent, bodyOf, harness, hasStackTrace, testEnv, type EventInit } from '../../helpers/lambda-events.js';
import type { ProxyEvent } from '../../../src/lambda/types.js';

describe('health', () => {
  it('answers 200 healthy with a version', async () => {
    const res = await harness().invoke({ path: '/app/health' });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ status: 'healthy', version: 'dev' });
    expect(res.headers?.['Content-Type']).toMatch(/^application\/json/);
  });

  it('answers even when no pool is configured', async () => {
    const res = await harness({}).invoke({ path: '/app/health' });
    expect(res.statusCode).toBe(200);
  });

  it('tolerates one trailing slash', async () => {
    expect((await harness().invoke({ path: '/app/health/' })).statusCode).toBe(200);
  });

  it('ignores query strings', async () => {
    expect((await harness().invoke({ path: '/app/health', query: { a: '1' } })).statusCode).toBe(200);
  });
});

describe('routing', () => {
  it.each([
    '/nope',
    '/',
    '',
    '/app',
    '/app/health//',
    '/APP/HEALTH',
    '/user/../app/health',
    '/app/%2e%2e/health',
    '/app/health%00',
    '/app\\health',
    '//app/health',
    '/app/health/extra',
    `/${'a'.repeat(5000)}`,
  ])('answers 404 for unknown path %j', async (path) => {
    const res = await harness().invoke({ path });
    expect(res.statusCode).toBe(404);
    expect(bodyOf(res).error.code).toBe('NotFound');
  });

  it.each([
    ['POST', '/app/health', 'GET, OPTIONS'],
    ['GET', '/user', 'POST, OPTIONS'],
    ['DELETE', '/user/validate', 'POST, OPTIONS'],
    ['PUT', '/user/validate/resend', 'POST, OPTIONS'],
    ['PATCH', '/user/profile', 'GET, POST, OPTIONS'],
    ['', '/user', 'POST, OPTIONS'],
  ])('answers 405 with Allow for %s %s', async (method, path, allow) => {
    const res = await harness().invoke({ method, path });
    expect(res.statusCode).toBe(405);
    expect(res.headers?.Allow).toBe(allow);
    expect(bodyOf(res).error.code).toBe('MethodNotAllowed');
  });

  it('answers a CORS preflight with the allowed methods and headers', async () => {
    const res = await harness().invoke({ method: 'OPTIONS', path: '/user/profile' });
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    });
  });
});

describe('CORS', () => {
  it('sends the default origin * on success and error responses', async () => {
    const h = harness();
    for (const res of [await h.invoke({ path: '/app/health' }), await h.invoke({ path: '/nope' })]) {
      expect(res.headers?.['Access-Control-Allow-Origin']).toBe('*');
    }
  });

  it('sends the configured origin, with Vary: Origin', async () => {
    const res = await harness(testEnv({ CORS_ALLOW_ORIGIN: 'https://app.example.com' })).invoke({ path: '/nope' });
    expect(res.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect(res.headers?.Vary).toBe('Origin');
  });

  it('refuses an origin that would inject headers', async () => {
    const res = await harness(testEnv({ CORS_ALLOW_ORIGIN: 'https://a.example\r\nSet-Cookie: x=1' })).invoke({});
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(JSON.stringify(res.headers)).not.toContain('Set-Cookie');
  });
});

describe('request bodies', () => {
  const signup = (body: unknown, extra: EventInit = {}) => harness().invoke({ method: 'POST', path: '/user', body, ...extra });

  it.each([
    ['malformed JSON', '{"username": "a@b.co", ', 'MalformedJson'],
    ['truncated JSON', '{"username"', 'MalformedJson'],
    ['a JSON array', '[1,2]', 'InvalidBody'],
    ['a JSON string', '"hello"', 'InvalidBody'],
    ['JSON null', 'null', 'InvalidBody'],
    ['an empty body', '', 'MissingBody'],
    ['whitespace', '  \n ', 'MissingBody'],
  ])('answers 400 for %s', async (_what, body, code) => {
    const res = await signup(body);
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.code).toBe(code);
  });

  it('answers 400 when no body is sent at all', async () => {
    const res = await harness().invoke({ method: 'POST', path: '/user' });
    expect(res.statusCode).toBe(400);
  });

  it('answers 413 for a body over 16 KiB', async () => {
    const res = await signup({ username: 'a@example.com', password: 'x'.repeat(16 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(bodyOf(res).error.code).toBe('PayloadTooLarge');
  });

  it('answers 413 for a base64 body that decodes to over 16 KiB', async () => {
    const res = await signup({ password: 'y'.repeat(17 * 1024) }, { base64: true });
    expect(res.statusCode).toBe(413);
  });

  it('answers 413 for an oversized body even on a route that never reads it', async () => {
    const res = await harness().invoke({ path: '/app/health', body: 'z'.repeat(17 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(bodyOf(res).error.code).toBe('PayloadTooLarge');
  });

  it('counts bytes, not characters, against the limit', async () => {
    const res = await signup({ username: 'a@example.com', password: 'é'.repeat(9000) });
    expect(res.statusCode).toBe(413);
  });

  it('decodes a base64 body before validating it', async () => {
    const res = await signup({ username: 'not-an-email', password: 'pw' }, { base64: true });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.message).toContain('"username"');
  });

  it.each([
    ['not base64', '%%%not-base64%%%'],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')],
  ])('answers 400 for a base64 body that is %s', async (_what, body) => {
    const event: ProxyEvent = { ...apiEvent({ method: 'POST', path: '/user' }), body, isBase64Encoded: true };
    const res = await harness().invoke(event);
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.code).toBe('InvalidBody');
  });

  it('parses JSON whatever the content type says (curl -d sends form encoding)', async () => {
    const res = await signup({ username: 'bad', password: 'pw' }, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.code).toBe('InvalidField');
  });

  it('never quotes the body in a JSON error', async () => {
    const res = await signup('{"password": "Sup3rSecret!", oops}');
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('Sup3rSecret');
  });
});

describe('malformed events', () => {
  it.each<[string, unknown]>([
    ['null headers', { headers: null, multiValueHeaders: null }],
    ['a non-string path', { path: 42 }],
    ['a non-string method', { httpMethod: null }],
    ['a non-string body', { body: { a: 1 }, httpMethod: 'POST', path: '/user' }],
    ['no request context', { requestContext: undefined }],
    ['non-string header values', { headers: { Authorization: 5 }, multiValueHeaders: { Authorization: [5, null] } }],
  ])('answers a 4xx or 200, never a 5xx, for %s', async (_what, patch) => {
    const event = { ...apiEvent(), ...(patch as object) } as ProxyEvent;
    const res = await harness().invoke(event);
    expect(res.statusCode).toBeLessThan(500);
    expect(() => JSON.parse(res.body)).not.toThrow();
  });
});

describe('configuration', () => {
  it('answers 500 Misconfigured, naming nothing internal, when the pool is not configured', async () => {
    const h = harness({ AWS_REGION: 'us-east-1' });
    const res = await h.invoke({ method: 'POST', path: '/user', body: { username: 'a@example.com', password: 'Passw0rd!' } });
    expect(res.statusCode).toBe(500);
    expect(bodyOf(res)).toEqual({ error: { code: 'Misconfigured', message: 'The service is misconfigured.' } });
    expect(res.body).not.toContain('USER_POOL_ID');
    const errorLine = h.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'misconfigured');
    expect(errorLine.error).toContain('USER_POOL_ID');
  });
});

describe('request log', () => {
  it('writes exactly one JSON line per request with method, path, status, latency and request ids', async () => {
    const h = harness();
    await h.invoke({ path: '/app/health', requestId: 'api-1' });
    await h.invoke({ method: 'DELETE', path: '/user' });
    expect(h.lines).toHaveLength(2);
    const [ok, bad] = h.requests();
    expect(ok).toMatchObject({ method: 'GET', path: '/app/health', status: 200, apiRequestId: 'api-1' });
    expect(typeof ok!.latencyMs).toBe('number');
    expect(ok!.requestId).toMatch(/^lambda-/);
    expect(ok!.error).toBeUndefined();
    expect(bad).toMatchObject({ method: 'DELETE', status: 405, error: 'MethodNotAllowed' });
  });

  it('keeps answering when the log sink throws', async () => {
    const res = await harness(testEnv(), {
      log: () => {
        throw new Error('EPIPE');
      },
    }).invoke({});
    expect(res.statusCode).toBe(200);
  });

  it('never puts a stack trace in a response body', async () => {
    const h = harness({});
    const results = await Promise.all([
      h.invoke({ path: '/nope' }),
      h.invoke({ method: 'POST', path: '/user', body: '{' }),
      h.invoke({ method: 'POST', path: '/user', body: { username: 'a@example.com', password: 'x' } }),
      h.invoke({ path: '/user/profile', headers: { Authorization: 'Bearer a.b.c' } }),
    ]);
    for (const r of results) expect(hasStackTrace(r.body)).toBe(false);
  });
});
