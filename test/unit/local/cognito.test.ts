import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  ChangePasswordCommand,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';

import { startLocalCognito, type LocalCognito } from '../../../src/local/cognito.js';
import { PortInUseError } from '../../../src/local/errors.js';
import type { MailboxMessage } from '../../../src/local/mailbox.js';
import { expiredAccessToken, signLocalToken } from '../../helpers/local-tokens.js';
import { clientFor, cognitoError, localCognitoForFile } from '../../helpers/local-cognito.js';
import { tempDir } from '../../helpers/local-temp.js';

const PASSWORD = 'Corr3ct-Horse!';

let cognito: LocalCognito;
let client: CognitoIdentityProviderClient;
const delivered: MailboxMessage[] = [];
let counter = 0;

const freshEmail = (): string => `user${++counter}.${Date.now()}@example.com`;

const codeFor = (email: string): string => {
  const message = cognito.mailbox.latestFor(email);
  if (!message) throw new Error(`no code for ${email}`);
  return message.code;
};

async function signUp(email: string, password = PASSWORD): Promise<void> {
  await client.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: password }));
}

async function confirmedUser(email = freshEmail()): Promise<string> {
  await signUp(email);
  await client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: codeFor(email) }));
  return email;
}

async function login(email: string, password = PASSWORD) {
  const result = await client.send(
    new InitiateAuthCommand({
      ClientId: cognito.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  return result.AuthenticationResult!;
}

const local = localCognitoForFile({ onCode: (m) => delivered.push(m) });
beforeAll(() => ({ cognito, client } = local));

describe('local Cognito: the sign-up flow', () => {
  it('delivers the sign-up code to the mailbox, confirms, verifies the email, logs in and reads the user', async () => {
    const email = freshEmail();
    const signUpResult = await client.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: PASSWORD }));
    expect(signUpResult.UserConfirmed).toBe(false);
    expect(signUpResult.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });

    const message = delivered.find((m) => m.to === email);
    expect(message).toMatchObject({ to: email, kind: 'signup', username: signUpResult.UserSub });
    expect(message!.code).toMatch(/^\d{6}$/);

    await client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: message!.code }));
    const tokens = await login(email);
    expect(tokens.TokenType).toBe('Bearer');
    expect(tokens.ExpiresIn).toBe(3600);
    expect(tokens.RefreshToken).toBeTruthy();

    const user = await client.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    const attributes = Object.fromEntries(user.UserAttributes!.map((a) => [a.Name, a.Value]));
    expect(attributes).toMatchObject({ email, email_verified: 'true', sub: signUpResult.UserSub });
    expect(user.Username).toBe(signUpResult.UserSub);
  });

  it('issues access tokens that aws-jwt-verify accepts given the local issuer and JWKS', async () => {
    const tokens = await login(await confirmedUser());
    // aws-jwt-verify's default fetcher speaks only https; the local JWKS is http, so it gets a fetch-based one.
    const jwksCache = new SimpleJwksCache({
      fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
    });
    const verifier = JwtRsaVerifier.create({ issuer: cognito.issuer, audience: null, jwksUri: cognito.jwksUri }, { jwksCache });
    const payload = await verifier.verify(tokens.AccessToken!);
    expect(payload).toMatchObject({ iss: cognito.issuer, token_use: 'access', client_id: cognito.clientId });

    const other = JwtRsaVerifier.create({ issuer: `${cognito.endpoint}/local_other`, audience: null, jwksUri: cognito.jwksUri }, { jwksCache });
    await expect(other.verify(tokens.AccessToken!)).rejects.toThrow(/issuer/i);
  });

  it('serves the JWKS and OpenID configuration at the pool URL', async () => {
    const jwks = (await (await fetch(cognito.jwksUri)).json()) as { keys: Array<{ kid: string; alg: string }> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: 'CognitoLocal', alg: 'RS256', kty: 'RSA' })]);
    const config = (await (await fetch(`${cognito.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(config).toMatchObject({ issuer: cognito.issuer, jwks_uri: cognito.jwksUri });
  });

  it('refreshes tokens with the refresh token', async () => {
    const tokens = await login(await confirmedUser());
    const refreshed = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! },
      }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
    expect(refreshed.AuthenticationResult?.ExpiresIn).toBe(3600);
    await client.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult!.AccessToken }));
  });
});

describe('local Cognito: the errors Cognito gives', () => {
  it.each([
    ['Sh0rt!a', 'Password not long enough'],
    ['NOLOWER1!', 'Password must have lowercase characters'],
    ['noupper1!', 'Password must have uppercase characters'],
    ['NoDigits!!', 'Password must have numeric characters'],
    ['NoSymbols12', 'Password must have symbol characters'],
  ])('rejects the weak password %s with InvalidPasswordException', async (password, reason) => {
    const email = freshEmail();
    const error = await cognitoError(signUp(email, password));
    expect(error).toEqual({ name: 'InvalidPasswordException', message: `Password did not conform with policy: ${reason}` });
    expect(cognito.mailbox.latestFor(email)).toBeUndefined();
  });

  it('answers a group the pool does not have with ResourceNotFoundException, for adding and removing alike', async () => {
    const email = freshEmail();
    await signUp(email);
    const names = { UserPoolId: cognito.userPoolId, Username: email, GroupName: 'no-such-group' };
    expect(await cognitoError(client.send(new AdminAddUserToGroupCommand(names)))).toEqual({ name: 'ResourceNotFoundException', message: 'Group not found.' });
    expect(await cognitoError(client.send(new AdminRemoveUserFromGroupCommand(names)))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Group not found.',
    });
  });

  it('rejects a username that is not an email', async () => {
    const error = await cognitoError(signUp('not-an-email'));
    expect(error).toEqual({ name: 'InvalidParameterException', message: 'Username should be an email.' });
  });

  it('rejects a duplicate sign-up, whatever the case of the email', async () => {
    const email = freshEmail();
    await signUp(email);
    for (const again of [email, email.toUpperCase()]) {
      const error = await cognitoError(signUp(again));
      expect(error).toEqual({
        name: 'UsernameExistsException',
        message: 'An account with the given email already exists.',
      });
    }
  });

  it('rejects a wrong confirmation code, then accepts the right one once', async () => {
    const email = freshEmail();
    await signUp(email);
    const right = codeFor(email);
    const wrong = right === '000000' ? '111111' : '000000';
    const confirm = (code: string) => client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code }));
    expect(await cognitoError(confirm(wrong))).toEqual({
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
    });
    await confirm(right);
    expect(await cognitoError(confirm(right))).toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('refuses to log in before the sign-up is confirmed', async () => {
    const email = freshEmail();
    await signUp(email);
    expect(await cognitoError(login(email))).toMatchObject({ name: 'UserNotConfirmedException' });
  });

  it('answers a wrong password and an unknown user alike, with NotAuthorizedException', async () => {
    const email = await confirmedUser();
    const expected = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };
    expect(await cognitoError(login(email, 'Wr0ng-password!'))).toEqual(expected);
    expect(await cognitoError(login(freshEmail()))).toEqual(expected);
  });

  it('rejects garbage, expired, foreign and ID tokens on GetUser with NotAuthorizedException', async () => {
    const email = await confirmedUser();
    const tokens = await login(email);
    const sub = (JSON.parse(Buffer.from(tokens.AccessToken!.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    const getUser = (token: string) => client.send(new GetUserCommand({ AccessToken: token }));

    expect(await cognitoError(getUser('garbage'))).toEqual({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
    expect(await cognitoError(getUser(expiredAccessToken({ issuer: cognito.issuer, clientId: cognito.clientId, sub })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Access Token has expired',
    });
    const foreign = signLocalToken({
      sub,
      username: sub,
      client_id: cognito.clientId,
      token_use: 'access',
      iss: 'https://elsewhere',
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: 0,
      jti: 'x',
    });
    expect(await cognitoError(getUser(foreign))).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
    expect(await cognitoError(getUser(tokens.IdToken!))).toMatchObject({ name: 'NotAuthorizedException' });
    const tampered = tokens.AccessToken!.slice(0, -4) + (tokens.AccessToken!.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await cognitoError(getUser(tampered))).toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('enforces the password policy on ChangePassword', async () => {
    const email = await confirmedUser();
    const { AccessToken } = await login(email);
    const error = await cognitoError(client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'weak' })));
    expect(error.name).toBe('InvalidPasswordException');
    await client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'N3w-Password' }));
    await login(email, 'N3w-Password');
  });
});

describe('local Cognito: ResendConfirmationCode', () => {
  it('delivers a new code, and the old one no longer confirms', async () => {
    const email = freshEmail();
    await signUp(email);
    const first = codeFor(email);
    let second = first;
    // A new random code can equal the old one (one chance in a million): resend until it differs.
    while (second === first) {
      const result = await client.send(new ResendConfirmationCodeCommand({ ClientId: cognito.clientId, Username: email }));
      expect(result.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      second = codeFor(email);
    }
    expect(cognito.mailbox.latestFor(email)?.kind).toBe('resend');
    const confirm = (code: string) => client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code }));
    expect(await cognitoError(confirm(first))).toMatchObject({ name: 'CodeMismatchException' });
    await confirm(second);
  });

  it('answers InvalidParameterException once confirmed', async () => {
    const resend = (email: string) => client.send(new ResendConfirmationCodeCommand({ ClientId: cognito.clientId, Username: email }));
    expect(await cognitoError(resend(await confirmedUser()))).toEqual({
      name: 'InvalidParameterException',
      message: 'User is already confirmed.',
    });
  });
});

// The template's app client sets PreventUserExistenceErrors: ENABLED; Cognito then answers these operations the
// same whether or not the user exists (developer guide, "Managing user existence error responses").
describe('local Cognito: unknown and disabled users are not told apart', () => {
  const resend = (email: string) => client.send(new ResendConfirmationCodeCommand({ ClientId: cognito.clientId, Username: email }));
  const forgot = (email: string) => client.send(new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: email }));
  const confirmReset = (email: string, code: string) =>
    client.send(new ConfirmForgotPasswordCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code, Password: 'N3w-Horse-Battery!' }));
  const mismatch = { name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' };

  it('ResendConfirmationCode and ForgotPassword answer an unknown user as if a code went to the address, and send nothing', async () => {
    const email = freshEmail();
    const sentBefore = delivered.length;
    const masked = { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: expect.stringMatching(/^u\*\*\*@e\*\*\*$/) };
    expect((await resend(email)).CodeDeliveryDetails).toEqual(masked);
    expect((await forgot(email)).CodeDeliveryDetails).toEqual(masked);
    expect(delivered.length).toBe(sentBefore);
    expect(cognito.mailbox.latestFor(email)).toBeUndefined();
  });

  it('ConfirmSignUp and ConfirmForgotPassword answer an unknown user CodeMismatchException, as a wrong code', async () => {
    const email = freshEmail();
    expect(await cognitoError(client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: '123456' })))).toEqual(
      mismatch,
    );
    expect(await cognitoError(confirmReset(email, '123456'))).toEqual(mismatch);
  });

  it('ConfirmForgotPassword with no reset code outstanding is ExpiredCodeException: a sign-up code is none, and a used one is gone', async () => {
    const expired = { name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' };
    const unconfirmed = freshEmail();
    await signUp(unconfirmed);
    expect(await cognitoError(confirmReset(unconfirmed, codeFor(unconfirmed)))).toEqual(expired);
    const email = await confirmedUser();
    await forgot(email);
    const code = codeFor(email);
    await confirmReset(email, code);
    expect(await cognitoError(confirmReset(email, code))).toEqual(expired);
  });

  it('a disabled user gets no reset code, and a code sent before the account was disabled no longer works', async () => {
    const email = await confirmedUser();
    await forgot(email);
    const earlier = codeFor(email);
    await client.send(new AdminDisableUserCommand({ UserPoolId: cognito.userPoolId, Username: email }));
    const sentBefore = delivered.length;
    expect((await forgot(email)).CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL' });
    expect(delivered.length).toBe(sentBefore);
    expect(await cognitoError(confirmReset(email, earlier))).toEqual(mismatch);
    await client.send(new AdminEnableUserCommand({ UserPoolId: cognito.userPoolId, Username: email }));
    await confirmReset(email, earlier);
  });
});

describe('local Cognito: GlobalSignOut', () => {
  it('revokes the access token and the refresh tokens, and a new login works again', async () => {
    const email = await confirmedUser();
    const tokens = await login(email);
    await client.send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));

    expect(await cognitoError(client.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
    const refresh = client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! },
      }),
    );
    expect(await cognitoError(refresh)).toMatchObject({ name: 'NotAuthorizedException' });

    const again = await login(email);
    await client.send(new GetUserCommand({ AccessToken: again.AccessToken }));
  });
});

describe('local Cognito: lifecycle', () => {
  it('keeps the pool, client and users across restarts, and reset starts afresh', async () => {
    const own = await tempDir();
    try {
      const first = await startLocalCognito({ port: 0, dataDir: own.path });
      const firstClient = clientFor(first);
      const email = freshEmail();
      await firstClient.send(new SignUpCommand({ ClientId: first.clientId, Username: email, Password: PASSWORD }));
      firstClient.destroy();
      await first.close();

      const second = await startLocalCognito({ port: 0, dataDir: own.path });
      expect([second.userPoolId, second.clientId]).toEqual([first.userPoolId, first.clientId]);
      expect(second.userPoolId).toMatch(/^local_/);
      const secondClient = clientFor(second);
      const code = second.mailbox.latestFor(email)!.code;
      await secondClient.send(new ConfirmSignUpCommand({ ClientId: second.clientId, Username: email, ConfirmationCode: code }));
      secondClient.destroy();
      await second.close();

      const third = await startLocalCognito({ port: 0, dataDir: own.path, reset: true });
      expect(third.userPoolId).not.toBe(first.userPoolId);
      expect(third.mailbox.list()).toEqual([]);
      const thirdClient = clientFor(third);
      const error = await cognitoError(
        thirdClient.send(
          new InitiateAuthCommand({
            ClientId: third.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD },
          }),
        ),
      );
      expect(error.name).toBe('NotAuthorizedException');
      thirdClient.destroy();
      await third.close();
    } finally {
      await own.remove();
    }
  });

  it('fails with PortInUseError when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const own = await tempDir();
    try {
      const error = await startLocalCognito({ port, dataDir: own.path }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ code: 'PORT_IN_USE', port, service: 'cognito' });
    } finally {
      blocker.close();
      await own.remove();
    }
  });
});
