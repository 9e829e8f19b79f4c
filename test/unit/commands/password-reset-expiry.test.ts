import { ConfirmSignUpCommand, CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startLocalCognito, type LocalCognito } from '../../../src/local/cognito.js';
import { tempDir } from '../../helpers/local-temp.js';
import { runCli } from '../../helpers/run-cli.js';

const PASSWORD = 'Corr3ct-Horse!';
const NEW_PASSWORD = 'N3w-battery-staple!';

/** The local Cognito on a clock the test moves; the CLI runs in-process against it. */
let now = Date.parse('2026-01-01T00:00:00Z');
let dir: Awaited<ReturnType<typeof tempDir>>;
let cognito: LocalCognito;
let client: CognitoIdentityProviderClient;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir();
  cognito = await startLocalCognito({ port: 0, dataDir: dir.path, clock: { get: () => new Date(now) } });
  client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: cognito.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  env = {
    AUTHSTACK_COGNITO_ENDPOINT: cognito.endpoint,
    AUTHSTACK_USER_POOL_ID: cognito.userPoolId,
    AUTHSTACK_USER_POOL_CLIENT_ID: cognito.clientId,
    AWS_REGION: cognito.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
});

afterAll(async () => {
  client?.destroy();
  await cognito?.close();
  await dir?.remove();
});

async function userWithResetCode(email: string): Promise<string> {
  await client.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: PASSWORD }));
  await client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: cognito.mailbox.latestFor(email)!.code }));
  const forgot = await runCli(['password', 'forgot', email, '--json'], { cwd: dir.path, env });
  expect(forgot.code, forgot.stderr).toBe(0);
  return cognito.mailbox.latestFor(email, ['forgot'])!.code;
}

describe("password reset codes expire after an hour, as Cognito's do", () => {
  it('a code older than an hour is refused as expired, with what to do next', async () => {
    const email = 'late@example.com';
    const code = await userWithResetCode(email);
    now += 61 * 60 * 1000;
    const r = await runCli(['password', 'reset', email, code, '--password-stdin', '--json'], { cwd: dir.path, env, stdin: NEW_PASSWORD });
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('ExpiredCode');
    expect(r.json().error.message).toContain(`authstack password forgot ${email}`);
  });

  it('a code used within the hour sets the new password', async () => {
    const email = 'prompt@example.com';
    const code = await userWithResetCode(email);
    now += 59 * 60 * 1000;
    const r = await runCli(['password', 'reset', email, code, '--password-stdin', '--json'], { cwd: dir.path, env, stdin: NEW_PASSWORD });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ username: email, passwordReset: true, codeSource: 'argument' });
  });
});
