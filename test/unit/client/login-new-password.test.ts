/**
 * `login` answers NEW_PASSWORD_REQUIRED, the challenge Cognito gives a user an admin created (AdminCreateUser) who
 * signs in with the temporary password: RespondToAuthChallenge with USERNAME and NEW_PASSWORD and the sign-in's
 * Session (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html),
 * the new password checked against the pool's policy before it is sent. Checked on the SDK's own mock.
 */
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsFactory } from '../../../src/aws/factory.js';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

const cognito = mockClientInFile(CognitoIdentityProviderClient);
let tmp: Awaited<ReturnType<typeof tempDir>>;

const POLICY = { PasswordPolicy: { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false } };
const TOKENS = { AccessToken: 'access.token.x', IdToken: 'id.token.x', RefreshToken: 'refresh-x', ExpiresIn: 3600 };

beforeEach(async () => {
  tmp = await tempDir();
  cognito.reset();
  cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Policies: POLICY } });
  cognito.on(InitiateAuthCommand).resolves({
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: 'session-1',
    ChallengeParameters: { USER_ID_FOR_SRP: 'user-uuid', requiredAttributes: '[]' },
  });
  cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: TOKENS });
});
afterEach(async () => tmp.cleanup());

const login = (opts: { stdin?: string; answers?: Record<string, string | readonly string[]>; env?: NodeJS.ProcessEnv } = {}) =>
  runCli(
    [
      'login',
      'ada@example.com',
      '--auth-flow',
      'password',
      '--region',
      'eu-west-1',
      '--user-pool-id',
      'eu-west-1_abc',
      '--user-pool-client-id',
      'client1',
      ...(opts.stdin !== undefined ? ['--password-stdin'] : []),
    ],
    {
      cwd: tmp.dir,
      stdin: opts.stdin,
      answers: opts.answers,
      env: opts.env,
      aws: createAwsFactory({ region: 'eu-west-1', env: {} }),
    },
  );

describe('login answers NEW_PASSWORD_REQUIRED on AWS', () => {
  it('with --password-stdin the second line is the new password: RespondToAuthChallenge gets USERNAME, NEW_PASSWORD and the Session', async () => {
    const r = await login({ stdin: 'Temp-pass1\nN3w-password\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input.AuthParameters).toEqual({ USERNAME: 'ada@example.com', PASSWORD: 'Temp-pass1' });
    const answer = cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input;
    expect(answer).toEqual({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: 'client1',
      Session: 'session-1',
      ChallengeResponses: { USERNAME: 'user-uuid', NEW_PASSWORD: 'N3w-password' },
    });
    expect(r.stdout).toContain('Logged in as ada@example.com');
  });

  it('on a terminal it says why and asks for the new password twice, re-asking one the policy refuses', async () => {
    const r = await login({ answers: { Password: 'Temp-pass1', 'New password (again)': 'N3w-password', 'New password': ['short', 'N3w-password'] } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('ada@example.com was created with a temporary password: choose a new one.');
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input.ChallengeResponses).toMatchObject({ NEW_PASSWORD: 'N3w-password' });
  });

  it('a piped new password the policy refuses is exit 2 and nothing is sent', async () => {
    const r = await login({ stdin: 'Temp-pass1\nweak\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: The password needs at least 8 characters/);
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)).toHaveLength(0);
  });

  it('one line on stdin and no terminal: a usage error saying to pipe two lines (exit 2)', async () => {
    const r = await login({ stdin: 'Temp-pass1\n' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: ada@example.com must set a new password: the account was created with a temporary one. Pipe the temporary and the new password as two lines with --password-stdin, or set AUTHSTACK_NEW_PASSWORD.',
    );
  });

  it('AUTHSTACK_NEW_PASSWORD answers it for scripts that set AUTHSTACK_PASSWORD', async () => {
    const r = await login({ env: { AUTHSTACK_PASSWORD: 'Temp-pass1', AUTHSTACK_NEW_PASSWORD: 'N3w-password' } });
    expect(r.code, r.stderr).toBe(0);
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input.ChallengeResponses).toMatchObject({ NEW_PASSWORD: 'N3w-password' });
  });

  it('a new password Cognito itself refuses is exit 2 with its reason', async () => {
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejects(new InvalidPasswordException({ message: 'Password does not conform to policy: Password must have symbol characters', $metadata: {} }));
    const r = await login({ stdin: 'Temp-pass1\nN3w-password\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Password must have symbol characters');
  });
});
