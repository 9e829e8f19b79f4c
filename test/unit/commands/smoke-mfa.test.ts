/**
 * `authstack smoke` on a local stack whose pool requires MFA (`dev --mfa required`): the run's own user is asked to
 * set TOTP up at sign-in (MFA_SETUP) and does, with a secret only the run knows and a code computed from it, so
 * every step passes and the user is cleaned up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDevInProcess, type DevInProcess } from '../../helpers/dev-in-process.js';
import { tempDir } from '../../helpers/run-cli.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let dev: DevInProcess;

beforeAll(async () => {
  tmp = await tempDir();
  dev = await startDevInProcess(tmp.dir, ['--mfa', 'required', '--no-console']);
}, 60_000);

afterAll(async () => {
  await dev?.stop();
  await tmp?.cleanup();
});

describe('smoke where MFA is required', () => {
  it('passes every step, setting TOTP up for its own user, and leaves no user behind', async () => {
    const r = await dev.run(['smoke', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.ok).toBe(true);
    expect(doc.steps.map((s: { name: string; status: string }) => `${s.name}: ${s.status}`)).toContain('login: passed');
    // Every step passes; the project declares no route of its own, so the signed-in route check is skipped.
    expect(doc.steps.filter((s: { status: string }) => s.status !== 'passed').map((s: { name: string; status: string }) => `${s.name}: ${s.status}`)).toEqual([
      'signed-in route: skipped',
      'picture: skipped',
    ]);
    const users = await dev.run(['users', 'list', '--json']);
    expect(users.json().users).toEqual([]);
  });

  it('runs a pool that really requires MFA: another new user is asked to set it up at login', async () => {
    const email = 'someone@example.com';
    expect((await dev.run(['users', 'create', email, '--password-stdin'], { stdin: 'Corr3ct-Horse!' })).code).toBe(0);
    const login = await dev.run(['login', email], { env: { AUTHSTACK_PASSWORD: 'Corr3ct-Horse!', AUTHSTACK_CONFIG_DIR: `${tmp.dir}/config` } });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('requires two-factor sign-in and this user has not set it up yet');
  });
});
