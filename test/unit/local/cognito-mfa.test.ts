/**
 * TOTP MFA on the local Cognito through the SDK, as Cognito documents it ("TOTP software token MFA", Cognito
 * developer guide; AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference, RespondToAuthChallenge in the
 * API reference): association with an access token or an MFA_SETUP session, verification, the preference, the
 * SOFTWARE_TOKEN_MFA challenge after the password, MFA_SETUP where the pool requires MFA, and sessions that are
 * bound to their user and client, answered once and expire after three minutes, all on a moved clock.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  AdminConfirmSignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';

import { buildStackModel, type MfaSetting } from '../../../src/core/stack-model.js';
import { TOTP_PERIOD_SECONDS, totpCode } from '../../../src/core/totp.js';
import { AUTH_SESSION_TTL_MS } from '../../../src/local/cognito/auth-sessions.js';
import { localClient, localPool } from '../../../src/local/cognito.js';
import { cognitoError, localCognitoForFile, type LocalCognitoFixture } from '../../helpers/local-cognito.js';

const PASSWORD = 'Corr3ct-Horse!';
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;

// The local Cognito's time, moved by the tests; starts mid-step so ±1 step stays in the same minute.
let now = Date.parse('2026-03-01T10:00:10Z');
const clock = { get: () => new Date(now) };
const settingsFor = (mfa: MfaSetting) => {
  const model = buildStackModel({ mfa });
  return { pool: localPool(model), client: localClient(model) };
};
const optional = localCognitoForFile({ clock, settings: settingsFor('optional') });
const required = localCognitoForFile({ clock, settings: settingsFor('required') });
let counter = 0;

async function confirmedUser(local: LocalCognitoFixture): Promise<string> {
  const email = `mfa${++counter}@example.com`;
  await local.client.send(new SignUpCommand({ ClientId: local.cognito.clientId, Username: email, Password: PASSWORD }));
  await local.client.send(new AdminConfirmSignUpCommand({ UserPoolId: local.cognito.userPoolId, Username: email }));
  return email;
}

const passwordSignIn = (local: LocalCognitoFixture, email: string) =>
  local.client.send(
    new InitiateAuthCommand({ ClientId: local.cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
  );

const answerCode = (local: LocalCognitoFixture, email: string, session: string | undefined, code: string) =>
  local.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: local.cognito.clientId,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: session,
      ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
    }),
  );

/** A user with TOTP set up and on through the access-token path; returns the secret. */
async function userWithTotp(local: LocalCognitoFixture): Promise<{ email: string; secret: string }> {
  const email = await confirmedUser(local);
  const access = (await passwordSignIn(local, email)).AuthenticationResult?.AccessToken;
  const { SecretCode } = await local.client.send(new AssociateSoftwareTokenCommand({ AccessToken: access }));
  const secret = SecretCode ?? '';
  await local.client.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: totpCode(secret, now), FriendlyDeviceName: 'phone' }));
  await local.client.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  now += STEP_MS; // the next sign-in's code is of a later step than the setup's
  return { email, secret };
}

