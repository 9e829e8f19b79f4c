import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import type { LambdaContext, ProxyEvent, ProxyHandler, ProxyResult } from '../../../src/lambda/types.js';
import { PortInUseError } from '../../../src/local/errors.js';
import { MAX_PAYLOAD_BYTES, startGateway, type Gateway, type GatewayRequestLog } from '../../../src/local/gateway.js';

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
    loadHandler: async () => recording,
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

function send(
  url: string,
  opts: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
        );
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
    ['a thrown error', () => {
      throw new Error('boom');
    }],
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

  it('accepts a callback-style handler as the Lambda runtime does', async () => {
    const handler = ((_event: ProxyEvent, _context: LambdaContext, callback: (e: unknown, r: ProxyResult) => void) => {
      callback(null, { statusCode: 202, body: 'cb' });
    }) as unknown as ProxyHandler;
    const gateway = await startGateway({ port: 0, loadHandler: async () => handler });
    open.push(gateway);
    const reply = await send(gateway.url, { path: '/cb' });
    expect([reply.status, reply.body.toString()]).toEqual([202, 'cb']);
  });
});

describe('local API Gateway: limits, reloads and ports', () => {
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

  it('serves the new handler after reload, and keeps retrying a handler that failed to load', async () => {
    const broken = async (): Promise<ProxyHandler> => {
      throw new Error('syntax error in bundle');
    };
    // Loads: at start, at reload, when the next request retries, when the one after retries.
    const versions: Array<() => Promise<ProxyHandler>> = [
      async () => async () => ok('v1'),
      broken,
      broken,
      async () => async () => ok('v2'),
    ];
    let loads = 0;
    const gateway = await startGateway({ port: 0, loadHandler: () => versions[Math.min(loads++, 3)]!() });
    open.push(gateway);
    expect((await send(gateway.url, { path: '/v' })).body.toString()).toBe('v1');

    gateway.reload();
    const failed = await send(gateway.url, { path: '/v' });
    expect([failed.status, failed.body.toString()]).toEqual([502, INTERNAL_ERROR]);
    expect((await send(gateway.url, { path: '/v' })).body.toString()).toBe('v2');
  });

  it('fails to start with PortInUseError when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startGateway({ port, loadHandler: async () => async () => ok() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ code: 'PORT_IN_USE', port, service: 'api' });
    } finally {
      blocker.close();
    }
  });

  it('fails to start when the handler cannot be loaded, leaving the port free', async () => {
    const error = await startGateway({
      port: 0,
      loadHandler: async () => {
        throw new Error('no bundle');
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('no bundle');
  });
});
