/**
 * The hosted sign-in page's TOTP steps on local Cognitos with MFA optional and required: after the password, the
 * code page for a user with TOTP on, or the setup page (QR code as an inline SVG, the secret, the first code) where
 * the pool requires MFA; a wrong code is asked again, an expired session (three minutes, on the moved clock) goes
 * back to sign-in, and a right code ends at the app's callback with an authorization code.
 */
import {
  AdminConfirmSignUpCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS } from '../../../src/core/hosted-ui.js';
import { buildStackModel, type MfaSetting } from '../../../src/core/stack-model.js';
import { TOTP_PERIOD_SECONDS, totpCode } from '../../../src/core/totp.js';
import { AUTH_SESSION_TTL_MS } from '../../../src/local/cognito/auth-sessions.js';
import { localClient, localPool } from '../../../src/local/cognito.js';
import { PageClient, type PageResult } from '../../helpers/hosted-ui.js';
import { localCognitoForFile, type LocalCognitoFixture } from '../../helpers/local-cognito.js';

const PASSWORD = 'Corr3ct-Horse!';
let now = Date.parse('2026-04-01T08:00:10Z');
const clock = { get: () => new Date(now) };
const settingsFor = (mfa: MfaSetting) => {
  const model = buildStackModel({ mfa });
  return { pool: localPool(model), client: localClient(model) };
};
const optional = localCognitoForFile({ clock, settings: settingsFor('optional') });
const required = localCognitoForFile({ clock, settings: settingsFor('required') });
let counter = 0;

async function confirmedUser(local: LocalCognitoFixture): Promise<string> {
  const email = `page-mfa${++counter}@example.com`;
  await local.client.send(new SignUpCommand({ ClientId: local.cognito.clientId, Username: email, Password: PASSWORD }));
  await local.client.send(new AdminConfirmSignUpCommand({ UserPoolId: local.cognito.userPoolId, Username: email }));
  return email;
}

async function userWithTotp(local: LocalCognitoFixture): Promise<{ email: string; secret: string }> {
  const email = await confirmedUser(local);
  const signIn = await local.client.send(
    new InitiateAuthCommand({ ClientId: local.cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
  );
  const AccessToken = signIn.AuthenticationResult?.AccessToken;
  const { SecretCode } = await local.client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  await local.client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(SecretCode!, now) }));
  await local.client.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  now += TOTP_PERIOD_SECONDS * 1000;
  return { email, secret: SecretCode! };
}

const startUrl = (local: LocalCognitoFixture) => {
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

const decodeEntities = (text: string) => text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
/** Submits the page's form with its hidden fields, as a browser does (PageClient adds only the CSRF token). */
const submit = (browser: PageClient, page: PageResult, fields: Record<string, string>) => {
  const hidden = Object.fromEntries([...page.html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, decodeEntities(m[2]!)]));
  const { _csrf: _token, ...rest } = hidden;
  return browser.submit(page, { ...rest, ...fields });
};

const expectCallback = (page: PageResult) => {
  const callback = new URL(page.location ?? '');
  expect(`${callback.origin}${callback.pathname}`).toBe(DEFAULT_CALLBACK_URLS[0]);
  expect(callback.searchParams.get('code')).toBeTruthy();
  expect(callback.searchParams.get('state')).toBe('st4te');
};

describe('the hosted sign-in with TOTP on', () => {
  it('asks for the code after the password, asks again after a wrong one, and signs in with the right one', async () => {
    const { email, secret } = await userWithTotp(optional);
    const browser = new PageClient(optional.cognito.endpoint);
    const step = await browser.submit(await browser.get(startUrl(optional)), { username: email, password: PASSWORD });
    expect(step.status).toBe(200);
    expect(step.html).toContain('<h1>Two-factor sign-in</h1>');
    expect(step.html).toContain('autocomplete="one-time-code"');
    const wrong = await submit(browser, step, { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toMatch(/role="alert"[^>]*>Invalid code or auth state for the user\./);
    expectCallback(await submit(browser, wrong, { code: totpCode(secret, now) }));
  });

  it('sends an expired code step back to sign-in (fake time)', async () => {
    const { email, secret } = await userWithTotp(optional);
    const browser = new PageClient(optional.cognito.endpoint);
    const step = await browser.submit(await browser.get(startUrl(optional)), { username: email, password: PASSWORD });
    now += AUTH_SESSION_TTL_MS + 1000;
    const back = await submit(browser, step, { code: totpCode(secret, now) });
    expect(back.status).toBe(400);
    expect(back.html).toContain('<h1>Sign in</h1>');
    expect(back.html).toContain('session is expired');
  });
});

describe('the hosted sign-in where MFA is required', () => {
  it('offers setup with a QR image and the secret, takes the first code (again after a wrong one) and signs in', async () => {
    const email = await confirmedUser(required);
    const browser = new PageClient(required.cognito.endpoint);
    const setup = await browser.submit(await browser.get(startUrl(required)), { username: email, password: PASSWORD });
    expect(setup.status).toBe(200);
    expect(setup.html).toContain('<h1>Set up two-factor sign-in</h1>');
    expect(setup.html).toMatch(/<svg[^>]*>.*<path/s);
    const secret = decodeEntities(setup.html.match(/<code id="secret">([^<]+)<\/code>/)?.[1] ?? '').replaceAll(' ', '');
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
    const wrong = await submit(browser, setup, { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('That code is not right.');
    expect(wrong.html).toContain(secret.slice(0, 4));
    expectCallback(await submit(browser, wrong, { code: totpCode(secret, now) }));

    // Set up: the next sign-in asks for the code.
    now += TOTP_PERIOD_SECONDS * 1000;
    const again = new PageClient(required.cognito.endpoint);
    const next = await again.submit(await again.get(startUrl(required)), { username: email, password: PASSWORD });
    expect(next.html).toContain('<h1>Two-factor sign-in</h1>');
  });

  it('starts a bare GET of the code and setup forms at the sign-in page', async () => {
    const browser = new PageClient(required.cognito.endpoint);
    const query = new URL(startUrl(required)).search;
    for (const path of ['/mfa', '/mfaSetup']) {
      const page = await browser.get(`${required.cognito.endpoint}${path}${query}`);
      expect(page.url).toContain('/login?');
      expect(page.html).toContain('<h1>Sign in</h1>');
    }
  });
});
