/**
 * `authstack users …` against `authstack dev --groups admin,editor`, in-process: one local stack for the file; the
 * tests run in order, each building on the users the previous ones made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { tempDir } from '../helpers/run-cli.js';
import { join } from 'node:path';
import { readMailbox } from '../../src/local/mailbox.js';

const PASSWORD = 'Corr3ct-horse!';
let tmp: Awaited<ReturnType<typeof tempDir>>;
let dev: DevInProcess;
const run = (args: string[], stdin?: string) => dev.run(args, { stdin });

beforeAll(async () => {
  tmp = await tempDir();
  dev = await startDevInProcess(tmp.dir, ['--groups', 'admin,editor']);
});

afterAll(async () => {
  await dev?.stop();
  await tmp?.cleanup();
});

describe('authstack users against authstack dev', () => {
  const ada = `ada.x@example.com`;
  const bob = `bob.x@example.com`;

  it('create with a password makes a confirmed user in the given group, who can log in and whose tokens carry the group', async () => {
    const r = await run(['users', 'create', ada, '--password-stdin', '--group', 'admin', '--attribute', 'name=Ada', '--json'], PASSWORD);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ email: ada, status: 'CONFIRMED', enabled: true, groups: ['admin'] });
    expect((await run(['login', ada, '--password-stdin'], PASSWORD)).code).toBe(0);
    const who = await run(['whoami', '--json']);
    expect(who.json().groups).toEqual(['admin']);
    const profile = await run(['profile', '--json']);
    expect(profile.code, profile.stderr).toBe(0);
    expect(profile.json().groups).toEqual(['admin']);
  });

  it('create without a password sends an invitation and leaves the user to change it', async () => {
    const r = await run(['users', 'create', bob, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ email: bob, status: 'FORCE_CHANGE_PASSWORD' });
  });

  it('an invited user (create without a password) logs in with the temporary password and sets a new one: the second line of --password-stdin', async () => {
    const invited = 'invited.x@example.com';
    expect((await run(['users', 'create', invited, '--json'])).code).toBe(0);
    const invitation = (await readMailbox(join(tmp.dir, '.authstack', 'local'))).filter((m) => m.to === invited && m.kind === 'admin-create').at(-1);
    expect(invitation).toBeDefined();
    const oneLine = await run(['login', invited, '--password-stdin'], invitation!.code);
    expect(oneLine.code).toBe(2);
    expect(oneLine.stderr).toContain('must set a new password');
    const weak = await run(['login', invited, '--password-stdin'], `${invitation!.code}\nweak`);
    expect(weak.code).toBe(2);
    const r = await run(['login', invited, '--password-stdin', '--json'], `${invitation!.code}\nN3w-${PASSWORD}`);
    expect(r.code, r.stderr).toBe(0);
    expect((await run(['users', 'show', invited, '--json'])).json()).toMatchObject({ status: 'CONFIRMED' });
    // The new password is the user's from now on; the temporary one no longer signs in.
    expect((await run(['login', invited, '--password-stdin'], `N3w-${PASSWORD}`)).code).toBe(0);
    expect((await run(['login', invited, '--password-stdin'], invitation!.code)).code).toBe(1);
    // The later tests count the pool's users.
    expect((await run(['users', 'delete', invited, '--yes'])).code).toBe(0);
  });

  it('create refuses an address that exists and a weak password', async () => {
    const dup = await run(['users', 'create', ada, '--password-stdin', '--json'], PASSWORD);
    expect(dup.code).toBe(1);
    expect(dup.json().error.code).toBe('UsernameExists');
    const weak = await run(['users', 'create', 'weak.x@example.com', '--password-stdin', '--json'], 'weak');
    expect(weak.code).toBe(2);
    expect(weak.json().error.code).toBe('InvalidPassword');
    expect((await run(['users', 'show', 'weak.x@example.com', '--json'])).json().error.code).toBe('UserNotFound');
  });

  it("list shows every user, filters with Cognito's filter syntax and pages with --limit", async () => {
    const all = await run(['users', 'list', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(
      all
        .json()
        .users.map((u: { email: string }) => u.email)
        .sort(),
    ).toEqual([ada, bob].sort());
    const filtered = await run(['users', 'list', '--filter', `email ^= "ada.x"`, '--json']);
    expect(filtered.json().users.map((u: { email: string }) => u.email)).toEqual([ada]);
    const first = await run(['users', 'list', '--limit', '1', '--json']);
    expect(first.json().users).toHaveLength(1);
    const rest = await run(['users', 'list', '--next-token', first.json().nextToken, '--json']);
    expect(rest.json().users).toHaveLength(1);
    expect(rest.json().users[0].email).not.toBe(first.json().users[0].email);
    const text = await run(['users', 'list']);
    expect(text.stdout).toMatch(/EMAIL\s+STATUS/);
  });

  it('show gives the status, attributes and groups; an unknown user is a clear error', async () => {
    const r = await run(['users', 'show', ada, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ email: ada, status: 'CONFIRMED', groups: ['admin'], attributes: { name: 'Ada', email_verified: 'true' } });
    const missing = await run(['users', 'show', `nobody.x@example.com`, '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json().error.code).toBe('UserNotFound');
  });

  it('groups add, list and remove; an undeclared group is refused', async () => {
    expect((await run(['users', 'groups', 'add', ada, 'editor'])).code).toBe(0);
    expect((await run(['users', 'groups', 'list', ada, '--json'])).json().groups.sort()).toEqual(['admin', 'editor']);
    expect((await run(['users', 'groups', 'list', '--json'])).json().groups.sort()).toEqual(['admin', 'editor']);
    expect((await run(['users', 'groups', 'remove', ada, 'editor'])).code).toBe(0);
    expect((await run(['users', 'groups', 'list', ada, '--json'])).json().groups).toEqual(['admin']);
    const unknown = await run(['users', 'groups', 'add', ada, 'nope', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json().error).toMatchObject({ code: 'GroupNotFound', message: expect.stringMatching(/^No group nope in the user pool\./) });
  });

  it('disable stops logins, enable lets them in again', async () => {
    expect((await run(['users', 'disable', ada, '--json'])).json()).toEqual({ username: ada, disabled: true });
    expect((await run(['users', 'show', ada, '--json'])).json().enabled).toBe(false);
    expect((await run(['login', ada, '--password-stdin'], PASSWORD)).code).toBe(1);
    expect((await run(['users', 'enable', ada])).code).toBe(0);
    expect((await run(['login', ada, '--password-stdin'], PASSWORD)).code).toBe(0);
  });

  it("sign-out revokes the user's tokens everywhere", async () => {
    expect((await run(['profile'])).code).toBe(0);
    expect((await run(['users', 'sign-out', ada])).code).toBe(0);
    const r = await run(['profile', '--json']);
    expect(r.code).toBe(1);
  });

  it('reset-password forces a new password, set with the mailed code', async () => {
    expect((await run(['users', 'reset-password', ada])).code).toBe(0);
    const login = await run(['login', ada, '--password-stdin', '--json'], PASSWORD);
    expect(login.code).toBe(1);
    expect(login.json().error.code).toBe('PasswordResetRequired');
    const reset = await run(['password', 'reset', ada, '--password-stdin'], 'An0ther-password!');
    expect(reset.code, reset.stderr).toBe(0);
    expect((await run(['login', ada, '--password-stdin'], 'An0ther-password!')).code).toBe(0);
  });

  it('confirm confirms a signed-up user without the code', async () => {
    const carol = `carol.x@example.com`;
    expect((await run(['signup', carol, '--password-stdin'], PASSWORD)).code).toBe(0);
    expect((await run(['users', 'confirm', carol])).code).toBe(0);
    expect((await run(['users', 'show', carol, '--json'])).json().status).toBe('CONFIRMED');
  });

  it('delete asks, refuses without a terminal, deletes with --yes, and a user who does not exist is an error', async () => {
    const refused = await run(['users', 'delete', bob, '--json']);
    expect(refused.code).toBe(4);
    expect((await run(['users', 'delete', bob, '--yes', '--json'])).json()).toEqual({ username: bob, deleted: true });
    const again = await run(['users', 'delete', bob, '--yes', '--json']);
    expect(again.code).toBe(1);
    expect(again.json().error.code).toBe('UserNotFound');
  });
});
