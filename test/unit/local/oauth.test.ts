/**
 * The local hosted sign-in, checked by a certified OpenID Connect relying party (openid-client): discovery, the
 * authorization code flow with PKCE and nonce (the sign-in form driven over HTTP), ID token validation, userInfo,
 * refresh, sign-out, and the error answers Cognito gives.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS, DEFAULT_LOGOUT_URLS } from '../../../src/core/hosted-ui.js';
import { startLocalCognito, type LocalCognito } from '../../../src/local/cognito.js';
import { PageClient } from '../../helpers/hosted-ui.js';
import { tempDir } from '../../helpers/local-temp.js';

const PASSWORD = 'Corr3ct-Horse!';
const CALLBACK = DEFAULT_CALLBACK_URLS[0]!;

let dir: Awaited<ReturnType<typeof tempDir>>;
let cognito: LocalCognito;
let config: oidc.Configuration;
let counter = 0;

beforeAll(async () => {
  dir = await tempDir();
  cognito = await startLocalCognito({ port: 0, dataDir: dir.path });
  config = await oidc.discovery(new URL(cognito.issuer), cognito.clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
});

afterAll(async () => {
  await cognito?.close();
  await dir?.remove();
});

interface Flow {
  verifier: string;
  nonce: string;
  state: string;
  url: URL;
}

async function startFlow(params: Record<string, string> = {}): Promise<Flow> {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { verifier, nonce, state, url };
}

/** Signs up and confirms through the pages (the code from the mailbox); returns the browser and the email. */
async function signedUpUser(): Promise<{ browser: PageClient; email: string }> {
  const email = `oauth${++counter}.${Date.now()}@example.com`;
  const browser = new PageClient(cognito.endpoint);
  const { url } = await startFlow();
  const login = await browser.get(url.toString());
  expect(login.html).toContain('<h1>Sign in</h1>');
  const signUp = await browser.click(login, '/signup');
  const confirm = await browser.submit(signUp, { username: email, password: PASSWORD });
  expect(confirm.html).toContain('Confirm your account');
  const code = cognito.mailbox.latestFor(email)!.code;
  const confirmed = await browser.submit(confirm, { username: email, code, action: 'confirm' });
  expect(confirmed.html).toContain('Your account is confirmed');
  return { browser, email };
}

/** Runs the authorize request in the browser, signing in on the form if it shows; returns the callback URL. */
async function authorize(browser: PageClient, flow: Flow, email?: string): Promise<URL> {
  let page = await browser.get(flow.url.toString());
  if (!page.location && email) page = await browser.submit(page, { username: email, password: PASSWORD });
  if (!page.location) throw new Error(`no redirect back from ${page.url} (${page.status})`);
  return new URL(page.location);
}

async function grantError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { error?: string; code?: string }).error ?? (error as Error).message);
  }
  throw new Error('expected the grant to fail');
}

