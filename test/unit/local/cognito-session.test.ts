/**
 * A signed-in session against the local Cognito as amazon-cognito-identity-js keeps it: refresh, sign-out with
 * RevokeToken, global sign-out, password reset and change, account deletion. A sign-in here is USER_PASSWORD_AUTH
 * through the SDK, and its tokens are handed to the library as an app restores a stored session
 * (`setSignInUserSession`): the library's own sign-in builds its SRP helper, a 3072-bit power taking ~0.3 s of
 * CPU, even for a plain password. Its SRP sign-in is covered in cognito-srp.test.ts and the front-end tests.
 */
import {
  ConfirmSignUpCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAccessToken, CognitoIdToken, CognitoRefreshToken, CognitoUser, CognitoUserPool, CognitoUserSession } from 'amazon-cognito-identity-js';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { DATA_FILES, startLocalCognito, type LocalCognito } from '../../../src/local/cognito.js';
import { clientFor, cognitoError, localCognitoForFile } from '../../helpers/local-cognito.js';
import { signLocalToken } from '../../helpers/local-tokens.js';
import { tempDir } from '../../helpers/local-temp.js';

const PASSWORD = 'Corr3ct-Horse!';
const NEW_PASSWORD = 'N3w-Horse-Battery!';

let cognito: LocalCognito;
let client: CognitoIdentityProviderClient;
let pool: CognitoUserPool;
let counter = 0;

const freshEmail = (): string => `session${++counter}.${Date.now()}@example.com`;

/** Calls a callback-style method of the library as a promise. */
function call<T>(run: (done: (err: unknown, result?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, result) => (err ? reject(err as Error) : resolve(result as T))));
}

async function signedUp(email = freshEmail()): Promise<string> {
  await client.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: PASSWORD }));
  const code = cognito.mailbox.latestFor(email)!.code;
  await client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code }));
  return email;
}

async function signIn(email: string, password = PASSWORD): Promise<{ user: CognitoUser; session: CognitoUserSession }> {
  const { AuthenticationResult: tokens } = await client.send(
    new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }),
  );
  const session = new CognitoUserSession({
    IdToken: new CognitoIdToken({ IdToken: tokens!.IdToken! }),
    AccessToken: new CognitoAccessToken({ AccessToken: tokens!.AccessToken! }),
    RefreshToken: new CognitoRefreshToken({ RefreshToken: tokens!.RefreshToken! }),
  });
  const user = new CognitoUser({ Username: email, Pool: pool });
  user.setSignInUserSession(session);
  return { user, session };
}

const refreshed = (user: CognitoUser, token: CognitoRefreshToken): Promise<CognitoUserSession> => call((done) => user.refreshSession(token, done));

/**
 * The call refreshSession makes, sent once: the library retries every failure with back-off for ~6 s, which a
 * test of a refused token need not wait through.
 */
const refreshOnce = (token: CognitoRefreshToken) =>
  client.send(
    new InitiateAuthCommand({
      ClientId: cognito.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: token.getToken() },
    }),
  );

const getUser = (accessToken: string) => client.send(new GetUserCommand({ AccessToken: accessToken }));

const local = localCognitoForFile();
beforeAll(() => {
  ({ cognito, client } = local);
  pool = new CognitoUserPool({ UserPoolId: cognito.userPoolId, ClientId: cognito.clientId, endpoint: cognito.endpoint });
});

