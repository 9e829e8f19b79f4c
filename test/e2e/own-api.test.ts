/**
 * A project's own API end to end on the local stack: the sample app `authstack init` writes, plus a scope route, a
 * group route, an echo of the event and a handler that throws, run by `authstack dev --watch` in-process. The
 * gateway must behave as API Gateway's COGNITO_USER_POOLS authorizer does (developer guide: "Control access to REST
 * APIs using Amazon Cognito user pools as an authorizer"): the ID token by default, an access token with one of
 * the method's scopes where it has scopes, 401 {"message":"Unauthorized"} otherwise and the function not invoked,
 * the claims as strings in `requestContext.authorizer.claims`; the REST proxy event's path, query and header maps
 * as "Set up a proxy integration with a proxy resource" describes them; the CORS headers on the preflight and on
 * the gateway's own 401 (the template's gateway responses).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { signLocalToken } from '../helpers/local-tokens.js';
import { runCli, tempDir } from '../helpers/run-cli.js';

const PASSWORD = 'Corr3ct-horse!';
const EMAIL = 'ada@example.com';
const ORIGIN = 'http://localhost:5173';

const EXTRA = `import type { RouteHandler } from 'authstack';

let calls = 0;

/** GET /me/{id}: what the handler was given. */
export const echo: RouteHandler = async (event) => {
  calls += 1;
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      calls,
      resource: event.resource,
      path: event.path,
      pathParameters: event.pathParameters,
      queryStringParameters: event.queryStringParameters,
      multiValueQueryStringParameters: event.multiValueQueryStringParameters,
      headers: event.headers,
      multiValueHeaders: event.multiValueHeaders,
      claims: event.requestContext.authorizer?.claims ?? null,
    }),
  };
};

export const reports: RouteHandler = async () => ({ statusCode: 200, body: JSON.stringify({ reports: [] }) });

export const admins: RouteHandler = async () => ({ statusCode: 200, body: JSON.stringify({ admin: true }) });

export const boom: RouteHandler = async () => {
  throw new Error('kaboom in the handler');
};
`;

let tmp: Awaited<ReturnType<typeof tempDir>>;
let dev: DevInProcess;
let api: string;
let ids: { id: string; access: string };

const cli = (argv: string[], stdin?: string) => dev.run(argv, stdin === undefined ? {} : { stdin });
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api}${path}`, { headers });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function signedInTokens(): Promise<{ id: string; access: string }> {
  const login = await cli(['login', EMAIL, '--password-stdin'], PASSWORD);
  expect(login.code, login.stderr).toBe(0);
  const id = await cli(['token', '--id']);
  const access = await cli(['token']);
  expect(id.code, id.stderr).toBe(0);
  return { id: id.stdout.trim(), access: access.stdout.trim() };
}

