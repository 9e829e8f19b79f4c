/**
 * An invited user (AdminCreateUser with a temporary password) answering NEW_PASSWORD_REQUIRED, as Cognito asks it:
 * the temporary password is checked first, RespondToAuthChallenge takes only the session Cognito issued (for
 * three minutes, the default AuthSessionValidity), the new password must meet the pool's policy, and then the user
 * is CONFIRMED and signed in. Through the SDK, through amazon-cognito-identity-js's SRP sign-in, and on the hosted
 * sign-in page.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS } from '../../../src/core/hosted-ui.js';
import { AUTH_SESSION_TTL_MS } from '../../../src/local/cognito/auth-sessions.js';
import { PageClient, type PageResult } from '../../helpers/hosted-ui.js';
import { cognitoError, localCognitoForFile } from '../../helpers/local-cognito.js';

const TEMPORARY = 'Temp-Pass-1234!';
const NEW_PASSWORD = 'N3w-Horse-Battery!';

// The local Cognito's time, moved by the tests (the server reads it on every request).
let now = Date.parse('2026-03-01T10:00:00Z');
const local = localCognitoForFile({ clock: { get: () => new Date(now) } });
let counter = 0;

async function invitedUser(): Promise<string> {
  const email = `invited${++counter}@example.com`;
  await local.client.send(
    new AdminCreateUserCommand({
      UserPoolId: local.cognito.userPoolId,
      Username: email,
      TemporaryPassword: TEMPORARY,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  return email;
}

const passwordSignIn = (email: string, password = TEMPORARY) =>
  local.client.send(
    new InitiateAuthCommand({
      ClientId: local.cognito.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );

const answer = (email: string, session: string | undefined, password = NEW_PASSWORD) =>
  local.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: local.cognito.clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: password },
    }),
  );

const statusOf = async (email: string) =>
  (await local.client.send(new AdminGetUserCommand({ UserPoolId: local.cognito.userPoolId, Username: email }))).UserStatus;

describe('NEW_PASSWORD_REQUIRED through the SDK', () => {
  it('asks for a new password only after the temporary one is right', async () => {
    const email = await invitedUser();
    expect(await cognitoError(passwordSignIn(email, 'Wrong-Pass-1234!'))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    const challenge = await passwordSignIn(email);
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(challenge.AuthenticationResult).toBeUndefined();
    expect(JSON.parse(challenge.ChallengeParameters?.userAttributes ?? '{}')).toMatchObject({ email });
  });

  it('refuses a session it did not issue, and one issued for another user', async () => {
    const email = await invitedUser();
    const other = await invitedUser();
    expect(await cognitoError(answer(email, 'made-up-session'))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
    const { Session } = await passwordSignIn(other);
    expect((await cognitoError(answer(email, Session))).name).toBe('NotAuthorizedException');
    expect(await statusOf(email)).toBe('FORCE_CHANGE_PASSWORD');
  });

  it("checks the new password against the pool's policy and keeps the session for another try", async () => {
    const email = await invitedUser();
    const { Session } = await passwordSignIn(email);
    expect(await cognitoError(answer(email, Session, 'short'))).toEqual({
      name: 'InvalidPasswordException',
      message: expect.stringMatching(/^Password did not conform with policy: /),
    });
    const signedIn = await answer(email, Session);
    expect(signedIn.AuthenticationResult?.RefreshToken).toBeTruthy();
    expect(signedIn.AuthenticationResult?.TokenType).toBe('Bearer');
    const user = await local.client.send(new GetUserCommand({ AccessToken: signedIn.AuthenticationResult?.AccessToken }));
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe(email);
    expect(await statusOf(email)).toBe('CONFIRMED');
    // Answered once: the same session cannot set another password.
    expect((await cognitoError(answer(email, Session, 'An0ther-Pass-word!'))).name).toBe('NotAuthorizedException');
    expect((await passwordSignIn(email, NEW_PASSWORD)).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('expires the session after three minutes (fake time, no sleeping)', async () => {
    const email = await invitedUser();
    const { Session } = await passwordSignIn(email);
    now += AUTH_SESSION_TTL_MS + 1000;
    expect(await cognitoError(answer(email, Session))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
    expect(await statusOf(email)).toBe('FORCE_CHANGE_PASSWORD');
  });
});

describe('NEW_PASSWORD_REQUIRED through amazon-cognito-identity-js (SRP)', () => {
  it("answers the library's newPasswordRequired callback with completeNewPasswordChallenge", async () => {
    const email = await invitedUser();
    const pool = new CognitoUserPool({ UserPoolId: local.cognito.userPoolId, ClientId: local.cognito.clientId, endpoint: local.cognito.endpoint });
    const user = new CognitoUser({ Username: email, Pool: pool });
    const session = await new Promise<{ getAccessToken(): { getJwtToken(): string } }>((resolve, reject) => {
      user.authenticateUser(new AuthenticationDetails({ Username: email, Password: TEMPORARY }), {
        onSuccess: () => reject(new Error('signed in without a new password')),
        onFailure: reject,
        newPasswordRequired: () => user.completeNewPasswordChallenge(NEW_PASSWORD, {}, { onSuccess: resolve, onFailure: reject }),
      });
    });
    expect(session.getAccessToken().getJwtToken()).toBeTruthy();
    expect(await statusOf(email)).toBe('CONFIRMED');
  });
});

describe('NEW_PASSWORD_REQUIRED on the hosted sign-in page', () => {
  /** Submits the page's form with its hidden fields, as a browser does (PageClient adds only the CSRF token). */
  const submit = (browser: PageClient, page: PageResult, fields: Record<string, string>) => {
    const hidden = Object.fromEntries(
      [...page.html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, decodeEntities(m[2]!)]),
    );
    return browser.submit(page, { ...hidden, ...fields });
  };

  const startUrl = () => {
    const url = new URL('/oauth2/authorize', local.cognito.endpoint);
    url.search = new URLSearchParams({
      client_id: local.cognito.clientId,
      response_type: 'code',
      scope: 'openid email',
      redirect_uri: DEFAULT_CALLBACK_URLS[0]!,
      state: 'st4te',
    }).toString();
    return url.toString();
  };

  it('asks for a new password, refuses one that breaks the policy or does not match, then completes the sign-in', async () => {
    const email = await invitedUser();
    const browser = new PageClient(local.cognito.endpoint);
    const login = await browser.get(startUrl());
    const change = await browser.submit(login, { username: email, password: TEMPORARY });
    expect(change.status).toBe(200);
    expect(change.html).toContain('Change your password');
    expect(change.html).toMatch(/at least 8 characters/i);

    const weak = await submit(browser, change, { password: 'weakpass', confirm: 'weakpass' });
    expect(weak.status).toBe(400);
    expect(weak.html).toMatch(/role="alert"[^>]*>Password did not conform with policy: /);
    const mismatch = await submit(browser, weak, { password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}x` });
    expect(mismatch.html).toContain('The passwords do not match.');
    expect(await statusOf(email)).toBe('FORCE_CHANGE_PASSWORD');

    const done = await submit(browser, mismatch, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    const callback = new URL(done.location ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(DEFAULT_CALLBACK_URLS[0]);
    expect(callback.searchParams.get('state')).toBe('st4te');
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(await statusOf(email)).toBe('CONFIRMED');
    // The session cookie now signs the user in without the form.
    expect((await browser.get(startUrl())).location).toMatch(/[?&]code=/);
  });

  it('sends an expired challenge back to the sign-in page (fake time)', async () => {
    const email = await invitedUser();
    const browser = new PageClient(local.cognito.endpoint);
    const change = await browser.submit(await browser.get(startUrl()), { username: email, password: TEMPORARY });
    now += AUTH_SESSION_TTL_MS + 1000;
    const back = await submit(browser, change, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(back.status).toBe(400);
    expect(back.html).toContain('<h1>Sign in</h1>');
    expect(back.html).toContain('session is expired');
  });

  it('starts a bare GET of the new-password form at the sign-in page', async () => {
    const browser = new PageClient(local.cognito.endpoint);
    const page = await browser.get(startUrl().replace('/oauth2/authorize', '/forceChangePassword'));
    expect(page.url).toContain('/login?');
    expect(page.html).toContain('<h1>Sign in</h1>');
  });
});

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe("the temporary password's seven days (TemporaryPasswordValidityDays, fake time)", () => {
  it('refuses it after seven days until an administrator sets another, as Cognito does', async () => {
    const email = await invitedUser();
    now += 6 * 24 * 3600_000;
    expect((await passwordSignIn(email)).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    now += 2 * 24 * 3600_000;
    expect(await cognitoError(passwordSignIn(email))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
    });
    await local.client.send(new AdminSetUserPasswordCommand({ UserPoolId: local.cognito.userPoolId, Username: email, Password: TEMPORARY, Permanent: false }));
    expect((await passwordSignIn(email)).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });
});
