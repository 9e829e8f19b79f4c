import { createServer, type Server } from 'node:http';
import { Chalk } from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';
import { profileText } from '../../../src/commands/profile.js';
import { userLines } from '../../../src/commands/users.js';
import { smokeRow } from '../../../src/commands/smoke.js';
import { startGateway } from '../../../src/local/gateway.js';
import { inProcessFunctions } from '../../helpers/in-process-functions.js';
import type { GatewayRequestLog } from '../../../src/local/gateway.js';
import type { ProxyHandler } from '../../../src/lambda/types.js';

const plain = new Chalk({ level: 0 });
let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: Server;
let url = '';

beforeAll(async () => {
  tmp = await tempDir();
  // Answers as the API does when Cognito refuses: a confirmed user cannot be confirmed again, an address is taken.
  server = createServer((req, res) => {
    if (req.url === '/user/validate') {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"error":{"code":"NotAuthorized","message":"User cannot be confirmed. Current status is CONFIRMED"}}');
    } else {
      res
        .writeHead(409, { 'content-type': 'application/json' })
        .end('{"error":{"code":"UsernameExists","message":"An account with the given email already exists."}}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await tmp.cleanup();
});

describe('small things that add up', () => {
  it('no groups is no groups line (profile, users show); groups are listed comma-separated', () => {
    const base = { username: 'u-1', sub: 'u-1', email: 'ada@example.com', email_verified: true, attributes: {} };
    expect(profileText({ ...base, groups: [] }, plain)).not.toMatch(/^groups/m);
    expect(profileText({ ...base, groups: ['admin', 'editor'] }, plain)).toMatch(/^groups\s+admin, editor$/m);
    const user = { username: 'u-1', email: 'ada@example.com', status: 'CONFIRMED', enabled: true, groups: [], attributes: { email: 'ada@example.com' } };
    expect(userLines(user)).not.toMatch(/^groups/m);
    expect(userLines({ ...user, groups: ['admin'] })).toMatch(/^groups\s+admin$/m);
  });

  it("profile shows the email first with the sub beside it, and Cognito's username (a UUID) after", () => {
    const text = profileText(
      {
        username: '1b2c3d4e-0000-4000-8000-000000000000',
        sub: '1b2c3d4e-0000-4000-8000-000000000000',
        email: 'ada@example.com',
        email_verified: true,
        groups: [],
        attributes: { name: 'Ada' },
      },
      plain,
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('ada@example.com  (sub 1b2c3d4e-0000-4000-8000-000000000000)');
    expect(lines[1]).toMatch(/^username\s+1b2c3d4e-/);
    expect(text).toMatch(/\n {2}name\s+Ada/);
  });

  it('validate of an already-confirmed user says so and succeeds (exit 0), also in --json', async () => {
    const r = await runCli(['validate', 'ada@example.com', '123456', '--api-url', url], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('✔ ada@example.com is already confirmed. Log in: authstack login ada@example.com');
    const j = await runCli(['validate', 'ada@example.com', '123456', '--api-url', url, '--json'], { cwd: tmp.dir });
    expect(j.json()).toEqual({ username: 'ada@example.com', status: 'AlreadyConfirmed' });
  });

  it('a duplicate signup whose confirmation cannot be told (no Cognito known) names both next steps, validate first (exit 1)', async () => {
    const r = await runCli(['signup', 'ada@example.com', '--api-url', url, '--password-stdin'], { cwd: tmp.dir, stdin: 'Str0ng-pass!' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: ada@example.com already has an account. If it is not confirmed yet, confirm it with "authstack validate ada@example.com" with the emailed code, or send a new code with "authstack validate ada@example.com --resend"; otherwise log in with "authstack login ada@example.com", or set a new password with "authstack password forgot ada@example.com".',
    );
  });

  it("the local gateway's request log says why the API refused a request: its error code", async () => {
    const log: GatewayRequestLog[] = [];
    const handler = (async () => ({
      statusCode: 409,
      body: JSON.stringify({ error: { code: 'UsernameExists', message: 'taken' } }),
    })) as unknown as ProxyHandler;
    const gateway = await startGateway({ port: 0, stage: 'local', ...inProcessFunctions(handler), onRequest: (entry) => log.push(entry) });
    try {
      await (await fetch(`${gateway.url}/user`, { method: 'POST', body: '{}' })).text();
      expect(log).toEqual([expect.objectContaining({ method: 'POST', path: '/user', status: 409, errorCode: 'UsernameExists' })]);
    } finally {
      await gateway.close();
    }
  });

  it("smoke's skipped rows keep the columns of the others: the reason starts where a failure's does", () => {
    const failed = smokeRow({ name: 'login', status: 'failed', ms: 1234, message: 'wrong password' }, plain);
    const skipped = smokeRow({ name: 'profile', status: 'skipped', ms: 0, message: 'an earlier step failed' }, plain);
    const passed = smokeRow({ name: 'health', status: 'passed', ms: 5 }, plain);
    expect(skipped.indexOf('an earlier step failed')).toBe(failed.indexOf('wrong password'));
    expect(passed.indexOf('5 ms')).toBe(failed.indexOf('1234 ms'));
  });
});
