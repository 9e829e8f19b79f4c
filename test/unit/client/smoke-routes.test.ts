/**
 * smoke's checks of the project's own signed-in route, against `authstack dev` in-process, with the project's route
 * answered in front of it the way API Gateway does: its Cognito authorizer (the project's local one, the same rules)
 * answers 401 {"message":"Unauthorized"} to no token and to a token that does not verify, and lets the ID token of a
 * signed-in user through to the handler. An API that lets anyone in fails smoke at the step that says so, and a
 * project without a signed-in GET route gets the checks skipped with a note.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectedRoute } from '../../../src/client/smoke.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { createLocalAuthorizer } from '../../../src/local/authorizer/index.js';
import { startDevInProcess, type DevInProcess } from '../../helpers/dev-in-process.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

let project: Awaited<ReturnType<typeof tempDir>>;
let dev: DevInProcess;

beforeAll(async () => {
  project = await tempDir('authstack-smoke-routes-');
  expect((await runCli(['init'], { cwd: project.dir })).code).toBe(0);
  dev = await startDevInProcess(project.dir);
}, 60_000);

afterAll(async () => {
  await dev?.stop();
  await project?.cleanup();
});

type Gate = 'cognito' | 'open';

/**
 * A fetch that answers GET /notes/{id} as API Gateway with the route's Cognito authorizer would ('cognito'), or as
 * an API that forgot it ('open'), and passes everything else to dev. Records what the route was asked.
 */
function gateway(gate: Gate, seen: { authorization: string | null; status: number }[]): typeof fetch {
  const { cognitoEndpoint, userPoolId, clientId, apiUrl } = dev.target;
  const issuer = `${cognitoEndpoint}/${userPoolId}`;
  const authorizer = createLocalAuthorizer({
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    clientIds: [clientId],
    now: Date.now,
    corsOrigin: '*',
    ttlSeconds: 0,
  });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (!url.href.startsWith(`${apiUrl}/notes/`)) return fetch(input, init);
    const authorization = new Headers(init?.headers).get('authorization');
    const answer = async (): Promise<Response> => {
      if (gate === 'cognito') {
        const result = await authorizer.authorize({ kind: 'signed-in' }, authorization === null ? {} : { Authorization: authorization });
        if (!result.ok) return new Response(result.response.body, { status: result.response.statusCode, headers: result.response.headers });
      }
      return Response.json({ id: url.pathname.split('/').at(-1) }, { status: 200 });
    };
    const res = await answer();
    seen.push({ authorization, status: res.status });
    return res;
  }) as typeof fetch;
}

describe('authstack smoke on a project with a signed-in route', () => {
  it('picks a signed-in GET route, a parameter filled in; none when the project has only public, scope or group routes', () => {
    const sample = buildStackModel({
      routes: { 'GET /hello': { handler: 'a.ts#h', access: 'public' }, 'GET /notes/{id}': { handler: 'a.ts#g', access: 'signed-in' } },
    });
    expect(protectedRoute(sample.routes)).toEqual({ method: 'GET', route: '/notes/{id}', path: '/notes/smoke' });
    const both = buildStackModel({
      routes: { 'GET /notes/{id}': { handler: 'a.ts#g', access: 'signed-in' }, 'GET /me': { handler: 'a.ts#m', access: 'signed-in' } },
    });
    expect(protectedRoute(both.routes)).toEqual({ method: 'GET', route: '/me', path: '/me' });
    const none = buildStackModel({
      groups: ['admin'],
      routes: { 'POST /notes': { handler: 'a.ts#p', access: 'signed-in' }, 'GET /admin': { handler: 'a.ts#a', access: { groups: ['admin'] } } },
    });
    expect(protectedRoute(none.routes)).toBeUndefined();
  });

  it("checks the route refuses no token and a tampered token (401) and admits the signed-in user's ID token", async () => {
    const seen: { authorization: string | null; status: number }[] = [];
    const r = await dev.run(['smoke', '--json'], { fetch: gateway('cognito', seen) });
    expect(r.code, r.stderr).toBe(0);
    const steps = (r.json() as { steps: { name: string; status: string; message?: string }[] }).steps;
    expect(steps.filter((s) => s.name.startsWith('GET /notes/{id}'))).toEqual([
      expect.objectContaining({ name: 'GET /notes/{id} without a token is refused', status: 'passed' }),
      expect.objectContaining({ name: 'GET /notes/{id} with a tampered token is refused', status: 'passed' }),
      expect.objectContaining({ name: 'GET /notes/{id} admits the signed-in user', status: 'passed', message: 'HTTP 200' }),
    ]);
    expect(seen.map((s) => s.status)).toEqual([401, 401, 200]);
    expect(seen[0]!.authorization).toBeNull();
    // The admitted token is an ID token (API Gateway's default without scopes), sent as the header's whole value.
    const payload = JSON.parse(Buffer.from(seen[2]!.authorization!.split('.')[1]!, 'base64url').toString()) as { token_use: string };
    expect(payload.token_use).toBe('id');
  });

  it('fails at the step that says the route let a request without a token in, and still cleans up', async () => {
    const r = await dev.run(['smoke', '--json'], { fetch: gateway('open', []) });
    expect(r.code).toBe(1);
    const doc = r.json() as { failedStep: string; steps: { name: string; status: string }[] };
    expect(doc.failedStep).toBe('GET /notes/{id} without a token is refused');
    expect(doc.steps.at(-1)).toMatchObject({ name: 'cleanup', status: 'passed' });
  });

  it('skips the route checks with a note when the project declares no signed-in GET route', async () => {
    const file = join(project.dir, 'authstack.config.json');
    const original = await readFile(file, 'utf8');
    const config = JSON.parse(original) as { routes: Record<string, { access: unknown }> };
    config.routes['GET /notes/{id}']!.access = 'public';
    await writeFile(file, JSON.stringify(config));
    try {
      const r = await dev.run(['smoke']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/- signed-in route\s+the project declares no signed-in GET route to check/);
    } finally {
      await writeFile(file, original);
    }
  });
});
