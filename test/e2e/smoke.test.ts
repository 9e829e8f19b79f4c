import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startDev, workspace, type DevProcess } from '../helpers/e2e.js';

let ws: Awaited<ReturnType<typeof workspace>>;
let dev: DevProcess;
let broken: Server;
let brokenUrl: string;
let pool: { id: string; endpoint: string };
const run = (args: string[]) => cli(args, { cwd: ws.cwd, env: ws.env, timeoutMs: 30_000 });

beforeAll(async () => {
  ws = await workspace();
  dev = await startDev(ws);
  const targets = JSON.parse(await readFile(join(ws.cwd, '.authstack', 'targets.json'), 'utf8'));
  pool = { id: targets.targets.local.userPoolId, endpoint: targets.targets.local.cognitoEndpoint };
  // A deliberately broken API: everything answers 500.
  broken = createServer((_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal server error"}'));
  await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
  brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
}, 30_000);

afterAll(async () => {
  await new Promise((r) => broken?.close(r));
  await dev?.stop();
  await ws?.cleanup();
});

/** The smoke users still in the local pool: a smoke run must leave none behind, whatever failed. */
async function smokeUsersLeft(): Promise<string[]> {
  const client = new CognitoIdentityProviderClient({ endpoint: pool.endpoint, region: 'local', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const out = await client.send(new ListUsersCommand({ UserPoolId: pool.id }));
  return (out.Users ?? []).flatMap((u) => (u.Attributes ?? []).filter((a) => a.Name === 'email' && a.Value?.startsWith('smoke+')).map((a) => a.Value!));
}

describe('authstack smoke', () => {
  it('passes every check against authstack dev and writes a JUnit report', async () => {
    const r = await run(['smoke', '--junit', 'smoke.xml', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report.ok).toBe(true);
    expect(report.steps.map((s: { name: string }) => s.name)).toEqual([
      'health',
      'signup',
      'confirm',
      'login',
      'profile',
      'profile without a token is refused',
      'profile with a tampered token is refused',
      // This workspace declares no routes of its own: the checks of a signed-in route are skipped, with a note.
      'signed-in route',
      // Pictures are off here: skipped, with a note (test/e2e/pictures.test.ts runs them).
      'picture',
      'wrong password is refused',
      'cleanup',
    ]);
    for (const step of report.steps) {
      expect(step.status).toBe(step.name === 'signed-in route' || step.name === 'picture' ? 'skipped' : 'passed');
      expect(step.ms).toEqual(expect.any(Number));
    }
    const xml = await readFile(join(ws.cwd, 'smoke.xml'), 'utf8');
    expect(xml).toContain('tests="11" failures="0" skipped="2"');
    expect(xml.match(/<testcase /g)).toHaveLength(11);
    expect(await smokeUsersLeft()).toEqual([]);
  });

  it('prints a line per check with its time', async () => {
    const r = await run(['smoke']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✔ health\s+\d+ ms/);
    expect(r.stderr).toMatch(/✔ cleanup\s+\d+ ms/);
    expect(r.stdout).toMatch(/smoke passed: 9 checks in \d+ ms/);
  });

  it('fails at login against a wrong client id, names the step, and leaves no user behind', async () => {
    const r = await run(['smoke', '--user-pool-client-id', 'wrongclientid', '--junit', 'broken.xml', '--json']);
    expect(r.code).toBe(1);
    const report = r.json();
    expect(report.ok).toBe(false);
    expect(report.failedStep).toBe('login');
    expect(report.steps.find((s: { name: string }) => s.name === 'cleanup').status).toBe('passed');
    expect(report.steps.find((s: { name: string }) => s.name === 'profile').status).toBe('skipped');
    const xml = await readFile(join(ws.cwd, 'broken.xml'), 'utf8');
    expect(xml).toContain('failures="1"');
    expect(xml).toMatch(/<testcase [^>]*name="login"[^>]*>\s*<failure /);
    expect(await smokeUsersLeft()).toEqual([]);
  });

  it('fails at health against an API that answers 500, naming the step in one line', async () => {
    const r = await run(['smoke', '--api-url', brokenUrl]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✘ health/);
    expect(r.stderr).toContain('error: Smoke failed at step "health": expected HTTP 200, got 500');
    expect(await smokeUsersLeft()).toEqual([]);
  });
});