describe('TOTP on a pool with MFA optional', () => {
  it('associates a base32 secret, refuses a wrong first code (EnableSoftwareTokenMFAException), verifies the right one', async () => {
    const email = await confirmedUser(optional);
    const access = (await passwordSignIn(optional, email)).AuthenticationResult?.AccessToken;
    const { SecretCode } = await optional.client.send(new AssociateSoftwareTokenCommand({ AccessToken: access }));
    expect(SecretCode).toMatch(/^[A-Z2-7]{52}$/);
    const wrong = totpCode(SecretCode!, now + 5 * STEP_MS);
    expect(await cognitoError(optional.client.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: wrong })))).toMatchObject({
      name: 'EnableSoftwareTokenMFAException',
    });
    const verified = await optional.client.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: totpCode(SecretCode!, now) }));
    expect(verified.Status).toBe('SUCCESS');
    // Verified is not on: until SetUserMFAPreference turns it on, sign-in asks for no code.
    expect((await passwordSignIn(optional, email)).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('refuses to turn TOTP on before a token is verified (InvalidParameterException)', async () => {
    const email = await confirmedUser(optional);
    const access = (await passwordSignIn(optional, email)).AuthenticationResult?.AccessToken;
    const refused = optional.client.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true } }));
    expect((await cognitoError(refused)).name).toBe('InvalidParameterException');
  });

  it('with TOTP on: GetUser and AdminGetUser report it, and sign-in asks SOFTWARE_TOKEN_MFA before any token', async () => {
    const { email, secret } = await userWithTotp(optional);
    const user = await optional.client.send(new AdminGetUserCommand({ UserPoolId: optional.cognito.userPoolId, Username: email }));
    expect(user.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(user.PreferredMfaSetting).toBe('SOFTWARE_TOKEN_MFA');
    const challenge = await passwordSignIn(optional, email);
    expect(challenge.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(challenge.AuthenticationResult).toBeUndefined();
    expect(challenge.ChallengeParameters).toMatchObject({ FRIENDLY_DEVICE_NAME: 'phone' });
    const signedIn = await answerCode(optional, email, challenge.Session, totpCode(secret, now));
    expect(signedIn.AuthenticationResult?.TokenType).toBe('Bearer');
    const me = await optional.client.send(new GetUserCommand({ AccessToken: signedIn.AuthenticationResult?.AccessToken }));
    expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('a wrong code is CodeMismatchException and the session takes another try; the right code ends the session', async () => {
    const { email, secret } = await userWithTotp(optional);
    const { Session } = await passwordSignIn(optional, email);
    expect(await cognitoError(answerCode(optional, email, Session, totpCode(secret, now + 3 * STEP_MS)))).toEqual({
      name: 'CodeMismatchException',
      message: 'Invalid code or auth state for the user.',
    });
    expect((await answerCode(optional, email, Session, totpCode(secret, now))).AuthenticationResult).toBeTruthy();
    now += STEP_MS;
    expect(await cognitoError(answerCode(optional, email, Session, totpCode(secret, now)))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
  });

  it('three wrong codes spend the session', async () => {
    const { email, secret } = await userWithTotp(optional);
    const { Session } = await passwordSignIn(optional, email);
    for (let i = 0; i < 3; i++) {
      expect((await cognitoError(answerCode(optional, email, Session, '000000'))).name).toBe('CodeMismatchException');
    }
    expect((await cognitoError(answerCode(optional, email, Session, totpCode(secret, now)))).name).toBe('NotAuthorizedException');
  });

  it('accepts a code one step early or late, not two; and a code works for one sign-in only', async () => {
    const { email, secret } = await userWithTotp(optional);
    const early = await passwordSignIn(optional, email);
    expect((await cognitoError(answerCode(optional, email, early.Session, totpCode(secret, now - 2 * STEP_MS)))).name).toBe('CodeMismatchException');
    expect((await answerCode(optional, email, early.Session, totpCode(secret, now - STEP_MS))).AuthenticationResult).toBeTruthy();
    const again = await passwordSignIn(optional, email);
    // The step after the one used is fine (the next code); the one used, or the same code again, is not.
    expect((await cognitoError(answerCode(optional, email, again.Session, totpCode(secret, now - STEP_MS)))).name).toBe('CodeMismatchException');
    expect((await answerCode(optional, email, again.Session, totpCode(secret, now + STEP_MS))).AuthenticationResult).toBeTruthy();
    now += 2 * STEP_MS;
  });

  it('the session expires after three minutes on the local Cognito clock (NotAuthorizedException)', async () => {
    const { email, secret } = await userWithTotp(optional);
    const { Session } = await passwordSignIn(optional, email);
    now += AUTH_SESSION_TTL_MS + 1000;
    expect(await cognitoError(answerCode(optional, email, Session, totpCode(secret, now)))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
  });

  it('refuses a session issued for another user, and one issued for another challenge', async () => {
    const a = await userWithTotp(optional);
    const b = await userWithTotp(optional);
    const forA = await passwordSignIn(optional, a.email);
    expect((await cognitoError(answerCode(optional, b.email, forA.Session, totpCode(b.secret, now)))).name).toBe('NotAuthorizedException');
    const setup = optional.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: optional.cognito.clientId,
        ChallengeName: 'MFA_SETUP',
        Session: forA.Session,
        ChallengeResponses: { USERNAME: a.email },
      }),
    );
    expect((await cognitoError(setup)).name).toBe('NotAuthorizedException');
  });

  it('the user turns TOTP off again; sign-in then asks for no code', async () => {
    const { email, secret } = await userWithTotp(optional);
    const challenge = await passwordSignIn(optional, email);
    const access = (await answerCode(optional, email, challenge.Session, totpCode(secret, now))).AuthenticationResult?.AccessToken;
    await optional.client.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: false } }));
    expect((await passwordSignIn(optional, email)).AuthenticationResult?.AccessToken).toBeTruthy();
  });
});

