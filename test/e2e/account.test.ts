/**
 * The self-service commands (password forgot/reset/change, account delete, whoami) against `authstack dev`, run
 * in-process: one local stack for the file, the users made with the admin API.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../helpers/local-cognito.js';
import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { runCli, tempDir } from '../helpers/run-cli.js';
import type { AwsFactory } from '../../src/core/aws.js';

const PASSWORD = 'Corr3ct-horse!';
const NEW_PASSWORD = 'N3w-battery-staple!';
let tmp: Awaited<ReturnType<typeof tempDir>>;
let dev: DevInProcess;
let admin: CognitoIdentityProviderClient;
let n = 0;
const run = (args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}) => dev.run(args, { stdin, env });
const unique = (tag: string) => `${tag}.${++n}@example.com`;

/** A confirmed user, made with the admin API (signup and validate have their own tests). */
async function confirmedUser(tag: string): Promise<string> {
  const email = unique(tag);
  const UserPoolId = dev.target.userPoolId;
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await admin.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: PASSWORD, Permanent: true }));
  return email;
}

beforeAll(async () => {
  tmp = await tempDir();
  dev = await startDevInProcess(tmp.dir);
  admin = clientFor({ endpoint: dev.target.cognitoEndpoint!, region: dev.target.region });
});

afterAll(async () => {
  admin?.destroy();
  await dev?.stop();
  await tmp?.cleanup();
});

describe('password forgot and reset against authstack dev', () => {
  it('forgot sends a code to the mailbox and says so without claiming the account exists', async () => {
    const email = await confirmedUser('forgot');
    const r = await run(['password', 'forgot', email, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ username: email, note: 'if the account exists, a code was sent' });
    const text = await run(['password', 'forgot', email]);
    expect(text.stderr + text.stdout).toMatch(/If the account exists, a code was sent/);
  });

  it('forgot for an unknown address answers like a known one', async () => {
    const r = await run(['password', 'forgot', unique('nobody'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().note).toBe('if the account exists, a code was sent');
  });

  it('reset with a wrong code is refused and the old password still works', async () => {
    const email = await confirmedUser('wrongcode');
    expect((await run(['password', 'forgot', email])).code).toBe(0);
    const r = await run(['password', 'reset', email, '000000', '--password-stdin', '--json'], NEW_PASSWORD);
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('CodeMismatch');
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(0);
  });

  it('reset refuses a weak new password before it is sent, naming the rules it breaks', async () => {
    const email = await confirmedUser('weak');
    expect((await run(['password', 'forgot', email])).code).toBe(0);
    const r = await run(['password', 'reset', email, '--password-stdin', '--json'], 'weak');
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'InvalidPassword', message: expect.stringMatching(/^The password /) });
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(0);
  });

  it('reset takes the code from the local mailbox and the new password logs in, the old one not', async () => {
    const email = await confirmedUser('reset');
    expect((await run(['password', 'forgot', email])).code).toBe(0);
    const r = await run(['password', 'reset', email, '--json'], undefined, { AUTHSTACK_PASSWORD: NEW_PASSWORD });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ username: email, passwordReset: true, codeSource: 'mailbox' });
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(1);
    expect((await run(['login', email, '--password-stdin'], NEW_PASSWORD)).code).toBe(0);
  });

  it('reset on a terminal shows the policy, asks for the new password twice, and again when the two differ', async () => {
    const email = await confirmedUser('prompt');
    expect((await run(['password', 'forgot', email])).code).toBe(0);
    const r = await dev.run(['password', 'reset', email], {
      answers: { 'New password (again)': ['Something-else-1!', NEW_PASSWORD], 'New password': NEW_PASSWORD },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('password policy');
    expect((await run(['login', email, '--password-stdin'], NEW_PASSWORD)).code).toBe(0);
  });

  it('reset without a code sent says to ask for one', async () => {
    const email = await confirmedUser('nocode');
    const r = await run(['password', 'reset', email, '--password-stdin', '--json'], NEW_PASSWORD);
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'NoCode' });
    expect(r.json().error.message).toContain(`authstack password forgot ${email}`);
  });
});

describe('password change, whoami and account delete against authstack dev', () => {
  it('whoami without a session says to log in', async () => {
    const r = await runCli(['whoami', '--json'], { cwd: dev.dir, env: { AUTHSTACK_CONFIG_DIR: `${dev.dir}/no-sessions` } });
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('NoSession');
  });

  it('change refuses a wrong current password and a weak new one, accepts the right ones, and whoami names the user offline', async () => {
    const email = await confirmedUser('change');
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(0);
    const wrong = await run(['password', 'change', '--password-stdin', '--json'], `Not-the-0ne!\n${NEW_PASSWORD}`);
    expect(wrong.code).toBe(1);
    expect(wrong.json().error.code).toBe('NotAuthorized');
    const weak = await run(['password', 'change', '--password-stdin', '--json'], `${PASSWORD}\nweak`);
    expect(weak.code).toBe(2);
    expect(weak.json().error.code).toBe('InvalidPassword');
    const r = await run(['password', 'change', '--password-stdin', '--json'], `${PASSWORD}\n${NEW_PASSWORD}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ username: email, passwordChanged: true });
    expect((await run(['login', email, '--password-stdin'], NEW_PASSWORD)).code).toBe(0);

    // whoami reads the saved tokens only: it answers with every AWS client (Cognito's included) failing.
    const offline = new Proxy(
      {},
      {
        get: () => () => {
          throw new Error('no network in this test');
        },
      },
    ) as AwsFactory;
    const who = await dev.run(['whoami', '--json'], { aws: offline });
    expect(who.code, who.stderr).toBe(0);
    expect(who.json()).toMatchObject({ username: email, email, target: 'local', kind: 'local', expired: false, refreshable: true, groups: [] });
  });

  it('on a terminal, change checks the current password before it asks for the new one', async () => {
    const email = await confirmedUser('change-first');
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(0);
    // Only the current password is scripted: a "New password" prompt would fail the run as unexpected.
    const wrong = await dev.run(['password', 'change'], { answers: { 'Current password': 'Not-the-0ne!' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n').at(-1)).toBe(
      'error: The current password is wrong; nothing was changed. Run authstack password change again, or authstack password forgot.',
    );
    const right = await dev.run(['password', 'change'], {
      answers: { 'Current password': PASSWORD, 'New password (again)': NEW_PASSWORD, 'New password': NEW_PASSWORD },
    });
    expect(right.code, right.stderr).toBe(0);
  });

  it('account delete refuses without --yes when nobody can answer, then deletes with it', async () => {
    const email = await confirmedUser('delete');
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(0);
    const refused = await run(['account', 'delete', '--json']);
    expect(refused.code).toBe(4);
    expect(refused.json().error.code).toBe('NeedsConfirmation');
    const r = await run(['account', 'delete', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ username: email, deleted: true });
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(1);
    expect((await run(['whoami'])).code).toBe(1);
  });
});
