/**
 * TOTP MFA through the front-end libraries real apps use, against local Cognitos with MFA optional and required:
 * aws-amplify v6 (setUpTOTP → verifyTOTPSetup → updateMFAPreference, then signIn's CONFIRM_SIGN_IN_WITH_TOTP_CODE
 * and confirmSignIn; CONTINUE_SIGN_IN_WITH_TOTP_SETUP for a new user where MFA is required) and
 * amazon-cognito-identity-js (associateSoftwareToken / verifySoftwareToken / setUserMfaPreference, the totpRequired
 * and mfaSetup callbacks, sendMFACode). Both sign in with SRP, their default. The codes are computed as an
 * authenticator app computes them, on the local Cognito's clock (real time plus an offset the tests move).
 */
import { SignUpCommand, AdminConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchMFAPreference, setUpTOTP, signIn, signOut, updateMFAPreference, verifyTOTPSetup } from 'aws-amplify/auth';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { afterAll, describe, expect, it } from 'vitest';

import { buildStackModel, type MfaSetting } from '../../../src/core/stack-model.js';
import { TOTP_PERIOD_SECONDS, totpCode } from '../../../src/core/totp.js';
import { localClient, localPool } from '../../../src/local/cognito.js';
import { cognitoError, localCognitoForFile, type LocalCognitoFixture } from '../../helpers/local-cognito.js';

const PASSWORD = 'Corr3ct-Horse!';
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;

// Near real time (the libraries compare token times with their own clock), moved a step on where a test needs a
// fresh code: a code is good for one sign-in only.
let offset = 0;
const now = () => Date.now() + offset;
const nextStep = () => void (offset += STEP_MS);
const settingsFor = (mfa: MfaSetting) => {
  const model = buildStackModel({ mfa });
  return { pool: localPool(model), client: localClient(model) };
};
const optional = localCognitoForFile({ clock: { get: () => new Date(now()) }, settings: settingsFor('optional') });
const required = localCognitoForFile({ clock: { get: () => new Date(now()) }, settings: settingsFor('required') });
let counter = 0;

async function confirmedUser(local: LocalCognitoFixture): Promise<string> {
  const email = `lib-mfa${++counter}.${Date.now()}@example.com`;
  await local.client.send(new SignUpCommand({ ClientId: local.cognito.clientId, Username: email, Password: PASSWORD }));
  await local.client.send(new AdminConfirmSignUpCommand({ UserPoolId: local.cognito.userPoolId, Username: email }));
  return email;
}

function configureAmplify(local: LocalCognitoFixture): void {
  Amplify.configure({
    Auth: { Cognito: { userPoolId: local.cognito.userPoolId, userPoolClientId: local.cognito.clientId, userPoolEndpoint: local.cognito.endpoint } },
  });
}

afterAll(async () => {
  // Amplify is one module for every test file in this worker: leave it signed out.
  await signOut().catch(() => undefined);
});

