/**
 * One clock for the local Cognito and its hosted sign-in: the `clock` option of startLocalCognito. Nothing in
 * them reads the system time on its own, so a test moves the clock and sees tokens, codes and sessions expire
 * without sleeping.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfirmSignUpCommand, GetUserCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS } from '../../../src/core/hosted-ui.js';
import { CODE_TTL_MS, SESSION_TTL_MS } from '../../../src/local/oauth/context.js';
import { PageClient } from '../../helpers/hosted-ui.js';
import { cognitoError, localCognitoForFile } from '../../helpers/local-cognito.js';

const ROOT = join(import.meta.dirname, '../../..');
const PASSWORD = 'Corr3ct-Horse!';
const MINUTE = 60_000;

let now = Date.parse('2026-05-04T08:00:00Z');
const local = localCognitoForFile({ clock: { get: () => new Date(now) } });
let counter = 0;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

async function confirmedUser(): Promise<string> {
  const email = `clock${++counter}@example.com`;
  await local.client.send(new SignUpCommand({ ClientId: local.cognito.clientId, Username: email, Password: PASSWORD }));
  const code = local.cognito.mailbox.latestFor(email)?.code;
  await local.client.send(new ConfirmSignUpCommand({ ClientId: local.cognito.clientId, Username: email, ConfirmationCode: code }));
  return email;
}

const signIn = async (email: string) =>
  (
    await local.client.send(
      new InitiateAuthCommand({ ClientId: local.cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: PASSWORD } }),
    )
  ).AuthenticationResult!;

describe('the local Cognito reads one clock', () => {
  it('has no Date.now() or new Date() of its own in src/local/cognito*, src/local/cognito/ and src/local/oauth/', async () => {
    const files = [
      ...(await readdir(join(ROOT, 'src/local'))).filter((f) => /^cognito.*\.ts$/.test(f)).map((f) => join(ROOT, 'src/local', f)),
      ...(await sourceFiles('src/local/cognito')),
      ...(await sourceFiles('src/local/oauth')),
    ];
    expect(files.length).toBeGreaterThan(30);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      if (/Date\.now\(\)|new Date\(\)/.test(text)) offenders.push(file.slice(ROOT.length + 1));
    }
    expect(offenders).toEqual([]);
  });

  it("expires an access token after the client's 60 minutes; the refresh token still gets a new one", async () => {
    const email = await confirmedUser();
    const tokens = await signIn(email);
    now += 59 * MINUTE;
    expect((await local.client.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).Username).toBeTruthy();
    now += 2 * MINUTE;
    expect(await cognitoError(local.client.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Access Token has expired',
    });
    const refreshed = await local.client.send(
      new InitiateAuthCommand({ ClientId: local.cognito.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }),
    );
    const user = await local.client.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult?.AccessToken }));
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe(email);
  });

  it('stamps tokens with the clock: iat and auth_time are its seconds', async () => {
    const email = await confirmedUser();
    const tokens = await signIn(email);
    const claims = JSON.parse(Buffer.from(tokens.AccessToken!.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, number>;
    expect(claims.iat).toBe(Math.floor(now / 1000));
    expect(claims.auth_time).toBe(Math.floor(now / 1000));
    expect(claims.exp).toBe(Math.floor(now / 1000) + 3600);
  });
});

describe('the hosted sign-in reads the same clock', () => {
  const authorizeUrl = () =>
    `${local.cognito.endpoint}/oauth2/authorize?${new URLSearchParams({
      client_id: local.cognito.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: DEFAULT_CALLBACK_URLS[0]!,
    })}`;

  const exchange = (code: string) =>
    fetch(`${local.cognito.endpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: local.cognito.clientId, code, redirect_uri: DEFAULT_CALLBACK_URLS[0]! }),
    });

  it('refuses an authorization code older than five minutes (invalid_grant), and takes a fresh one', async () => {
    const email = await confirmedUser();
    const browser = new PageClient(local.cognito.endpoint);
    const back = await browser.submit(await browser.get(authorizeUrl()), { username: email, password: PASSWORD });
    const stale = new URL(back.location!).searchParams.get('code')!;
    now += CODE_TTL_MS + 1000;
    const refused = await exchange(stale);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant' });
    const fresh = new URL((await browser.get(authorizeUrl())).location!).searchParams.get('code')!;
    const granted = await exchange(fresh);
    expect(granted.status).toBe(200);
    expect(await granted.json()).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String) });
  });

  it('ends the sign-in session after an hour: authorize shows the sign-in page again', async () => {
    const email = await confirmedUser();
    const browser = new PageClient(local.cognito.endpoint);
    await browser.submit(await browser.get(authorizeUrl()), { username: email, password: PASSWORD });
    now += SESSION_TTL_MS - MINUTE;
    expect((await browser.get(authorizeUrl())).location).toMatch(/[?&]code=/);
    now += 2 * MINUTE;
    const page = await browser.get(authorizeUrl());
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('<h1>Sign in</h1>');
  });
});
