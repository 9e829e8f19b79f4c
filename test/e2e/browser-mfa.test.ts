/**
 * The hosted sign-in's TOTP steps in a real browser (Debian's Chromium, driven by puppeteer-core), against
 * in-process local Cognitos with MFA optional and required: a user with TOTP on signs in with the password and then
 * a code computed as the authenticator app would; a new user where MFA is required sees the setup page's QR code,
 * reads the secret off the page and finishes with the first code. Both end at the app's callback with an
 * authorization code (the callback is answered by request interception: nothing leaves the machine). Without
 * Chromium the tests are skipped and say so.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminConfirmSignUpCommand, AssociateSoftwareTokenCommand, InitiateAuthCommand, SetUserMFAPreferenceCommand, SignUpCommand, VerifySoftwareTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS } from '../../src/core/hosted-ui.js';
import { buildStackModel, type MfaSetting } from '../../src/core/stack-model.js';
import { TOTP_PERIOD_SECONDS, totpCode } from '../../src/core/totp.js';
import { localClient, localPool } from '../../src/local/cognito.js';
import { localCognitoForFile, type LocalCognitoFixture } from '../helpers/local-cognito.js';

const CHROMIUM = process.env.AUTHSTACK_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const PASSWORD = 'Corr3ct-Horse!';
const CALLBACK = DEFAULT_CALLBACK_URLS[0]!;

// Real time plus an offset the tests move a step on (a code is good for one sign-in).
let offset = 0;
const now = () => Date.now() + offset;
const settingsFor = (mfa: MfaSetting) => {
  const model = buildStackModel({ mfa });
  return { pool: localPool(model), client: localClient(model) };
};
const optional = localCognitoForFile({ clock: { get: () => new Date(now()) }, settings: settingsFor('optional') });
const required = localCognitoForFile({ clock: { get: () => new Date(now()) }, settings: settingsFor('required') });

if (!haveChromium) console.warn(`browser MFA tests did not run: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`);

describe.skipIf(!haveChromium)(`the hosted sign-in's TOTP steps in a real browser${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let profileDir: string;
  let browser: Browser;
  let page: Page;
  let counter = 0;

  beforeAll(async () => {
    profileDir = await mkdtemp(join(tmpdir(), 'authstack-chromium-mfa-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profileDir,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--renderer-process-limit=1'],
    });
    page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url().startsWith(CALLBACK)) void request.respond({ status: 200, contentType: 'text/plain', body: 'signed in' });
      else if (new URL(request.url()).hostname === '127.0.0.1') void request.continue();
      else void request.abort();
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  async function confirmedUser(local: LocalCognitoFixture): Promise<string> {
    const email = `browser-mfa${++counter}@example.com`;
    await local.client.send(new SignUpCommand({ ClientId: local.cognito.clientId, Username: email, Password: PASSWORD }));
    await local.client.send(new AdminConfirmSignUpCommand({ UserPoolId: local.cognito.userPoolId, Username: email }));
    return email;
  }

  async function signInWithPassword(local: LocalCognitoFixture, email: string): Promise<void> {
    const url = new URL('/oauth2/authorize', local.cognito.endpoint);
    url.search = new URLSearchParams({ client_id: local.cognito.clientId, response_type: 'code', scope: 'openid email', redirect_uri: CALLBACK, state: 'st4te' }).toString();
    const cookies = await browser.cookies();
    if (cookies.length) await browser.deleteCookie(...cookies);
    await page.goto(url.toString());
    await page.type('#username', email);
    await page.type('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }

  const expectCallback = () => {
    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(CALLBACK);
    expect(landed.searchParams.get('code')).toBeTruthy();
  };

  it('a user with TOTP on enters the code after the password and lands at the callback with a code', async () => {
    const email = await confirmedUser(optional);
    const auth = await optional.client.send(new InitiateAuthCommand({ ClientId: optional.cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
    const AccessToken = auth.AuthenticationResult?.AccessToken;
    const { SecretCode } = await optional.client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await optional.client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(SecretCode!, now()) }));
    await optional.client.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    offset += TOTP_PERIOD_SECONDS * 1000;

    await signInWithPassword(optional, email);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Two-factor sign-in');
    expect(await page.$eval('label[for=code]', (l) => l.textContent)).toBe('Code from your authenticator app');
    await page.type('#code', '000000');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.$eval('[role=alert]', (n) => n.textContent)).toContain('Invalid code');
    await page.type('#code', totpCode(SecretCode!, now()));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expectCallback();
  }, 60_000);

  it('where MFA is required, a new user scans the QR code (or reads the secret), enters the first code and lands at the callback', async () => {
    const email = await confirmedUser(required);
    await signInWithPassword(required, email);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Set up two-factor sign-in');
    const qr = await page.$eval('[role=img] svg', (svg) => svg.getBoundingClientRect().width);
    expect(qr).toBeGreaterThan(100);
    const secret = (await page.$eval('#secret', (n) => n.textContent ?? '')).replaceAll(' ', '');
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
    await page.type('#code', totpCode(secret, now()));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expectCallback();
  }, 60_000);
});
