import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startDev, workspace, type DevProcess } from '../helpers/e2e.js';

const PASSWORD = 'Corr3ct-horse!';
let ws: Awaited<ReturnType<typeof workspace>>;
let dev: DevProcess;
const run = (args: string[], stdin?: string) => cli(args, { cwd: ws.cwd, env: ws.env, stdin });
const unique = (tag: string) => `${tag}+${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

beforeAll(async () => {
  ws = await workspace();
  dev = await startDev(ws);
}, 30_000);

afterAll(async () => {
  const code = await dev?.stop();
  // Ctrl-C is the normal way to stop dev: the interruption (130, as the README's table says), not a crash.
  expect(code).toBe(130);
  await ws?.cleanup();
});

describe('authstack dev, then the walkthrough through the real CLI', () => {
  const email = unique('ada');

  it('records the local target so commands need no flags', async () => {
    const targets = JSON.parse(await readFile(join(ws.cwd, '.authstack', 'targets.json'), 'utf8'));
    expect(targets.current).toBe('local');
    expect(targets.targets.local.apiUrl).toBe(dev.apiUrl);
    expect(targets.targets.local.userPoolId).toMatch(/^local_/);
  });

  it('health answers healthy', async () => {
    const r = await run(['health', '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ healthy: true, status: 200 });
  });

  it('signup creates an unconfirmed user and dev prints the code', async () => {
    const r = await run(['signup', email, '--password-stdin', '--json'], PASSWORD);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ username: email, userConfirmed: false });
    await waitFor(() => new RegExp(`code for ${email.replace(/[+.]/g, '\\$&')}: \\d{6}`).test(dev.output()));
  });

  it('login before confirming is refused with advice', async () => {
    const r = await run(['login', email, '--password-stdin'], PASSWORD);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not confirmed/i);
    expect(r.stderr).toContain(`authstack validate ${email}`);
  });

  it('signing up again before confirming says to validate (or --resend), not to log in', async () => {
    const r = await run(['signup', email, '--password-stdin'], PASSWORD);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `error: ${email} has signed up already and is not confirmed yet. Confirm it with "authstack validate ${email}", or send a new code with "authstack validate ${email} --resend".`,
    );
  });

  it('a wrong code is refused', async () => {
    const r = await run(['validate', email, '000000', '--json']);
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('CodeMismatch');
  });

  it('validate without a code takes it from the local mailbox', async () => {
    const r = await run(['validate', email, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ username: email, status: 'Confirmed', codeSource: 'mailbox' });
  });

  it('a duplicate signup of a confirmed user is a conflict that says to log in', async () => {
    const r = await run(['signup', email, '--password-stdin', '--json'], PASSWORD);
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'UsernameExists', status: 409, confirmed: true });
    expect(r.json().error.message).toContain(`Log in with "authstack login ${email}"`);
  });

  it('a wrong password is refused', async () => {
    const r = await run(['login', email, '--password-stdin'], 'Wrong-passw0rd!');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Incorrect username or password/);
  });

  it('profile without a session says to log in', async () => {
    const r = await run(['profile']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('authstack login');
  });

  it('login keeps the tokens in a 0600 file and never prints them', async () => {
    const r = await run(['login', email, '--password-stdin', '--json'], PASSWORD);
    expect(r.code, r.stderr).toBe(0);
    const store = JSON.parse(await readFile(join(ws.cwd, 'config', 'sessions.json'), 'utf8'));
    const session = Object.values(store.sessions)[0] as { accessToken: string; refreshToken: string };
    expect(session.accessToken.split('.')).toHaveLength(3);
    expect(r.stdout + r.stderr).not.toContain(session.accessToken);
    expect(r.stdout + r.stderr).not.toContain(session.refreshToken);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect((await stat(join(ws.cwd, 'config', 'sessions.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(ws.cwd, 'config'))).mode & 0o777).toBe(0o700);
  });

  it('profile shows the verified user', async () => {
    const r = await run(['profile', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ username: expect.any(String), email, email_verified: true });
  });

  it('token prints the access token, and the API accepts it as a Bearer token', async () => {
    const r = await run(['token']);
    expect(r.code).toBe(0);
    const res = await fetch(`${dev.apiUrl}/user/profile`, { headers: { authorization: `Bearer ${r.stdout.trim()}` } });
    expect(res.status).toBe(200);
    const legacy = await fetch(`${dev.apiUrl}/user/profile`, { method: 'POST', body: JSON.stringify({ access_token: r.stdout.trim() }) });
    expect(legacy.status).toBe(200);
  });

  it('a garbage token is 401 with WWW-Authenticate', async () => {
    const res = await fetch(`${dev.apiUrl}/user/profile`, { headers: { authorization: 'Bearer garbage' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('an expired access token is refreshed with the refresh token', async () => {
    await editSession((s) => ({ ...s, expiresAt: Date.now() - 1000 }));
    const r = await run(['profile', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().email).toBe(email);
  });

  it('a garbage saved token with no refresh token is a clear 401', async () => {
    const saved = await editSession((s) => ({ ...s, accessToken: 'garbage.token.here', refreshToken: undefined, expiresAt: Date.now() + 3_600_000 }));
    const r = await run(['profile']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/401/);
    expect(r.stderr).not.toContain('garbage.token.here');
    await editSession(() => saved);
  });

  it('an expired session with no refresh token says to log in again', async () => {
    const saved = await editSession((s) => ({ ...s, refreshToken: undefined, expiresAt: Date.now() - 1000 }));
    const r = await run(['profile', '--json']);
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('SessionExpired');
    await editSession(() => saved);
  });

  it('logout signs out globally and forgets the session', async () => {
    const token = (await run(['token'])).stdout.trim();
    const r = await run(['logout', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ loggedOut: true, globalSignOut: true });
    const res = await fetch(`${dev.apiUrl}/user/profile`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect((await run(['profile'])).code).toBe(1);
  });

  it("a weak password is refused by the local pool's password policy, before it is sent", async () => {
    const r = await run(['signup', unique('weak'), '--password-stdin', '--json'], 'short');
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'InvalidPassword' });
    expect(r.json().error.message).toMatch(/^The password needs at least 8 characters, an upper-case letter, a digit and a symbol\. The user pool's policy: /);
  });

  it('an invalid email is refused before any request', async () => {
    const r = await run(['signup', 'not-an-email', '--password-stdin'], PASSWORD);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a valid email');
  });

  it('the API itself refuses an invalid email with 400 naming the field', async () => {
    const res = await fetch(`${dev.apiUrl}/user`, { method: 'POST', body: JSON.stringify({ username: 'nope', password: PASSWORD }) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('username');
  });

  it('resend delivers a new code', async () => {
    const other = unique('resend');
    expect((await run(['signup', other, '--password-stdin'], PASSWORD)).code).toBe(0);
    const r = await run(['validate', other, '--resend', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((await run(['validate', other])).code).toBe(0);
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function editSession(change: (s: Record<string, unknown>) => Record<string, unknown>): Promise<Record<string, unknown>> {
  const path = join(ws.cwd, 'config', 'sessions.json');
  const store = JSON.parse(await readFile(path, 'utf8'));
  const key = Object.keys(store.sessions)[0]!;
  const before = store.sessions[key];
  store.sessions[key] = change(before);
  await writeFile(path, JSON.stringify(store));
  return before;
}
