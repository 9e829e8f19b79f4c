/**
 * `authstack mfa setup|verify|status|disable` and `login` answering SOFTWARE_TOKEN_MFA and MFA_SETUP, run in-process
 * against local Cognitos (MFA optional, MFA required) on a clock the tests move. The codes are computed from the
 * secret the command printed, as an authenticator app would from the QR code.
 */
import { AdminConfirmSignUpCommand, type CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildStackModel, type MfaSetting } from '../../../src/core/stack-model.js';
import { TOTP_PERIOD_SECONDS, totpCode } from '../../../src/core/totp.js';
import { AUTH_SESSION_TTL_MS } from '../../../src/local/cognito/auth-sessions.js';
import { localClient, localPool, startLocalCognito, type LocalCognito } from '../../../src/local/cognito.js';
import { ProjectState } from '../../../src/core/targets.js';
import { clientFor } from '../../helpers/local-cognito.js';
import { tempDir } from '../../helpers/local-temp.js';
import { runCli, type Answers } from '../../helpers/run-cli.js';

const PASSWORD = 'Corr3ct-Horse!';
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;

let now = Date.parse('2026-01-01T00:00:10Z');
const clock = { get: () => new Date(now) };

interface Pool {
  cognito: LocalCognito;
  client: CognitoIdentityProviderClient;
  /** The project folder whose recorded local target is this pool (as `authstack dev` records it). */
  cwd: string;
}
const pools: Partial<Record<MfaSetting, Pool>> = {};
let dir: Awaited<ReturnType<typeof tempDir>>;

async function start(mfa: MfaSetting): Promise<Pool> {
  const model = buildStackModel({ mfa });
  const cwd = join(dir.path, mfa);
  const cognito = await startLocalCognito({
    port: 0,
    dataDir: join(cwd, '.authstack', 'local'),
    clock,
    settings: { pool: localPool(model), client: localClient(model) },
  });
  await new ProjectState(cwd).saveTarget({
    name: 'local',
    kind: 'local',
    apiUrl: 'http://127.0.0.1:9',
    region: cognito.region,
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    cognitoEndpoint: cognito.endpoint,
    localDataDir: join(cwd, '.authstack', 'local'),
  });
  return { cognito, client: clientFor(cognito), cwd };
}

beforeAll(async () => {
  dir = await tempDir();
  pools.optional = await start('optional');
  pools.required = await start('required');
});

afterAll(async () => {
  for (const pool of Object.values(pools)) {
    pool.client.destroy();
    await pool.cognito.close();
  }
  await dir?.remove();
});

let counter = 0;
async function confirmedUser(pool: Pool): Promise<string> {
  const email = `cli-mfa${++counter}@example.com`;
  await pool.client.send(new SignUpCommand({ ClientId: pool.cognito.clientId, Username: email, Password: PASSWORD }));
  await pool.client.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.cognito.userPoolId, Username: email }));
  return email;
}

/** The secret a run printed, as an app would read it. */
const secretIn = (text: string): string => (text.match(/secret: ([A-Z2-7 ]+)\n/)?.[1] ?? '').replaceAll(' ', '');

/** One folder per user for the session store, so the runs of one user share their session. */
function userCli(pool: Pool) {
  const config = `${dir.path}/config-${++counter}`;
  return (argv: string[], opts: { stdin?: string; answers?: (printed: () => string) => Answers } = {}) => {
    let printed = '';
    return runCli(argv, {
      cwd: pool.cwd,
      env: { AUTHSTACK_PASSWORD: PASSWORD, AUTHSTACK_CONFIG_DIR: config },
      stdin: opts.stdin,
      answers: opts.answers?.(() => printed),
      onOutput: (s) => (printed += s),
    });
  };
}

/** A signed-in user with TOTP set up through `mfa setup` at a terminal; the secret. */
async function userWithTotp(pool: Pool) {
  const email = await confirmedUser(pool);
  const run = userCli(pool);
  expect((await run(['login', email])).code).toBe(0);
  const setup = await run(['mfa', 'setup'], { answers: (printed) => ({ 'Code the app shows': () => totpCode(secretIn(printed()), now) }) });
  expect(setup.code, setup.stderr).toBe(0);
  now += STEP_MS;
  return { email, run, secret: secretIn(setup.stdout), setup };
}