describe('aws-amplify v6', () => {
  it('setUpTOTP → verifyTOTPSetup → updateMFAPreference; then signIn asks CONFIRM_SIGN_IN_WITH_TOTP_CODE and confirmSignIn signs in', async () => {
    configureAmplify(optional);
    const email = await confirmedUser(optional);
    expect((await signIn({ username: email, password: PASSWORD })).isSignedIn).toBe(true);
    const details = await setUpTOTP();
    expect(details.getSetupUri('authstack', email).toString()).toMatch(/^otpauth:\/\/totp\//);
    await verifyTOTPSetup({ code: totpCode(details.sharedSecret, now()) });
    await updateMFAPreference({ totp: 'PREFERRED' });
    expect(await fetchMFAPreference()).toMatchObject({ enabled: ['TOTP'], preferred: 'TOTP' });
    await signOut();

    nextStep();
    const step = await signIn({ username: email, password: PASSWORD });
    expect(step.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    // A wrong code fails as on Cognito, and the same sign-in takes the right one after it.
    expect((await cognitoError(confirmSignIn({ challengeResponse: totpCode(details.sharedSecret, now() + 4 * STEP_MS) }))).name).toBe('CodeMismatchException');
    const done = await confirmSignIn({ challengeResponse: totpCode(details.sharedSecret, now()) });
    expect(done.isSignedIn).toBe(true);
    await signOut();
  });

  it('where MFA is required, a new user gets CONTINUE_SIGN_IN_WITH_TOTP_SETUP and completes it with the first code', async () => {
    configureAmplify(required);
    const email = await confirmedUser(required);
    const step = await signIn({ username: email, password: PASSWORD });
    expect(step.nextStep.signInStep).toBe('CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
    if (step.nextStep.signInStep !== 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP') return;
    const secret = step.nextStep.totpSetupDetails.sharedSecret;
    const done = await confirmSignIn({ challengeResponse: totpCode(secret, now()) });
    expect(done.isSignedIn).toBe(true);
    await signOut();

    nextStep();
    expect((await signIn({ username: email, password: PASSWORD })).nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    expect((await confirmSignIn({ challengeResponse: totpCode(secret, now()) })).isSignedIn).toBe(true);
    await signOut();
  });
});

describe('amazon-cognito-identity-js', () => {
  const userFor = (local: LocalCognitoFixture, email: string) =>
    new CognitoUser({
      Username: email,
      Pool: new CognitoUserPool({ UserPoolId: local.cognito.userPoolId, ClientId: local.cognito.clientId, endpoint: local.cognito.endpoint }),
    });

  type Outcome = { kind: 'session'; session: CognitoUserSession } | { kind: 'totpRequired' } | { kind: 'mfaSetup' };
  const authenticate = (user: CognitoUser, email: string) =>
    new Promise<Outcome>((resolve, reject) =>
      user.authenticateUser(new AuthenticationDetails({ Username: email, Password: PASSWORD }), {
        onSuccess: (session) => resolve({ kind: 'session', session }),
        onFailure: reject,
        totpRequired: () => resolve({ kind: 'totpRequired' }),
        mfaSetup: () => resolve({ kind: 'mfaSetup' }),
      }),
    );
  const sendCode = (user: CognitoUser, code: string) =>
    new Promise<CognitoUserSession>((resolve, reject) => user.sendMFACode(code, { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA'));
  const associate = (user: CognitoUser) =>
    new Promise<string>((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
  const verify = (user: CognitoUser, code: string) =>
    new Promise<unknown>((resolve, reject) => user.verifySoftwareToken(code, 'phone', { onSuccess: resolve, onFailure: reject }));

  it('associates and verifies while signed in, sets the preference, then totpRequired → sendMFACode signs in (a wrong code is refused)', async () => {
    const email = await confirmedUser(optional);
    const user = userFor(optional, email);
    expect((await authenticate(user, email)).kind).toBe('session');
    const secret = await associate(user);
    await verify(user, totpCode(secret, now()));
    await new Promise<void>((resolve, reject) =>
      user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, (error) => (error ? reject(error) : resolve())),
    );

    nextStep();
    const again = userFor(optional, email);
    expect((await authenticate(again, email)).kind).toBe('totpRequired');
    expect((await cognitoError(sendCode(again, totpCode(secret, now() + 4 * STEP_MS)))).name).toBe('CodeMismatchException');
    const session = await sendCode(again, totpCode(secret, now()));
    expect(session.getAccessToken().getJwtToken()).toBeTruthy();
  });

  it('where MFA is required: mfaSetup → associateSoftwareToken → verifySoftwareToken signs the new user in', async () => {
    const email = await confirmedUser(required);
    const user = userFor(required, email);
    expect((await authenticate(user, email)).kind).toBe('mfaSetup');
    const secret = await associate(user);
    const session = (await verify(user, totpCode(secret, now()))) as CognitoUserSession;
    expect(session.getAccessToken().getJwtToken()).toBeTruthy();

    nextStep();
    const again = userFor(required, email);
    expect((await authenticate(again, email)).kind).toBe('totpRequired');
    expect((await sendCode(again, totpCode(secret, now()))).getIdToken().getJwtToken()).toBeTruthy();
  });
});
