/**
 * The gateway in front of the project's own routes, with a stand-in authorizer (the real one has its own tests
 * against a local pool): the function runs only once the authorizer admits the request, and gets its claims; the
 * paths answer the CORS preflight as the template's MOCK OPTIONS method does; the gateway's own answers carry the
 * CORS headers the template's gateway responses add; a resource without the request's method is API Gateway's 403.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { RouteAccess } from '../../../src/core/routes.js';
import type { RouteModel } from '../../../src/core/stack-model.js';
import type { ProxyEvent } from '../../../src/lambda/types.js';
import { gatewayError, type LocalAuthorizer } from '../../../src/local/authorizer/index.js';
import { startGateway, type Gateway } from '../../../src/local/gateway.js';
import { inProcessFunctions } from '../../helpers/in-process-functions.js';

const ORIGIN = 'https://app.example.com';
const open: Gateway[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close()));
});

const ROUTES: RouteModel[] = [
  { method: 'ANY', path: '/', functionId: 'api' },
  { method: 'ANY', path: '/{proxy+}', functionId: 'api' },
  { method: 'GET', path: '/hello', functionId: 'hello', access: { kind: 'public' }, handler: 'api/hello.ts#hello' },
  { method: 'GET', path: '/notes/{id}', functionId: 'get-note', access: { kind: 'signed-in' }, handler: 'api/notes.ts#get' },
  { method: 'PUT', path: '/notes/{id}', functionId: 'put-note', access: { kind: 'scopes', scopes: ['notes/write'] }, handler: 'api/notes.ts#put' },
];

/** Admits the token "good" (403 for "no-scope"), refuses anything else with 401; records what it was asked. */
function fakeAuthorizer(asked: RouteAccess[]): LocalAuthorizer {
  return {
    async authorize(access, headers) {
      asked.push(access);
      const auth = headers.authorization;
      if (auth === 'Bearer good') return { ok: true, claims: { sub: 'user-1', 'cognito:groups': 'admin,editor' } };
      if (auth === 'Bearer no-scope') return { ok: false, response: gatewayError(403, ORIGIN) };
      return { ok: false, response: gatewayError(401, ORIGIN) };
    },
  };
}

async function start() {
  const invoked: ProxyEvent[] = [];
  const asked: RouteAccess[] = [];
  const { functions } = inProcessFunctions((event) => {
    invoked.push(event);
    return { statusCode: 200, body: JSON.stringify({ resource: event.resource }) };
  });
  const gateway = await startGateway({ port: 0, routes: ROUTES, functions, authorizer: fakeAuthorizer(asked), corsOrigin: ORIGIN });
  open.push(gateway);
  return { url: gateway.url, invoked, asked };
}

describe("the gateway in front of the project's routes", () => {
  it("invokes a protected route's function only once the authorizer admits the token, with its claims in requestContext.authorizer.claims", async () => {
    const { url, invoked, asked } = await start();
    const refused = await fetch(`${url}/notes/1`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: 'Unauthorized' });
    expect(refused.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(invoked).toHaveLength(0);
    const admitted = await fetch(`${url}/notes/1`, { headers: { Authorization: 'Bearer good' } });
    expect(admitted.status).toBe(200);
    expect(invoked).toHaveLength(1);
    expect(invoked[0]!.requestContext.authorizer).toEqual({ claims: { sub: 'user-1', 'cognito:groups': 'admin,editor' } });
    expect(asked).toEqual([{ kind: 'signed-in' }, { kind: 'signed-in' }]);
  });

  it("passes the authorizer's 403 on without invoking the function", async () => {
    const { url, invoked } = await start();
    const res = await fetch(`${url}/notes/1`, { method: 'PUT', headers: { Authorization: 'Bearer no-scope' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(invoked).toHaveLength(0);
  });

  it('asks nothing of the authorizer for a public route and the built-in API (it checks tokens itself)', async () => {
    const { url, invoked, asked } = await start();
    expect((await fetch(`${url}/hello`)).status).toBe(200);
    expect((await fetch(`${url}/user/profile`)).status).toBe(200);
    expect(asked).toEqual([]);
    expect(invoked.map((e) => e.requestContext.authorizer)).toEqual([null, null]);
  });

  it("answers a preflight on a route's path itself (204, the path's methods, no token asked), as the template's MOCK method", async () => {
    const { url, invoked, asked } = await start();
    const res = await fetch(`${url}/notes/9`, { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT' } });
    expect(res.status).toBe(204);
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control') || k === 'vary'))).toEqual({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-allow-methods': 'GET, PUT, OPTIONS',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(invoked).toHaveLength(0);
    expect(asked).toHaveLength(0);
  });

  it("answers a method the route's resource lacks with 403 Missing Authentication Token, with the CORS headers, rather than the built-in API's proxy", async () => {
    const { url, invoked } = await start();
    const res = await fetch(`${url}/notes/1`, { method: 'DELETE', headers: { Authorization: 'Bearer good' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(invoked).toHaveLength(0);
  });

  it('refuses to start with protected routes and no authorizer (fail closed)', async () => {
    const { functions } = inProcessFunctions(() => ({ statusCode: 200 }));
    await expect(startGateway({ port: 0, routes: ROUTES, functions })).rejects.toThrow(/no authorizer/);
  });
});