describe('TOTP on a pool with MFA required', () => {
  const setup = async (email: string) => {
    const challenge = await passwordSignIn(required, email);
    expect(challenge.ChallengeName).toBe('MFA_SETUP');
    expect(JSON.parse(challenge.ChallengeParameters?.MFAS_CAN_SETUP ?? '[]')).toEqual(['SOFTWARE_TOKEN_MFA']);
    return challenge;
  };

  it('MFA_SETUP: AssociateSoftwareToken and VerifySoftwareToken with sessions, then RespondToAuthChallenge signs in', async () => {
    const email = await confirmedUser(required);
    const challenge = await setup(email);
    const associated = await required.client.send(new AssociateSoftwareTokenCommand({ Session: challenge.Session }));
    expect(associated.SecretCode).toMatch(/^[A-Z2-7]{52}$/);
    expect(associated.Session).toBeTruthy();
    // The challenge's session was spent by the association.
    expect((await cognitoError(required.client.send(new AssociateSoftwareTokenCommand({ Session: challenge.Session })))).name).toBe('NotAuthorizedException');
    const secret = associated.SecretCode!;
    const wrong = required.client.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: '000000' }));
    expect((await cognitoError(wrong)).name).toBe('EnableSoftwareTokenMFAException');
    const verified = await required.client.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(secret, now) }));
    expect(verified).toMatchObject({ Status: 'SUCCESS', Session: expect.any(String) });
    const signedIn = await required.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: required.cognito.clientId,
        ChallengeName: 'MFA_SETUP',
        Session: verified.Session,
        ChallengeResponses: { USERNAME: email },
      }),
    );
    expect(signedIn.AuthenticationResult?.AccessToken).toBeTruthy();
    const user = await required.client.send(new AdminGetUserCommand({ UserPoolId: required.cognito.userPoolId, Username: email }));
    expect(user).toMatchObject({ UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' });
    now += STEP_MS;
    expect((await passwordSignIn(required, email)).ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    // A user cannot turn TOTP off where the pool requires MFA.
    const refused = required.client.send(
      new SetUserMFAPreferenceCommand({ AccessToken: signedIn.AuthenticationResult?.AccessToken, SoftwareTokenMfaSettings: { Enabled: false } }),
    );
    expect((await cognitoError(refused)).name).toBe('InvalidParameterException');
  });

  it('an invited user sets a new password and then TOTP up (NEW_PASSWORD_REQUIRED, then MFA_SETUP)', async () => {
    const email = `invited${++counter}@example.com`;
    await required.client.send(
      new AdminCreateUserCommand({
        UserPoolId: required.cognito.userPoolId,
        Username: email,
        TemporaryPassword: 'Temp-Pass-1234!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const first = await required.client.send(
      new InitiateAuthCommand({
        ClientId: required.cognito.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: 'Temp-Pass-1234!' },
      }),
    );
    const next = await required.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: required.cognito.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: first.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: PASSWORD },
      }),
    );
    expect(next.ChallengeName).toBe('MFA_SETUP');
    expect(next.AuthenticationResult).toBeUndefined();
  });

  it("an administrator's reset (AdminSetUserMFAPreference off) makes the next sign-in set TOTP up again", async () => {
    const email = await confirmedUser(required);
    const associated = await required.client.send(new AssociateSoftwareTokenCommand({ Session: (await setup(email)).Session }));
    const verified = await required.client.send(
      new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, now) }),
    );
    await required.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: required.cognito.clientId,
        ChallengeName: 'MFA_SETUP',
        Session: verified.Session,
        ChallengeResponses: { USERNAME: email },
      }),
    );
    await required.client.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: required.cognito.userPoolId, Username: email, SoftwareTokenMfaSettings: { Enabled: false } }),
    );
    await setup(email);
  });

  it('AdminInitiateAuth and AdminRespondToAuthChallenge run the same challenge with the same sessions', async () => {
    const email = await confirmedUser(required);
    const ids = { UserPoolId: required.cognito.userPoolId, ClientId: required.cognito.clientId };
    const first = await required.client.send(
      new AdminInitiateAuthCommand({ ...ids, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
    );
    expect(first.ChallengeName).toBe('MFA_SETUP');
    const associated = await required.client.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const verified = await required.client.send(
      new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: totpCode(associated.SecretCode!, now) }),
    );
    const done = await required.client.send(
      new AdminRespondToAuthChallengeCommand({ ...ids, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: email } }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    now += STEP_MS;
    const second = await required.client.send(
      new AdminInitiateAuthCommand({ ...ids, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
    );
    expect(second.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const signedIn = await required.client.send(
      new AdminRespondToAuthChallengeCommand({
        ...ids,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: second.Session,
        ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: totpCode(associated.SecretCode!, now) },
      }),
    );
    expect(signedIn.AuthenticationResult?.AccessToken).toBeTruthy();
  });
});
