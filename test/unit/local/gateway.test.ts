import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import type { LambdaContext, ProxyEvent, ProxyHandler, ProxyResult } from '../../../src/lambda/types.js';
import { PortInUseError } from '../../../src/local/errors.js';
import { MAX_PAYLOAD_BYTES, routeMatcher, startGateway, type Gateway, type GatewayRequestLog } from '../../../src/local/gateway.js';
import type { FunctionInvoker } from '../../../src/local/functions/types.js';
import { inProcessFunctions } from '../../helpers/in-process-functions.js';

const INTERNAL_ERROR = '{"message": "Internal server error"}';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const open: Gateway[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close()));
});

interface Captured {
  event: ProxyEvent;
  context: LambdaContext;
}

async function gatewayWith(
  handler: (event: ProxyEvent, context: LambdaContext) => unknown,
  extra: Partial<Parameters<typeof startGateway>[0]> = {},
): Promise<{ gateway: Gateway; calls: Captured[]; log: GatewayRequestLog[] }> {
  const calls: Captured[] = [];
  const log: GatewayRequestLog[] = [];
  const recording = (async (event: ProxyEvent, context: LambdaContext) => {
    calls.push({ event, context });
    return handler(event, context);
  }) as ProxyHandler;
  const gateway = await startGateway({
    port: 0,
    stage: 'test',
    ...inProcessFunctions(recording),
    onRequest: (entry) => log.push(entry),
    ...extra,
  });
  open.push(gateway);
  return { gateway, calls, log };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

function send(url: string, opts: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const ok = (body = '{}'): ProxyResult => ({ statusCode: 200, body });

describe('local API Gateway: the proxy event', () => {
  it('carries path, method, duplicate headers, multi-value query parameters and the request context', async () => {
    const { gateway, calls } = await gatewayWith(() => ok());
    const reply = await send(gateway.url, {
      path: '/app/items?tag=a&tag=b&single=x&flag&enc%2Fkey=v%20w',
      headers: { 'X-Dup': ['1', '2'], 'Mixed-Case': 'yes', 'User-Agent': 'tester/1' },
    });
    expect(reply.status).toBe(200);
    const { event, context } = calls[0]!;

    expect(event).toMatchObject({
      resource: '/{proxy+}',
      path: '/app/items',
      httpMethod: 'GET',
      pathParameters: { proxy: 'app/items' },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      queryStringParameters: { tag: 'b', single: 'x', flag: '', 'enc/key': 'v w' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], single: ['x'], flag: [''], 'enc/key': ['v w'] },
    });
    expect(event.headers).toMatchObject({ 'X-Dup': '2', 'Mixed-Case': 'yes', 'X-Forwarded-For': '127.0.0.1' });
    expect(event.multiValueHeaders).toMatchObject({ 'X-Dup': ['1', '2'], 'Mixed-Case': ['yes'] });
    expect(event.requestContext).toMatchObject({
      stage: 'test',
      httpMethod: 'GET',
      path: '/test/app/items',
      resourcePath: '/{proxy+}',
      identity: { sourceIp: '127.0.0.1', userAgent: 'tester/1' },
    });
    expect(event.requestContext.requestId).toMatch(UUID);
    expect(Math.abs(event.requestContext.requestTimeEpoch! - Date.now())).toBeLessThan(5_000);
    expect(event.requestContext.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(context.awsRequestId).toBe(event.requestContext.requestId);
    expect(reply.headers['x-amzn-requestid']).toBe(event.requestContext.requestId);
  });

  it('sends the root as resource "/" with no path parameters and null query maps', async () => {
    const { gateway, calls } = await gatewayWith(() => ok());
    await send(gateway.url, { path: '/' });
    expect(calls[0]!.event).toMatchObject({
      resource: '/',
      path: '/',
      pathParameters: null,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      requestContext: { path: '/test/', resourcePath: '/' },
    });
  });

  it('passes a text body as a string and a binary body base64-encoded', async () => {
    const { gateway, calls } = await gatewayWith(() => ok());
    const json = JSON.stringify({ hello: 'wörld' });
    await send(gateway.url, { method: 'POST', path: '/echo', headers: { 'Content-Type': 'application/json' }, body: json });
    expect(calls[0]!.event).toMatchObject({ httpMethod: 'POST', body: json, isBase64Encoded: false });

    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await send(gateway.url, {
      method: 'PUT',
      path: '/upload',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
    const binary = calls[1]!.event;
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(bytes);
  });

  it('gives each request its own request id', async () => {
    const { gateway, calls } = await gatewayWith(() => ok());
    await send(gateway.url, { path: '/a' });
    await send(gateway.url, { path: '/a' });
    expect(calls[0]!.event.requestContext.requestId).not.toBe(calls[1]!.event.requestContext.requestId);
  });
});

describe('local API Gateway: writing the result', () => {
  it('writes status, headers merged with multiValueHeaders (which win), and a JSON default content type', async () => {
    const { gateway } = await gatewayWith(() => ({
      statusCode: 201,
      headers: { 'X-Single': 'one', 'X-Both': 'from-headers', 'X-Number': 42 },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'x-both': ['from-multi'] },
      body: '{"created":true}',
    }));
    const reply = await send(gateway.url, { path: '/things' });
    expect(reply.status).toBe(201);
    expect(reply.headers).toMatchObject({
      'x-single': 'one',
      'x-number': '42',
      'x-both': 'from-multi',
      'set-cookie': ['a=1', 'b=2'],
      'content-type': 'application/json',
    });
    expect(reply.body.toString()).toBe('{"created":true}');
  });

  it('decodes a base64 body and keeps the handler content type', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const { gateway } = await gatewayWith(() => ({
      statusCode: 200,
      headers: { 'Content-Type': 'image/png' },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    }));
    const reply = await send(gateway.url, { path: '/image' });
    expect(reply.headers['content-type']).toBe('image/png');
    expect(reply.body).toEqual(bytes);
  });

  it('sends no body for HEAD', async () => {
    const { gateway } = await gatewayWith(() => ok('{"a":1}'));
    const reply = await send(gateway.url, { method: 'HEAD', path: '/x' });
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(0);
  });

  it.each([
    ['a result without statusCode', () => ({ body: '{}' })],
    ['a statusCode that is not a number', () => ({ statusCode: '200', body: '{}' })],
    ['a body that is an object', () => ({ statusCode: 200, body: { a: 1 } })],
    ['an unexpected key', () => ({ statusCode: 200, body: '{}', extra: true })],
    ['no result at all', () => undefined],
    [
      'a thrown error',
      () => {
        throw new Error('boom');
      },
    ],
    ['a rejected promise', () => Promise.reject(new Error('async boom'))],
  ])('answers 502 Internal server error for %s', async (_, handler) => {
    const { gateway, log } = await gatewayWith(handler);
    const reply = await send(gateway.url, { path: '/bad' });
    expect(reply.status).toBe(502);
    expect(reply.body.toString()).toBe(INTERNAL_ERROR);
    expect(reply.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(reply.headers['x-amzn-requestid']).toMatch(UUID);
    expect(log[0]).toMatchObject({ status: 502, path: '/bad', error: expect.any(String) });
  });

  it('answers 504 when the handler outlives the integration timeout', async () => {
    const { gateway } = await gatewayWith(() => new Promise(() => undefined), { timeoutMs: 50 });
    const reply = await send(gateway.url, { path: '/slow' });
    expect(reply.status).toBe(504);
    expect(JSON.parse(reply.body.toString())).toEqual({ message: 'Endpoint request timed out' });
  });
});

describe('local API Gateway: limits and ports', () => {
  it('rejects a body over 10 MB with 413 without invoking the handler', async () => {
    const { gateway, calls } = await gatewayWith(() => ok());
    const declared = await new Promise<number>((resolve, reject) => {
      const target = new URL(gateway.url);
      const req = httpRequest({
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: '/big',
        headers: { 'Content-Length': String(MAX_PAYLOAD_BYTES + 1), 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(declared).toBe(413);

    const chunked = await send(gateway.url, {
      method: 'POST',
      path: '/big',
      headers: { 'Transfer-Encoding': 'chunked', 'Content-Type': 'text/plain' },
      body: Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 97),
    }).then(
      (reply) => reply.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    // The gateway stops reading: the client sees either the 413 or the connection closing mid-upload.
    expect([413, 'EPIPE', 'ECONNRESET']).toContain(chunked);
    expect(calls).toEqual([]);
  });

  it('accepts a body of exactly 10 MB', async () => {
    const { gateway, calls } = await gatewayWith(() => ok());
    const reply = await send(gateway.url, {
      method: 'POST',
      path: '/big',
      headers: { 'Content-Type': 'text/plain' },
      body: Buffer.alloc(MAX_PAYLOAD_BYTES, 97),
    });
    expect(reply.status).toBe(200);
    expect(calls[0]!.event.body!.length).toBe(MAX_PAYLOAD_BYTES);
  });

  it('fails to start with PortInUseError when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startGateway({ port, ...inProcessFunctions(() => ok()) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ code: 'PORT_IN_USE', port, service: 'api' });
    } finally {
      blocker.close();
    }
  });
});

describe('local API Gateway: routes', () => {
  /** A gateway over these routes whose invoker answers with the function id and the event's route fields. */
  async function routed(routes: { method: string; path: string; functionId: string }[]) {
    const log: GatewayRequestLog[] = [];
    const functions: FunctionInvoker = {
      async invoke(functionId, _requestId, event) {
        const { resource, pathParameters } = event as ProxyEvent;
        return { ok: true, result: ok(JSON.stringify({ functionId, resource, pathParameters })), log: `ran ${functionId}\n` };
      },
    };
    const gateway = await startGateway({ port: 0, routes, functions, onRequest: (e) => log.push(e) });
    open.push(gateway);
    const get = async (path: string, method = 'GET') => {
      const reply = await send(gateway.url, { path, method });
      return { status: reply.status, body: JSON.parse(reply.body.toString()) as unknown, type: reply.headers['x-amzn-errortype'] };
    };
    return { get, log };
  }

  // A REST API answers a path and method it has no method for with 403 "Missing Authentication Token":
  // https://repost.aws/knowledge-center/api-gateway-authentication-token-errors
  it('answers 403 Missing Authentication Token for a path or method no route has, invoking nothing', async () => {
    const { get, log } = await routed([{ method: 'GET', path: '/notes', functionId: 'notes' }]);
    expect(await get('/nothing')).toEqual({ status: 403, body: { message: 'Missing Authentication Token' }, type: 'MissingAuthenticationTokenException' });
    expect((await get('/notes', 'DELETE')).status).toBe(403);
    expect(log.map((e) => [e.status, e.functionId])).toEqual([
      [403, undefined],
      [403, undefined],
    ]);
  });

  it('runs the function of the most specific route, with its resource and decoded path parameters', async () => {
    const { get, log } = await routed([
      { method: 'ANY', path: '/{proxy+}', functionId: 'api' },
      { method: 'ANY', path: '/notes/{id}', functionId: 'any-note' },
      { method: 'GET', path: '/notes/{id}', functionId: 'get-note' },
      { method: 'GET', path: '/notes/latest', functionId: 'latest' },
    ]);
    expect((await get('/notes/a%20b')).body).toEqual({ functionId: 'get-note', resource: '/notes/{id}', pathParameters: { id: 'a b' } });
    expect((await get('/notes/a', 'PUT')).body).toMatchObject({ functionId: 'any-note' });
    expect((await get('/notes/latest')).body).toMatchObject({ functionId: 'latest', pathParameters: null });
    expect((await get('/notes/a/b')).body).toEqual({ functionId: 'api', resource: '/{proxy+}', pathParameters: { proxy: 'notes/a/b' } });
    // The root is not under /{proxy+}: it has a route of its own, or none.
    expect((await get('/')).status).toBe(403);
    expect(log[0]).toMatchObject({ functionId: 'get-note', log: 'ran get-note\n' });
  });

  it('matches the built-in routes as before: the root and every path to the api function', () => {
    const match = routeMatcher(inProcessFunctions(() => ok()).routes);
    expect(match('GET', '/')).toMatchObject({ functionId: 'api', path: '/', pathParameters: null });
    expect(match('POST', '/user/profile/')).toMatchObject({ functionId: 'api', path: '/{proxy+}', pathParameters: { proxy: 'user/profile/' } });
  });
});
