/**
 * The front-end libraries real apps use, with their default settings, against `authstack dev` as a process:
 * aws-amplify v6 configured from the file `authstack outputs --format amplify` wrote, and
 * amazon-cognito-identity-js configured from the `.env` file `authstack outputs --format env` wrote. Both sign in
 * with SRP by default, refresh, revoke on sign-out, and so on, exactly as they do against AWS.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { CognitoIdentityProviderClient, GetTokensFromRefreshTokenCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import {
  autoSignIn,
  confirmResetPassword,
  confirmSignUp,
  deleteUser,
  fetchAuthSession,
  getCurrentUser,
  resetPassword,
  signIn,
  signOut,
  signUp,
  updatePassword,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLatestCode, type MailboxKind } from '../../src/local/mailbox.js';
import { cli, startDev, workspace, type DevProcess } from '../helpers/e2e.js';

const PASSWORD = 'Corr3ct-horse!';
const NEW_PASSWORD = 'Batt3ry-staple?';
const RESET_PASSWORD = 'Tr0ub4dor&3x';

let ws: Awaited<ReturnType<typeof workspace>>;
let dev: DevProcess;
let cognito: CognitoIdentityProviderClient;
let clientId: string;
const unique = (tag: string) => `${tag}+${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

beforeAll(async () => {
  ws = await workspace();
  dev = await startDev(ws);
  // What a front-end developer runs: the files are written for the current target, the local stack.
  for (const format of ['amplify', 'env']) {
    const r = await cli(['outputs', '--format', format], { cwd: ws.cwd, env: ws.env });
    expect(r.code, r.stderr).toBe(0);
  }
  const outputs = JSON.parse(await readFile(join(ws.cwd, 'amplify_outputs.json'), 'utf8'));
  Amplify.configure(outputs);
  clientId = outputs.Auth.Cognito.userPoolClientId;
  cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.Auth.Cognito.userPoolEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  cognito?.destroy();
  const code = await dev?.stop();
  expect(code).toBe(130);
  await ws?.cleanup();
});

/** The code the local Cognito "emailed" (written to the mailbox before it answered). */
async function mailboxCode(email: string, kind: MailboxKind): Promise<string> {
  const code = await readLatestCode(join(ws.cwd, '.authstack', 'local'), email, [kind]);
  if (!code) throw new Error(`no ${kind} code in the mailbox for ${email}`);
  return code;
}