describe('local hosted sign-in with openid-client', () => {
  it('publishes discovery metadata at the issuer with the pool domain endpoints', () => {
    const meta = config.serverMetadata();
    expect(meta).toMatchObject({
      issuer: cognito.issuer,
      authorization_endpoint: `${cognito.endpoint}/oauth2/authorize`,
      token_endpoint: `${cognito.endpoint}/oauth2/token`,
      userinfo_endpoint: `${cognito.endpoint}/oauth2/userInfo`,
      jwks_uri: cognito.jwksUri,
    });
    expect(meta.supportsPKCE()).toBe(true);
  });

  it('runs the code flow with PKCE and nonce: validated ID token, userInfo, refresh, a session that skips the form, sign-out', async () => {
    const { browser, email } = await signedUpUser();
    const flow = await startFlow();
    const callback = await authorize(browser, flow, email);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe(flow.state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: flow.verifier,
      expectedNonce: flow.nonce,
      expectedState: flow.state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: cognito.issuer, aud: cognito.clientId, nonce: flow.nonce, email, token_use: 'id' });
    expect(tokens.token_type).toMatch(/^bearer$/i);
    expect(tokens.scope ?? 'openid email profile').toContain('openid');
    const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(access).toMatchObject({ token_use: 'access', client_id: cognito.clientId, scope: 'openid email profile', sub: claims.sub });

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: claims.sub, email, email_verified: 'true' });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ sub: claims.sub, aud: cognito.clientId });
    expect(await oidc.fetchUserInfo(config, refreshed.access_token, claims.sub)).toMatchObject({ email });

    // The session cookie (HttpOnly, SameSite=Lax) lets a second authorize skip the form.
    const again = await startFlow();
    const second = await authorize(browser, again);
    expect(second.searchParams.get('code')).toBeTruthy();

    const signOut = await browser.get(oidc.buildEndSessionUrl(config, { logout_uri: DEFAULT_LOGOUT_URLS[0]! }).toString());
    expect(signOut.location).toBe(DEFAULT_LOGOUT_URLS[0]);
    expect(browser.cookies.has('cognito')).toBe(false);
    const afterSignOut = await browser.get((await startFlow()).url.toString());
    expect(afterSignOut.location).toBeUndefined();
    expect(afterSignOut.html).toContain('<h1>Sign in</h1>');
  });

  it('revokes a refresh token at /oauth2/revoke (the endpoint Cognito has but does not advertise): refresh and the access token are then refused', async () => {
    const { browser, email } = await signedUpUser();
    const flow = await startFlow();
    const tokens = await oidc.authorizationCodeGrant(config, await authorize(browser, flow, email), {
      pkceCodeVerifier: flow.verifier,
      expectedNonce: flow.nonce,
      expectedState: flow.state,
    });
    // As an app configures it for Cognito: the discovered metadata plus the revocation endpoint of the pool domain.
    const discovered = JSON.parse(JSON.stringify(config.serverMetadata())) as oidc.ServerMetadata;
    const withRevocation = new oidc.Configuration(
      { ...discovered, revocation_endpoint: `${cognito.endpoint}/oauth2/revoke` },
      cognito.clientId,
      undefined,
      oidc.None(),
    );
    oidc.allowInsecureRequests(withRevocation);
    await oidc.tokenRevocation(withRevocation, tokens.refresh_token!);

    expect(await grantError(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    const info = await fetch(`${cognito.endpoint}/oauth2/userInfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(info.status).toBe(401);

    const revoke = (body: Record<string, string>) =>
      fetch(`${cognito.endpoint}/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });
    const answers = await Promise.all([
      revoke({ client_id: cognito.clientId }),
      revoke({ token: tokens.refresh_token!, client_id: 'someoneelse' }),
      revoke({ token: tokens.access_token, client_id: cognito.clientId }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([400, 400, 400]);
    expect(await Promise.all(answers.map(async (r) => ((await r.json()) as { error: string }).error))).toEqual([
      'invalid_request',
      'invalid_client',
      'unsupported_token_type',
    ]);
  });

  it('keeps the sign-in session in an HttpOnly, SameSite=Lax cookie', async () => {
    const { email } = await signedUpUser();
    const flow = await startFlow();
    const login = await fetch(`${cognito.endpoint}/login?${flow.url.searchParams}`);
    const csrfCookie = login.headers.getSetCookie()[0]!.split(';', 1)[0]!;
    const csrf = /name="_csrf" value="([^"]*)"/.exec(await login.text())![1]!;
    const res = await fetch(`${cognito.endpoint}/login?${flow.url.searchParams}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
      body: new URLSearchParams({ _csrf: csrf, username: email, password: PASSWORD }),
    });
    expect(res.status).toBe(302);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('cognito='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
  });

  it('shows the wrong password on the form and redirects nowhere', async () => {
    const { browser, email } = await signedUpUser();
    const page = await browser.get((await startFlow()).url.toString());
    const wrong = await browser.submit(page, { username: email, password: 'Wr0ng-password!' });
    expect(wrong.status).toBe(400);
    expect(wrong.location).toBeUndefined();
    expect(wrong.html).toContain('role="alert"');
    expect(wrong.html).toContain('Incorrect username or password.');
  });

  it('refuses a form post without the CSRF token of the page', async () => {
    const flow = await startFlow();
    const res = await fetch(`${cognito.endpoint}/login?${flow.url.searchParams}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=a%40example.com&password=x',
    });
    expect(res.status).toBe(403);
  });

  describe('errors as Cognito gives them', () => {
    let browser: PageClient;
    let email: string;
    beforeAll(async () => {
      ({ browser, email } = await signedUpUser());
    });

    it('a redirect URI that is not a callback URL of the client: the error page, no redirect', async () => {
      const page = await browser.get((await startFlow({ redirect_uri: 'http://localhost:1/elsewhere' })).url.toString());
      expect(page.location).toBeUndefined();
      expect(page.status).toBe(400);
      expect(new URL(page.url).searchParams.get('error')).toBe('redirect_mismatch');
    });

    it('an unknown client: the error page at authorize, invalid_client at the token endpoint', async () => {
      const flow = await startFlow({ client_id: 'no-such-client' });
      const page = await browser.get(flow.url.toString());
      expect(page.status).toBe(400);
      expect(page.location).toBeUndefined();
      const stranger = await oidc.discovery(new URL(cognito.issuer), 'no-such-client', undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      expect(await grantError(oidc.refreshTokenGrant(stranger, 'x'))).toBe('invalid_client');
    });

    it('a scope the client is not allowed: invalid_scope back at the callback with the state', async () => {
      const flow = await startFlow({ scope: 'openid phone' });
      const callback = await authorize(browser, flow);
      expect(callback.searchParams.get('error')).toBe('invalid_scope');
      expect(callback.searchParams.get('state')).toBe(flow.state);
      expect(await grantError(oidc.authorizationCodeGrant(config, callback, { expectedState: flow.state }))).toBe('invalid_scope');
    });

    it('a PKCE method other than S256: invalid_request', async () => {
      const flow = await startFlow({ code_challenge_method: 'plain' });
      expect((await authorize(browser, flow)).searchParams.get('error')).toBe('invalid_request');
    });

    it('a missing or wrong PKCE verifier, a reused code, another redirect URI: invalid_grant', async () => {
      const checks = (flow: Flow, verifier?: string) => ({ pkceCodeVerifier: verifier, expectedNonce: flow.nonce, expectedState: flow.state });

      const missing = await startFlow();
      const missingCallback = await authorize(browser, missing, email);
      expect(await grantError(oidc.authorizationCodeGrant(config, missingCallback, checks(missing)))).toBe('invalid_grant');

      const wrong = await startFlow();
      const wrongCallback = await authorize(browser, wrong, email);
      expect(await grantError(oidc.authorizationCodeGrant(config, wrongCallback, checks(wrong, oidc.randomPKCECodeVerifier())))).toBe('invalid_grant');

      const reused = await startFlow();
      const reusedCallback = await authorize(browser, reused, email);
      await oidc.authorizationCodeGrant(config, reusedCallback, checks(reused, reused.verifier));
      expect(await grantError(oidc.authorizationCodeGrant(config, reusedCallback, checks(reused, reused.verifier)))).toBe('invalid_grant');

      const moved = await startFlow();
      const movedCallback = await authorize(browser, moved, email);
      const elsewhere = new URL(`http://localhost:1/other${movedCallback.search}`);
      expect(await grantError(oidc.authorizationCodeGrant(config, elsewhere, checks(moved, moved.verifier)))).toBe('invalid_grant');
    });

    it("an access token that is not the pool's at userInfo: 401 invalid_token", async () => {
      const res = await fetch(`${cognito.endpoint}/oauth2/userInfo`, { headers: { authorization: 'Bearer not-a-token' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/invalid_token/);
    });

    it("a sign-out URL that is not the client's: the error page, the session kept", async () => {
      const page = await browser.get(`${cognito.endpoint}/logout?client_id=${cognito.clientId}&logout_uri=${encodeURIComponent('https://evil.example/')}`);
      expect(page.location).toBeUndefined();
      expect(new URL(page.url).searchParams.get('error')).toBe('redirect_mismatch');
    });
  });
});