describe('local Cognito: refresh', () => {
  it('puts origin_jti in access and ID tokens and keeps it and auth_time across refreshSession', async () => {
    const { user, session } = await signIn(await signedUp());
    const access = session.getAccessToken().decodePayload();
    const id = session.getIdToken().decodePayload();
    expect(access.origin_jti).toEqual(expect.any(String));
    expect(id.origin_jti).toBe(access.origin_jti);
    expect(id.auth_time).toBe(access.auth_time);

    const next = await refreshed(user, session.getRefreshToken());
    expect(next.getAccessToken().getJwtToken()).not.toBe(session.getAccessToken().getJwtToken());
    expect(next.getAccessToken().decodePayload()).toMatchObject({ origin_jti: access.origin_jti, auth_time: access.auth_time });
    expect(next.getIdToken().decodePayload()).toMatchObject({ origin_jti: access.origin_jti, auth_time: access.auth_time });
    await getUser(next.getAccessToken().getJwtToken());
  });

  it('answers GetTokensFromRefreshToken (how Amplify refreshes) with new tokens of the same origin', async () => {
    const { session } = await signIn(await signedUp());
    const result = await client.send(new GetTokensFromRefreshTokenCommand({ ClientId: cognito.clientId, RefreshToken: session.getRefreshToken().getToken() }));
    expect(result.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    // No refresh-token rotation on our client: the same refresh token goes on working.
    expect(result.AuthenticationResult?.RefreshToken).toBeUndefined();
    const payload = JSON.parse(Buffer.from(result.AuthenticationResult!.AccessToken!.split('.')[1]!, 'base64url').toString());
    expect(payload.origin_jti).toBe(session.getAccessToken().decodePayload().origin_jti);
  });

  it('refuses an expired refresh token, and one that is not a refresh token', async () => {
    const exp = Math.floor(Date.now() / 1000) - 60;
    const expired = signLocalToken({ iss: cognito.issuer, jti: randomUUID(), iat: exp - 86_400, exp });
    const { session } = await signIn(await signedUp());
    const refresh = (token: string) => cognitoError(client.send(new GetTokensFromRefreshTokenCommand({ ClientId: cognito.clientId, RefreshToken: token })));
    expect(await refresh(expired)).toEqual({ name: 'NotAuthorizedException', message: 'Refresh Token has expired' });
    expect(await refresh(session.getAccessToken().getJwtToken())).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
  });
});

describe('local Cognito: sign-out', () => {
  it('signOut sends RevokeToken: the refresh token and the access tokens of that sign-in stop working, others do not', async () => {
    const email = await signedUp();
    const first = await signIn(email);
    const second = await signIn(email);
    const refreshedAccess = (await refreshed(first.user, first.session.getRefreshToken())).getAccessToken().getJwtToken();

    await call<void>((done) => first.user.signOut(() => done(null)));

    const revoked = { name: 'NotAuthorizedException', message: 'Access Token has been revoked' };
    expect(await cognitoError(getUser(first.session.getAccessToken().getJwtToken()))).toEqual(revoked);
    expect(await cognitoError(getUser(refreshedAccess))).toEqual(revoked);
    expect(await cognitoError(refreshOnce(first.session.getRefreshToken()))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    // The other sign-in of the same user is untouched.
    await getUser(second.session.getAccessToken().getJwtToken());
    await refreshed(second.user, second.session.getRefreshToken());
  });

  it('globalSignOut revokes every session of the user', async () => {
    const email = await signedUp();
    const first = await signIn(email);
    const second = await signIn(email);
    await new Promise<void>((resolve, reject) => first.user.globalSignOut({ onSuccess: () => resolve(), onFailure: reject }));
    for (const { session } of [first, second]) {
      expect(await cognitoError(getUser(session.getAccessToken().getJwtToken()))).toMatchObject({ name: 'NotAuthorizedException' });
      expect(await cognitoError(refreshOnce(session.getRefreshToken()))).toMatchObject({
        name: 'NotAuthorizedException',
      });
    }
    await signIn(email);
  });

  it('keeps a revoked sign-in revoked across a restart', async () => {
    const { user, session } = await signIn(await signedUp());
    await call<void>((done) => user.signOut(() => done(null)));
    const again = await startLocalCognito({ port: 0, dataDir: local.dataDir });
    try {
      const restartedClient = clientFor(again);
      expect(await cognitoError(restartedClient.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() })))).toMatchObject({
        name: 'NotAuthorizedException',
      });
      restartedClient.destroy();
    } finally {
      await again.close();
    }
  });

  it('reports a corrupt revocations file in one line and keeps it as it was', async () => {
    const other = await tempDir();
    try {
      const file = join(other.path, DATA_FILES.revocations);
      await writeFile(file, '{"signedOut": {"a": 1}, "origins": ');
      const error = await startLocalCognito({ port: 0, dataDir: other.path }).then(
        async (started) => {
          await started.close();
          throw new Error('expected the local Cognito to refuse a corrupt revocations file');
        },
        (err: Error) => err,
      );
      expect(error.message).toContain(file);
      expect(error.message).not.toContain('\n');
      expect(await readFile(file, 'utf8')).toBe('{"signedOut": {"a": 1}, "origins": ');
    } finally {
      await other.remove();
    }
  });
});

describe('local Cognito: account changes', () => {
  it('resets a forgotten password with the code from the mailbox', async () => {
    const email = await signedUp();
    const user = new CognitoUser({ Username: email, Pool: pool });
    await new Promise<void>((resolve, reject) => user.forgotPassword({ onSuccess: () => resolve(), onFailure: reject }));
    const message = cognito.mailbox.latestFor(email)!;
    expect(message.kind).toBe('forgot');
    await new Promise<void>((resolve, reject) => user.confirmPassword(message.code, NEW_PASSWORD, { onSuccess: () => resolve(), onFailure: reject }));
    expect(await cognitoError(signIn(email))).toMatchObject({ name: 'NotAuthorizedException' });
    await signIn(email, NEW_PASSWORD);
  });

  it('changes the password of a signed-in user', async () => {
    const email = await signedUp();
    const { user } = await signIn(email);
    await call((done) => user.changePassword(PASSWORD, NEW_PASSWORD, done));
    await signIn(email, NEW_PASSWORD);
  });

  it('deletes the signed-in user, who can no longer sign in', async () => {
    const email = await signedUp();
    const { user } = await signIn(email);
    await call((done) => user.deleteUser(done));
    expect(await cognitoError(signIn(email))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });
});