/** Polls (the watcher is asynchronous) until `path` answers with a body matching `want`; how long that took. */
async function servedWithin(path: string, want: (body: string) => boolean, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  for (;;) {
    const body = await (await get(path, headers)).text();
    if (want(body)) return performance.now() - started;
    if (performance.now() - started > 20_000) throw new Error(`${path} still answers ${body}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  tmp = await tempDir('authstack-own-api-');
  const init = await runCli(['init'], { cwd: tmp.dir });
  expect(init.code, init.stderr).toBe(0);
  const configPath = join(tmp.dir, 'authstack.config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8'));
  config.groups = ['admin'];
  config.corsOrigin = ORIGIN;
  config.resourceServers = { reports: { scopes: { read: 'read the reports' } } };
  Object.assign(config.routes, {
    'GET /me/{id}': { handler: 'api/extra.ts#echo', access: 'signed-in' },
    'GET /reports': { handler: 'api/extra.ts#reports', access: { scopes: ['reports/read'] } },
    'GET /admin/stats': { handler: 'api/extra.ts#admins', access: { groups: ['admin'] } },
    'GET /boom': { handler: 'api/extra.ts#boom', access: 'public' },
  });
  await writeFile(configPath, JSON.stringify(config, null, 2));
  await writeFile(join(tmp.dir, 'api', 'extra.ts'), EXTRA);
  dev = await startDevInProcess(tmp.dir, ['--watch']);
  api = dev.target.apiUrl;
  const up = await cli(['signup', EMAIL, '--password-stdin'], PASSWORD);
  expect(up.code, up.stderr).toBe(0);
  const confirmed = await cli(['validate', EMAIL]);
  expect(confirmed.code, confirmed.stderr).toBe(0);
  ids = await signedInTokens();
}, 90_000);

afterAll(async () => {
  await dev?.stop();
  await tmp?.cleanup();
});

describe("the sample app's routes, as authstack init wrote them", () => {
  it('answers the public route with 200 and no token', async () => {
    const res = await get('/hello?name=Ada');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'Hello, Ada!' });
  });

  it("answers the signed-in route with 200 for the signed-in user's ID token, raw or after Bearer", async () => {
    for (const authorization of [ids.id, `Bearer ${ids.id}`]) {
      const res = await get('/notes/42', { Authorization: authorization });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: '42', owner: EMAIL });
    }
  });

  it('lists every route with its full local URL (authstack routes)', async () => {
    const r = await cli(['routes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.json<{ method: string; path: string; access: string; url: string }[]>();
    expect(rows).toContainEqual(expect.objectContaining({ method: 'GET', path: '/notes/{id}', access: 'signed-in', url: `${api}/notes/{id}` }));
    expect(rows).toContainEqual(expect.objectContaining({ method: 'GET', path: '/hello', access: 'public', url: `${api}/hello` }));
    expect(rows).toContainEqual(expect.objectContaining({ path: '/admin/stats', access: 'groups: admin' }));
  });
});

describe('a protected route refuses, with 401 {"message":"Unauthorized"}, and never runs the function', () => {
  const refused = async (headers: Record<string, string>) => {
    const res = await get('/me/1', headers);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    return res;
  };

  it('no token, and an empty Bearer', async () => {
    await refused({});
    await refused({ Authorization: 'Bearer ' });
  });

  it('a tampered ID token (payload changed, signature kept)', async () => {
    const [h, , s] = ids.id.split('.');
    const body = Buffer.from(JSON.stringify({ ...payloadOf(ids.id), email: 'mallory@example.com' })).toString('base64url');
    await refused(bearer(`${h}.${body}.${s}`));
  });

  it("an expired ID token, signed with the pool's key", async () => {
    const exp = Math.floor(Date.now() / 1000) - 60;
    await refused(bearer(signLocalToken({ ...payloadOf(ids.id), iat: exp - 3600, exp })));
  });

  it("another pool's ID token (its issuer), signed with the same key", async () => {
    await refused(bearer(signLocalToken({ ...payloadOf(ids.id), iss: 'http://127.0.0.1:9/local_otherpool' })));
  });

  it('the access token where the route takes the ID token (no method scopes)', async () => {
    await refused(bearer(ids.access));
  });

  it('ran the function for none of them: the next admitted call is its first', async () => {
    const res = await get('/me/1', bearer(ids.id));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { calls: number }).calls).toBe(1);
  });
});

describe('what the function is given, as API Gateway gives it', () => {
  it('the claims as strings (exp as a date), path and query parameters decoded, single and multi-value, the headers as sent (the last of a repeated one, and all of them)', async () => {
    // node:http sends the headers as given, in this spelling and order, the repeated one twice.
    const url = new URL(`${api}/me/a%20b?tag=one&tag=two&q=hello%20world&empty`);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          headers: ['Host', url.host, 'Authorization', `Bearer ${ids.id}`, 'X-Trace', 'abc', 'X-Trace', 'def'],
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        },
      );
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const seen = JSON.parse(body);
    expect(seen).toMatchObject({
      resource: '/me/{id}',
      pathParameters: { id: 'a b' },
      queryStringParameters: { tag: 'two', q: 'hello world', empty: '' },
      multiValueQueryStringParameters: { tag: ['one', 'two'], q: ['hello world'], empty: [''] },
    });
    expect(seen.headers['X-Trace']).toBe('def');
    expect(seen.multiValueHeaders['X-Trace']).toEqual(['abc', 'def']);
    expect(Object.values(seen.claims).every((v) => typeof v === 'string')).toBe(true);
    expect(seen.claims).toMatchObject({ email: EMAIL, email_verified: 'true', token_use: 'id', sub: payloadOf(ids.id).sub });
    expect(seen.claims.exp).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  });
});

describe('scope and group routes', () => {
  it('a scope route refuses an access token without the scope with 403, and the ID token with 401', async () => {
    const wrong = await get('/reports', bearer(ids.access));
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect((await get('/reports', bearer(ids.id))).status).toBe(401);
  });

  it("a scope route admits an access token of the pool's client carrying the scope", async () => {
    const token = signLocalToken({ ...payloadOf(ids.access), scope: 'openid reports/read', jti: 'scoped' });
    const res = await get('/reports', bearer(token));
    expect(res.status).toBe(200);
  });

  it("a group route refuses a signed-in user who is not a member with 403, and admits them once they are (the function's wrapper checks)", async () => {
    const outside = await get('/admin/stats', bearer(ids.id));
    expect(outside.status).toBe(403);
    expect(outside.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const cognito = new CognitoIdentityProviderClient({
      endpoint: dev.target.cognitoEndpoint,
      region: dev.target.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: dev.target.userPoolId, Username: EMAIL, GroupName: 'admin' }));
    } finally {
      cognito.destroy();
    }
    ids = await signedInTokens();
    const inside = await get('/admin/stats', bearer(ids.id));
    expect(inside.status).toBe(200);
    expect(await inside.json()).toEqual({ admin: true });
    // As API Gateway flattens it for a REST API: the groups joined by commas, a string like every claim.
    const echoed = (await (await get('/me/1', bearer(ids.id))).json()) as { claims: Record<string, string> };
    expect(echoed.claims['cognito:groups']).toBe('admin');
  });
});

describe('CORS', () => {
  it('a preflight is answered by the gateway itself: 204 with the origin, the methods and the Authorization header allowed', async () => {
    const res = await fetch(`${api}/notes/42`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it("the authorizer's 401 carries the CORS headers, so a browser can read it", async () => {
    const res = await get('/notes/42', { Origin: ORIGIN });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });
});

describe('a handler that throws', () => {
  it("is API Gateway's 502 Internal server error, the trace in the dev log only, pointing at the handler's TypeScript", async () => {
    const res = await get('/boom');
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ message: 'Internal server error' });
    expect(text).not.toMatch(/kaboom|extra\.ts/);
    // Line 30 of api/extra.ts is the throw: the source map, not the bundle's line.
    await servedWithin('/hello', () => /kaboom in the handler/.test(dev.output()));
    expect(dev.output()).toMatch(new RegExp(`at boom \\(${join(tmp.dir, 'api', 'extra.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:30:\\d+\\)`));
  });
});

describe('dev --watch', () => {
  const hello = () => join(tmp.dir, 'api', 'hello.ts');

  it('serves an edited handler on the next request after its rebuild, and rebuilds only the file that changed', async () => {
    const before = dev.output();
    const source = await readFile(hello(), 'utf8');
    await writeFile(hello(), source.replace('Hello, ', 'Howdy, '));
    await servedWithin('/hello?name=Ada', (body) => body.includes('Howdy, Ada!'));
    const log = dev.output().slice(before.length);
    expect(log).toMatch(/api\/hello\.ts rebuilt and reloaded in \d+ ms \(api-hello-hello\)/);
    expect(log).not.toMatch(/api\/(notes|extra)\.ts rebuilt/);
  });

  it('a compile error prints the file, line and message, and the last good build serves on until it is fixed', async () => {
    const good = await readFile(hello(), 'utf8');
    const before = dev.output();
    await writeFile(hello(), `${good}\nexport const broken = ;\n`);
    await servedWithin('/hello', () => /api\/hello\.ts:\d+:\d+: Unexpected ";"/.test(dev.output().slice(before.length)));
    expect(dev.output().slice(before.length)).toMatch(/still serving the last good build of api\/hello\.ts/);
    expect(await (await get('/hello?name=Ada')).json()).toEqual({ message: 'Howdy, Ada!' });
    await writeFile(hello(), good.replace('Howdy, ', 'Hi, '));
    await servedWithin('/hello?name=Ada', (body) => body.includes('Hi, Ada!'));
  });
});

describe('aws-amplify v6, configured from authstack outputs --format amplify', () => {
  afterAll(async () => signOut());

  it("calls a protected route of the project with fetchAuthSession's ID token in a fetch, unchanged", async () => {
    const r = await cli(['outputs', '--format', 'amplify']);
    expect(r.code, r.stderr).toBe(0);
    Amplify.configure(JSON.parse(await readFile(join(tmp.dir, 'amplify_outputs.json'), 'utf8')));
    expect((await signIn({ username: EMAIL, password: PASSWORD })).isSignedIn).toBe(true);
    const { tokens } = await fetchAuthSession();
    const res = await fetch(`${api}/notes/7`, { headers: { Authorization: `Bearer ${tokens!.idToken!.toString()}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '7', owner: EMAIL });
  });
});