async function profile(accessToken: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${dev.apiUrl}/user/profile`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, body: await res.json() };
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

/** What each library sends to refresh: Amplify GetTokensFromRefreshToken, identity-js REFRESH_TOKEN_AUTH. */
function refreshWith(api: 'GetTokensFromRefreshToken' | 'REFRESH_TOKEN_AUTH', refreshToken: string): Promise<unknown> {
  return api === 'GetTokensFromRefreshToken'
    ? cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken }))
    : cognito.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }));
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { name?: string; code?: string }).code ?? (err as Error).name;
  }
  throw new Error('expected the call to be refused');
}

async function amplifyTokens(): Promise<{ accessToken: string; refreshToken: string }> {
  const { tokens } = await fetchAuthSession();
  const stored = await cognitoUserPoolsTokenProvider.authTokenStore.loadTokens();
  if (!tokens?.accessToken || !stored?.refreshToken) throw new Error('Amplify holds no session');
  return { accessToken: tokens.accessToken.toString(), refreshToken: stored.refreshToken };
}

describe('aws-amplify v6 with its default settings, configured from amplify_outputs.json', () => {
  const email = unique('amplify');
  let password = PASSWORD;

  it('signs up with autoSignIn, confirms with the mailed code, and autoSignIn signs in', async () => {
    const up = await signUp({ username: email, password, options: { userAttributes: { email }, autoSignIn: true } });
    expect(up.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
    const confirmed = await confirmSignUp({ username: email, confirmationCode: await mailboxCode(email, 'signup') });
    expect(confirmed.nextStep.signUpStep).toBe('COMPLETE_AUTO_SIGN_IN');
    const signedIn = await autoSignIn();
    expect(signedIn).toMatchObject({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect((await getCurrentUser()).signInDetails?.loginId).toBe(email);
  });

  it("calls GET /user/profile with the session's access token", async () => {
    const { accessToken } = await amplifyTokens();
    const res = await profile(accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email, email_verified: true });
  });

  it('refreshes with fetchAuthSession({ forceRefresh: true }), keeping origin_jti and auth_time', async () => {
    const before = await amplifyTokens();
    const { tokens } = await fetchAuthSession({ forceRefresh: true });
    const after = tokens!.accessToken.toString();
    expect(after).not.toBe(before.accessToken);
    expect(claims(after).origin_jti).toEqual(expect.any(String));
    expect(claims(after).origin_jti).toBe(claims(before.accessToken).origin_jti);
    expect(claims(after).auth_time).toBe(claims(before.accessToken).auth_time);
    expect((await profile(after)).status).toBe(200);
  });

  it('signOut() revokes: the refresh token is then refused, and so is the access token', async () => {
    const { accessToken, refreshToken } = await amplifyTokens();
    await signOut();
    expect(await errorName(refreshWith('GetTokensFromRefreshToken', refreshToken))).toBe('NotAuthorizedException');
    expect((await profile(accessToken)).status).toBe(401);
  });

  it('signs in with SRP (the default flow) again', async () => {
    const r = await signIn({ username: email, password });
    expect(r).toMatchObject({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(claims((await amplifyTokens()).accessToken).origin_jti).toEqual(expect.any(String));
  });

  it('signOut({ global: true }) signs out everywhere: access and refresh tokens refused', async () => {
    const { accessToken, refreshToken } = await amplifyTokens();
    await signOut({ global: true });
    expect((await profile(accessToken)).status).toBe(401);
    expect(await errorName(refreshWith('GetTokensFromRefreshToken', refreshToken))).toBe('NotAuthorizedException');
  });

  it('a wrong password and an unknown user are both NotAuthorizedException', async () => {
    expect(await errorName(signIn({ username: email, password: 'Wrong-passw0rd!' }))).toBe('NotAuthorizedException');
    expect(await errorName(signIn({ username: unique('nobody'), password }))).toBe('NotAuthorizedException');
  });

  it('resets a forgotten password with the mailed code', async () => {
    const r = await resetPassword({ username: email });
    expect(r.nextStep.resetPasswordStep).toBe('CONFIRM_RESET_PASSWORD_WITH_CODE');
    await confirmResetPassword({ username: email, confirmationCode: await mailboxCode(email, 'forgot'), newPassword: RESET_PASSWORD });
    expect(await errorName(signIn({ username: email, password }))).toBe('NotAuthorizedException');
    password = RESET_PASSWORD;
    expect((await signIn({ username: email, password })).isSignedIn).toBe(true);
  });

  it('changes the password while signed in', async () => {
    await updatePassword({ oldPassword: password, newPassword: NEW_PASSWORD });
    await signOut();
    expect(await errorName(signIn({ username: email, password }))).toBe('NotAuthorizedException');
    password = NEW_PASSWORD;
    expect((await signIn({ username: email, password })).isSignedIn).toBe(true);
  });

  it('deletes the user, who then cannot sign in', async () => {
    await deleteUser();
    expect(await errorName(signIn({ username: email, password }))).toBe('NotAuthorizedException');
  });
});

describe('amazon-cognito-identity-js with its default settings, configured from .env.local', () => {
  const email = unique('identity');
  let pool: CognitoUserPool;
  /** The signed-in user and its session, as an app holds them after authenticateUser. */
  let user: CognitoUser;
  let session: CognitoUserSession;
  let password = PASSWORD;

  const call = <T>(fn: (cb: (err: any, result?: T) => void) => void): Promise<T> =>
    new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result as T))));
  /** As apps write it: a CognitoUser for the name typed in, then authenticateUser (SRP unless told otherwise). */
  const signInAs = async (username: string, pw: string) => {
    const u = new CognitoUser({ Username: username, Pool: pool });
    const s = await new Promise<CognitoUserSession>((resolve, reject) =>
      u.authenticateUser(new AuthenticationDetails({ Username: username, Password: pw }), { onSuccess: resolve, onFailure: reject }),
    );
    return { u, s };
  };
  const signInMain = async () => ({ u: user, s: session } = await signInAs(email, password));
  const fresh = () => new CognitoUser({ Username: email, Pool: pool });

  beforeAll(async () => {
    const env = parseEnv(await readFile(join(ws.cwd, '.env.local'), 'utf8'));
    pool = new CognitoUserPool({
      UserPoolId: env.VITE_AUTHSTACK_USER_POOL_ID!,
      ClientId: env.VITE_AUTHSTACK_USER_POOL_CLIENT_ID!,
      endpoint: env.VITE_AUTHSTACK_COGNITO_ENDPOINT || undefined,
    });
  });

  it('signs up and confirms with the mailed code', async () => {
    const up = await call<{ userConfirmed: boolean }>((cb) =>
      pool.signUp(email, password, [new CognitoUserAttribute({ Name: 'email', Value: email })], [], cb),
    );
    expect(up.userConfirmed).toBe(false);
    const code = await mailboxCode(email, 'signup');
    expect(await call((cb) => fresh().confirmRegistration(code, true, cb))).toBe('SUCCESS');
  });

  it('signs in with SRP (authenticateUser, the default flow) and calls GET /user/profile', async () => {
    expect(fresh().getAuthenticationFlowType()).toBe('USER_SRP_AUTH');
    await signInMain();
    expect(session.isValid()).toBe(true);
    const res = await profile(session.getAccessToken().getJwtToken());
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(email);
  });

  it('refreshes with refreshSession, keeping origin_jti', async () => {
    const before = session.getAccessToken().getJwtToken();
    session = await call<CognitoUserSession>((cb) => user.refreshSession(session.getRefreshToken(), cb));
    const after = session.getAccessToken().getJwtToken();
    expect(after).not.toBe(before);
    expect(claims(after).origin_jti).toBe(claims(before).origin_jti);
    expect((await profile(after)).status).toBe(200);
  });

  it('signOut(callback) sends RevokeToken: the refresh token is then refused, and so is the access token', async () => {
    const accessToken = session.getAccessToken().getJwtToken();
    const refreshToken = session.getRefreshToken().getToken();
    // Typed as () => void, but identity-js passes the RevokeToken error to it.
    await new Promise<void>((resolve, reject) => user.signOut(((err?: Error) => (err ? reject(err) : resolve())) as () => void));
    expect(await errorName(refreshWith('REFRESH_TOKEN_AUTH', refreshToken))).toBe('NotAuthorizedException');
    expect((await profile(accessToken)).status).toBe(401);
  });

  it('globalSignOut signs out everywhere', async () => {
    await signInMain();
    const refreshToken = session.getRefreshToken().getToken();
    await new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
    expect((await profile(session.getAccessToken().getJwtToken())).status).toBe(401);
    expect(await errorName(refreshWith('REFRESH_TOKEN_AUTH', refreshToken))).toBe('NotAuthorizedException');
  });

  it('a wrong password and an unknown user are both NotAuthorizedException', async () => {
    expect(await errorName(signInAs(email, 'Wrong-passw0rd!'))).toBe('NotAuthorizedException');
    expect(await errorName(signInAs(unique('nobody'), password))).toBe('NotAuthorizedException');
  });

  it('resets a forgotten password with forgotPassword and confirmPassword', async () => {
    const forgetful = fresh();
    await new Promise((resolve, reject) => forgetful.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }));
    const code = await mailboxCode(email, 'forgot');
    await new Promise((resolve, reject) => forgetful.confirmPassword(code, RESET_PASSWORD, { onSuccess: resolve, onFailure: reject }));
    expect(await errorName(signInAs(email, password))).toBe('NotAuthorizedException');
    password = RESET_PASSWORD;
    await signInMain();
    expect(session.isValid()).toBe(true);
  });

  it('changes the password while signed in', async () => {
    expect(await call((cb) => user.changePassword(password, NEW_PASSWORD, cb))).toBe('SUCCESS');
    expect(await errorName(signInAs(email, password))).toBe('NotAuthorizedException');
    password = NEW_PASSWORD;
    await signInMain();
  });

  it('deletes the user, who then cannot sign in', async () => {
    expect(await call((cb) => user.deleteUser(cb))).toBe('SUCCESS');
    expect(await errorName(signInAs(email, password))).toBe('NotAuthorizedException');
  });
});
