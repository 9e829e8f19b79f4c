/**
 * `authstack login` against the local Cognito, in-process, with every Cognito request the CLI sends recorded: SRP
 * by default (the password never leaves the machine), USER_PASSWORD_AUTH on request, and refresh after either.
 */
import { ConfirmSignUpCommand, CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsFactory } from '../../../src/aws/factory.js';
import type { AwsFactory } from '../../../src/core/aws.js';
import { ProjectState } from '../../../src/core/targets.js';
import { startLocalCognito, type LocalCognito } from '../../../src/local/cognito.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

const PASSWORD = 'Corr3ct-Horse!';

let dir: Awaited<ReturnType<typeof tempDir>>;
let cognito: LocalCognito;
let sdk: CognitoIdentityProviderClient;
let sent: Array<{ command: string; body: string }> = [];
let email: string;

/** The real factory, with each Cognito request's command name and input recorded before it is sent. */
function recordingAws(): AwsFactory {
  const real = createAwsFactory({ env: {} });
  return {
    ...real,
    async cognito(options) {
      const client = await real.cognito(options);
      const send = client.send.bind(client) as (command: unknown, opts?: unknown) => Promise<unknown>;
      return Object.assign(Object.create(client), {
        send: (command: { constructor: { name: string }; input: unknown }, opts?: unknown) => {
          sent.push({ command: command.constructor.name, body: JSON.stringify(command.input) });
          return send(command, opts);
        },
      });
    },
  };
}

const login = (args: string[], stdin = PASSWORD) =>
  runCli(['login', email, '--password-stdin', '--json', ...args], { cwd: dir.dir, stdin, aws: recordingAws() });

beforeAll(async () => {
  dir = await tempDir();
  cognito = await startLocalCognito({ port: 0, dataDir: join(dir.dir, '.authstack', 'local') });
  sdk = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint, region: cognito.region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  await new ProjectState(dir.dir).saveTarget({
    name: 'local',
    kind: 'local',
    apiUrl: 'http://127.0.0.1:9',
    region: cognito.region,
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    cognitoEndpoint: cognito.endpoint,
    localDataDir: join(dir.dir, '.authstack', 'local'),
  });
  email = `ada.${Date.now()}@example.com`;
  await sdk.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: PASSWORD }));
  await sdk.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: cognito.mailbox.latestFor(email)!.code }));
});

afterAll(async () => {
  sdk?.destroy();
  await cognito?.close();
  await dir?.cleanup();
});

beforeEach(() => {
  sent = [];
});

describe('authstack login', () => {
  it('signs in with SRP by default, and no request carries the password', async () => {
    const r = await login([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ username: email, target: 'local', authFlow: 'srp' });
    expect(sent.map((s) => s.command)).toEqual(['InitiateAuthCommand', 'RespondToAuthChallengeCommand']);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: email, SRP_A: expect.stringMatching(/^[0-9a-f]+$/) },
    });
    expect(JSON.parse(sent[1]!.body)).toMatchObject({
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: { PASSWORD_CLAIM_SIGNATURE: expect.any(String) },
    });
    for (const { body } of sent) expect(body).not.toContain(PASSWORD);
  });

  it('keeps a session that refreshes (authstack token after the access token expired)', async () => {
    expect((await login([])).code).toBe(0);
    const before = (await runCli(['token', '--json'], { cwd: dir.dir, aws: recordingAws() })).json();
    expect(before.refreshed).toBe(false);
    // Make the saved access token look expired, as an hour later.
    const { SessionStore } = await import('../../../src/core/sessions.js');
    const store = new SessionStore(join(dir.dir, 'config'));
    const { sessionKey } = await import('../../../src/core/sessions.js');
    const target = (await new ProjectState(dir.dir).target())!;
    const session = (await store.get(sessionKey(target)))!;
    await store.set(sessionKey(target), { ...session, expiresAt: 0 });
    sent = [];
    const after = await runCli(['token', '--json'], { cwd: dir.dir, aws: recordingAws() });
    expect(after.code, after.stderr).toBe(0);
    expect(after.json().refreshed).toBe(true);
    expect(after.json().token).not.toBe(before.token);
    expect(sent.map((s) => s.command)).toEqual(['InitiateAuthCommand']);
    expect(JSON.parse(sent[0]!.body).AuthFlow).toBe('REFRESH_TOKEN_AUTH');
  });

  it('--auth-flow password signs in with USER_PASSWORD_AUTH', async () => {
    const r = await login(['--auth-flow', 'password']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().authFlow).toBe('password');
    expect(sent.map((s) => JSON.parse(s.body).AuthFlow)).toEqual(['USER_PASSWORD_AUTH']);
  });

  it('a wrong password is refused in one line with SRP as with the password flow', async () => {
    for (const flow of ['srp', 'password']) {
      const r = await login(['--auth-flow', flow], 'Wrong-passw0rd!');
      expect(r.code).toBe(1);
      expect(r.json().error).toMatchObject({ code: 'NotAuthorized', message: 'Cognito refused: Incorrect username or password.' });
    }
  });

  it('an unknown --auth-flow is a usage error', async () => {
    const r = await runCli(['login', email, '--auth-flow', 'magic'], { cwd: dir.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--auth-flow must be one of srp, password');
  });
});