describe('authstack mfa', () => {
  it('setup at a terminal renders a QR code, shows the secret and the otpauth URI, takes the first code and turns TOTP on', async () => {
    const { email, run, secret, setup } = await userWithTotp(pools.optional!);
    expect(setup.stdout).toMatch(/[█▀▄]{10}/);
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
    expect(setup.stdout).toContain('otpauth://totp/');
    expect(setup.stdout).toContain(`secret=${secret}`);
    expect(setup.stdout).toContain('Two-factor sign-in is on');
    const status = await run(['mfa', 'status', '--json']);
    expect(status.json()).toEqual({ username: email, totp: 'on', preferred: 'SOFTWARE_TOKEN_MFA' });
  });

  it('setup without a terminal (--json) prints the secret and URI and stops; mfa verify <code> completes it', async () => {
    const email = await confirmedUser(pools.optional!);
    const run = userCli(pools.optional!);
    await run(['login', email]);
    const setup = await run(['mfa', 'setup', '--json']);
    expect(setup.code, setup.stderr).toBe(0);
    const doc = setup.json();
    expect(doc).toMatchObject({
      username: email,
      totp: 'pending',
      secret: expect.stringMatching(/^[A-Z2-7]{52}$/),
      uri: expect.stringMatching(/^otpauth:\/\/totp\//),
    });
    expect((await run(['mfa', 'status', '--json'])).json().totp).toBe('off');
    const wrong = await run(['mfa', 'verify', '000000']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Cognito refused the code');
    const verify = await run(['mfa', 'verify', totpCode(doc.secret, now), '--json']);
    expect(verify.json()).toEqual({ username: email, totp: 'on' });
  });

  it('disable asks first (refused without a terminal), then turns TOTP off: login takes the password alone', async () => {
    const { email, run } = await userWithTotp(pools.optional!);
    const refused = await run(['mfa', 'disable']);
    expect(refused.code).toBe(4);
    expect((await run(['mfa', 'disable', '--yes', '--json'])).json()).toEqual({ username: email, totp: 'off' });
    expect((await run(['login', email])).code).toBe(0);
  });

  it('setup on a pool without MFA says so in one line', async () => {
    // The optional pool's user, pointed at a pool with MFA off.
    const off = await start('off');
    try {
      const email = await confirmedUser(off);
      const run = userCli(off);
      await run(['login', email]);
      const r = await run(['mfa', 'setup']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('does not offer two-factor sign-in');
    } finally {
      off.client.destroy();
      await off.cognito.close();
    }
  });
});

describe('authstack login with TOTP on', () => {
  it('reads the code from stdin (--mfa-code -) and signs in', async () => {
    const { email, run, secret } = await userWithTotp(pools.optional!);
    const r = await run(['login', email, '--mfa-code', '-', '--json'], { stdin: `${totpCode(secret, now)}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().username).toBe(email);
  });

  it('a wrong --mfa-code stops with one clear line (a script is not re-asked)', async () => {
    const { email, run } = await userWithTotp(pools.optional!);
    const r = await run(['login', email, '--mfa-code', '000000']);
    expect(r.code).toBe(1);
    // The first line after the one naming the target is the error.
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('target: '))[0],
    ).toContain('Cognito refused the code: Invalid code or auth state for the user.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('without a code and without a terminal, names the flag', async () => {
    const { email, run } = await userWithTotp(pools.optional!);
    const r = await run(['login', email]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--mfa-code');
  });

  it('at a terminal a wrong code is re-asked, and the right one signs in', async () => {
    const { email, run, secret } = await userWithTotp(pools.optional!);
    const r = await run(['login', email], { answers: () => ({ 'authenticator app': ['000000', totpCode(secret, now)] }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Try again with the current code');
  });

  it('three wrong codes stop the sign-in', async () => {
    const { email, run } = await userWithTotp(pools.optional!);
    const r = await run(['login', email], { answers: () => ({ 'authenticator app': ['000000', '000001', '000002'] }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('3 codes refused');
  });

  it('an answer after the session expired (3 minutes) says so and how to start again', async () => {
    const { email, run, secret } = await userWithTotp(pools.optional!);
    const late = () => {
      now += AUTH_SESSION_TTL_MS + 1000;
      return totpCode(secret, now);
    };
    const r = await run(['login', email], { answers: () => ({ 'authenticator app': late }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expired');
    expect(r.stderr).toContain(`authstack login ${email}`);
  });
});

describe('authstack users mfa reset', () => {
  it("shows the user's MFA in users show, turns it off after asking (--yes for scripts), and login then takes the password alone", async () => {
    const { email, run } = await userWithTotp(pools.optional!);
    expect((await run(['users', 'show', email, '--json'])).json().mfa).toBe('totp');
    expect((await run(['users', 'show', email])).stdout).toMatch(/mfa\s+authenticator app \(TOTP\)/);
    const mfaListed = async () => (await run(['users', 'list', '--json'])).json().users.find((u: { email?: string }) => u.email === email)?.mfa;
    expect(await mfaListed()).toBe('totp');
    expect((await run(['users', 'list'])).stdout).toMatch(new RegExp(`${email.replaceAll('.', '\\.')}\\s+CONFIRMED\\s+enabled\\s+totp`));
    expect((await run(['users', 'mfa', 'reset', email])).code).toBe(4);
    const reset = await run(['users', 'mfa', 'reset', email, '--yes', '--json']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.json()).toEqual({ username: email, totp: 'off' });
    expect((await run(['users', 'show', email, '--json'])).json().mfa).toBe('off');
    expect(await mfaListed()).toBe('off');
    expect((await run(['login', email])).code).toBe(0);
  });

  it('where MFA is required, the reset user sets a new app up at the next login', async () => {
    const email = await confirmedUser(pools.required!);
    const run = userCli(pools.required!);
    expect((await run(['login', email], { answers: (printed) => ({ 'First code': () => totpCode(secretIn(printed()), now) }) })).code).toBe(0);
    expect((await run(['users', 'mfa', 'reset', email, '--yes'])).code).toBe(0);
    now += STEP_MS;
    const again = await run(['login', email], { answers: (printed) => ({ 'First code': () => totpCode(secretIn(printed()), now) }) });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('set up an authenticator app');
  });
});

describe('authstack login where the pool requires MFA', () => {
  it('sets TOTP up inline (MFA_SETUP with the challenge session): QR code, first code, signed in; next login asks the code', async () => {
    const email = await confirmedUser(pools.required!);
    const run = userCli(pools.required!);
    const first = await run(['login', email], { answers: (printed) => ({ 'First code': () => totpCode(secretIn(printed()), now) }) });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('requires two-factor sign-in');
    expect(first.stderr).toMatch(/[█▀▄]{10}/);
    const secret = secretIn(first.stderr);
    now += STEP_MS;
    const second = await run(['login', email, '--mfa-code', totpCode(secret, now)]);
    expect(second.code, second.stderr).toBe(0);
  });

  it('without a terminal, says the user must set it up at one', async () => {
    const email = await confirmedUser(pools.required!);
    const r = await userCli(pools.required!)(['login', email]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has not set it up yet');
  });
});
