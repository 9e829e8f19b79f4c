/**
 * The local console's JSON API and page, in-process on one local stack (the echo handler stands in for the
 * Lambda): users and their actions through the local Cognito, the mailbox for test code, the API requests, live
 * change notices, and the guards of an unauthenticated API (cross-site requests, foreign host names, non-loopback
 * interfaces).
 */
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildStackModel } from '../../../src/core/stack-model.js';
import { totpCode } from '../../../src/core/totp.js';
import { CONSOLE_HEADER, isLoopback, refusal, type ConsoleRequest, type ConsoleUser } from '../../../src/local/console/server.js';
import { readMailbox, type MailboxMessage } from '../../../src/local/mailbox.js';
import { startLocalStack, type LocalStack } from '../../../src/local/supervisor.js';
import { cognitoError } from '../../helpers/local-cognito.js';
import { tempDir } from '../../helpers/local-temp.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/local/echo-handler.mjs', import.meta.url));
const PASSWORD = 'Corr3ct-Horse!';

let dir: Awaited<ReturnType<typeof tempDir>>;
let stack: LocalStack;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  dir = await tempDir();
  // MFA optional: a user may turn TOTP on, and the console shows who has.
  stack = await startLocalStack({
    dir: join(dir.path, '.authstack'),
    apiPort: 0,
    cognitoPort: 0,
    bundlePath: FIXTURE,
    model: buildStackModel({ mfa: 'optional' }),
  });
  cognito = new CognitoIdentityProviderClient({
    endpoint: stack.cognitoEndpoint,
    region: stack.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  cognito?.destroy();
  await stack?.stop();
  await dir?.remove();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

/** One HTTP request with exactly these headers (fetch would add its own, and may not set Host). */
function raw(method: string, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const api = (path: string): string => `${stack.consoleUrl}api/${path}`;
const change = (method: string, path: string): Promise<Answer> => raw(method, api(path), { [CONSOLE_HEADER]: '1' });

async function signUp(email: string): Promise<string> {
  const out = await cognito.send(new SignUpCommand({ ClientId: stack.clientId, Username: email, Password: PASSWORD }));
  return out.UserSub!;
}

async function user(email: string): Promise<ConsoleUser> {
  const res = await raw('GET', api('users'));
  expect(res.status).toBe(200);
  const found = res.json<{ users: ConsoleUser[] }>().users.find((u) => u.email === email);
  if (!found) throw new Error(`${email} is not listed`);
  return found;
}

describe('the local console', () => {
  it('is served at <cognito endpoint>/_authstack/ as one self-contained page: inline style and script only, a CSP that allows nothing else', async () => {
    expect(stack.consoleUrl).toBe(`${stack.cognitoEndpoint}/_authstack/`);
    const page = await raw('GET', stack.consoleUrl!);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
    expect(page.text).toContain(`<script nonce="${nonce}">`);
    expect(page.text).toContain(`<style nonce="${nonce}">`);
    expect(page.text).not.toMatch(/<script[^>]+src=|<link[^>]+href="(?!data:)|@import|url\(/);
    expect(page.text).toContain(stack.userPoolId);
    // A second load has a fresh nonce.
    expect((await raw('GET', stack.consoleUrl!)).headers['content-security-policy']).not.toBe(csp);
  });

  it('lists users with status, enabled, groups and attributes', async () => {
    const sub = await signUp('list.me@example.com');
    await cognito.send(new CreateGroupCommand({ UserPoolId: stack.userPoolId, GroupName: 'editors' }));
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: stack.userPoolId, Username: sub, GroupName: 'editors' }));
    const listed = await user('list.me@example.com');
    expect(listed).toMatchObject({ username: sub, status: 'UNCONFIRMED', enabled: true, groups: ['editors'] });
    expect(listed.attributes).toMatchObject({ email: 'list.me@example.com', sub });
    expect(Date.parse(listed.created!)).not.toBeNaN();
    const one = await raw('GET', api(`users/${sub}`));
    expect(one.json()).toEqual({ user: listed });
  });

  it("shows each user's MFA: TOTP on and preferred for a user who set an app up, off for the others (ListUsers does not return it, AdminGetUser does)", async () => {
    const email = 'totp.me@example.com';
    const sub = await signUp(email);
    await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: stack.userPoolId, Username: sub }));
    expect(await user(email)).toMatchObject({ mfa: 'off' });
    expect((await user(email)).preferredMfa).toBeUndefined();
    const access = (
      await cognito.send(new InitiateAuthCommand({ ClientId: stack.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }))
    ).AuthenticationResult?.AccessToken;
    const { SecretCode } = await cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: access }));
    await cognito.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: totpCode(SecretCode ?? '', Date.now()) }));
    await cognito.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const listed = await user(email);
    expect(listed).toMatchObject({ mfa: 'totp', preferredMfa: 'SOFTWARE_TOKEN_MFA' });
    expect((await raw('GET', api(`users/${sub}`))).json()).toEqual({ user: listed });
    await signUp('no.totp@example.com');
    expect(await user('no.totp@example.com')).toMatchObject({ mfa: 'off' });
  });

  it('confirms, disables, enables, resets the password of and deletes a user, as Cognito then sees it', async () => {
    const email = 'actions@example.com';
    const sub = await signUp(email);

    const confirmed = await change('POST', `users/${sub}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.json().user).toMatchObject({ status: 'CONFIRMED', enabled: true });
    const again = await change('POST', `users/${sub}/confirm`);
    expect(again.status).toBe(409);
    expect(again.json().error.code).toBe('NotAuthorizedException');

    expect((await change('POST', `users/${encodeURIComponent(email)}/disable`)).json().user).toMatchObject({ enabled: false });
    const signIn = () =>
      cognito.send(new InitiateAuthCommand({ ClientId: stack.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
    expect(await cognitoError(signIn())).toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    expect((await change('POST', `users/${sub}/enable`)).json().user).toMatchObject({ enabled: true });
    expect((await signIn()).AuthenticationResult?.AccessToken).toBeTruthy();

    expect((await change('POST', `users/${sub}/reset-password`)).json().user).toMatchObject({ status: 'RESET_REQUIRED' });
    const mail = await raw('GET', api(`mailbox?to=${encodeURIComponent(email)}&kind=forgot`));
    expect(mail.json().messages).toHaveLength(1);

    const deleted = await change('DELETE', `users/${sub}`);
    expect(deleted.json()).toEqual({ deleted: sub, email });
    expect((await raw('GET', api(`users/${sub}`))).status).toBe(404);
    const missing = await change('DELETE', `users/${sub}`);
    expect(missing.status).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'UserNotFoundException' });
    expect((await change('POST', `users/${sub}/promote`)).status).toBe(404);
    expect((await change('POST', 'users/%E0%A4%A/confirm')).json().error.code).toBe('InvalidParameter');
    const wrongMethod = await change('PUT', `users/${sub}/confirm`);
    expect([wrongMethod.status, wrongMethod.headers.allow]).toEqual([405, 'POST']);
  });

  it('GET /_authstack/api/mailbox lists every code sent, newest first, filtered by to (any case), kind and limit', async () => {
    const email = 'Mail.Box@example.com';
    await signUp(email);
    await cognito.send(new ResendConfirmationCodeCommand({ ClientId: stack.clientId, Username: email }));
    const all = (await raw('GET', api('mailbox'))).json<{ messages: MailboxMessage[] }>().messages;
    expect(all.length).toBeGreaterThanOrEqual(2);
    const times = all.map((m) => Date.parse(m.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all).toEqual((await readMailbox(stack.dataDir)).reverse());

    const mine = (await raw('GET', api('mailbox?to=mail.box@EXAMPLE.com'))).json<{ messages: MailboxMessage[] }>().messages;
    expect(mine.map((m) => m.kind)).toEqual(['resend', 'signup']);
    expect(mine[0]).toEqual({ to: email, username: expect.any(String), code: expect.stringMatching(/^\d{6}$/), kind: 'resend', at: expect.any(String) });
    expect((await raw('GET', api('mailbox?to=mail.box@example.com&kind=signup'))).json().messages).toEqual([mine[1]]);
    expect((await raw('GET', api('mailbox?to=mail.box@example.com&limit=1'))).json().messages).toEqual([mine[0]]);
    const bad = await raw('GET', api('mailbox?limit=none'));
    expect([bad.status, bad.json().error.code]).toEqual([400, 'InvalidParameter']);
  });

  it('lists the last API requests, newest first, with method, path, status and latency', async () => {
    await fetch(`${stack.apiUrl}/app/health`);
    await fetch(`${stack.apiUrl}/console/probe?x=1`, { method: 'POST', body: '{}' });
    const { requests } = (await raw('GET', api('requests?limit=2'))).json<{ requests: ConsoleRequest[] }>();
    expect(requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/console/probe', 200],
      ['GET', '/app/health', 200],
    ]);
    expect(requests[0]!.ms).toBeGreaterThan(0);
    expect(requests[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tells an open page what changed through server-sent events', async () => {
    const events = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
      request(api('events'), (res) => resolve(res))
        .on('error', reject)
        .end(),
    );
    expect(events.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    let text = '';
    events.setEncoding('utf8');
    const seen = new Promise<string>((resolve) =>
      events.on('data', (d: string) => {
        text += d;
        if (/event: change\ndata: .*"mailbox"/.test(text)) resolve(text);
      }),
    );
    await signUp('live@example.com');
    const topics = JSON.parse(/event: change\ndata: (.*)\n/.exec(await seen)![1]!).topics as string[];
    expect(topics).toEqual(expect.arrayContaining(['mailbox', 'users']));
    events.destroy();
  });

  it('refuses cross-site requests: changes without its header, another Origin, Sec-Fetch-Site cross-site, a preflight', async () => {
    const email = 'guarded@example.com';
    const sub = await signUp(email);
    const refused = async (method: string, path: string, headers: Record<string, string>) => {
      const res = await raw(method, api(path), headers);
      expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      return res.json().error.message as string;
    };
    expect(await refused('POST', `users/${sub}/disable`, {})).toContain(CONSOLE_HEADER);
    // A form post from another site: no custom header, its own Origin.
    await refused('POST', `users/${sub}/disable`, { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' });
    await refused('POST', `users/${sub}/disable`, { origin: 'https://evil.example', [CONSOLE_HEADER]: '1' });
    await refused('DELETE', `users/${sub}`, { 'sec-fetch-site': 'cross-site', [CONSOLE_HEADER]: '1' });
    await refused('OPTIONS', `users/${sub}/disable`, { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    await refused('GET', 'mailbox', { origin: 'https://evil.example' });
    await refused('GET', 'mailbox', { 'sec-fetch-site': 'same-site' });
    expect(await user(email)).toMatchObject({ enabled: true });

    // Its own page's requests pass: same Origin, same-origin fetch metadata, the header.
    const host = new URL(stack.cognitoEndpoint).host;
    const own = await raw('POST', api(`users/${sub}/disable`), { origin: `http://${host}`, 'sec-fetch-site': 'same-origin', [CONSOLE_HEADER]: '1' });
    expect(own.status).toBe(200);
  });

  it('refuses another host name pointed at 127.0.0.1 (DNS rebinding), and non-loopback peers', async () => {
    const port = new URL(stack.cognitoEndpoint).port;
    for (const path of ['', 'api/mailbox']) {
      const res = await raw('GET', `${stack.consoleUrl}${path}`, { host: `attacker.example:${port}` });
      expect(res.status).toBe(403);
      expect(res.text).not.toContain('<script');
    }
    expect((await raw('GET', `${stack.consoleUrl}api/mailbox`, { host: `localhost:${port}` })).status).toBe(200);
    const fromNetwork = { headers: { host: `127.0.0.1:${port}` }, socket: { remoteAddress: '192.168.1.20' }, method: 'GET' };
    expect(refusal(fromNetwork as never, true, false)).toBe('The local console answers this machine only.');
    expect(refusal(fromNetwork as never, true, true)).toBeUndefined();
    expect(['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1', 'localhost', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.20', '::', 'attacker.example', '127.0.0.1.example'].some(isLoopback)).toBe(false);
  });

  it('leaves the local Cognito and the hosted pages as they were', async () => {
    expect((await raw('GET', `${stack.cognitoEndpoint}/health`)).json()).toEqual({ ok: true });
    expect((await raw('GET', `${stack.cognitoEndpoint}/_authstackx`)).status).toBe(404);
    expect((await raw('GET', `${stack.cognitoEndpoint}/_authstack`)).headers.location).toBe('/_authstack/');
  });
});

describe('the local console on other interfaces', () => {
  it('is not served when the stack listens on a non-loopback interface, unless asked for; never with console: false', async () => {
    const started: LocalStack[] = [];
    const start = async (host: string, console?: boolean) => {
      const other = await startLocalStack({
        dir: join(dir.path, `.authstack-${started.length}`),
        apiPort: 0,
        cognitoPort: 0,
        bundlePath: FIXTURE,
        host,
        console,
      });
      started.push(other);
      return other;
    };
    try {
      // Bound to every interface: reached here through 127.0.0.1, and still not served.
      const wide = await start('0.0.0.0');
      expect(wide.consoleUrl).toBeUndefined();
      const port = new URL(wide.cognitoEndpoint).port;
      expect((await raw('GET', `http://127.0.0.1:${port}/_authstack/api/mailbox`)).status).toBe(404);
      expect((await raw('GET', `http://127.0.0.1:${port}/_authstack/`)).status).toBe(404);

      const off = await start('127.0.0.1', false);
      expect(off.consoleUrl).toBeUndefined();
      expect((await raw('GET', `${off.cognitoEndpoint}/_authstack/`)).status).toBe(404);

      const asked = await start('0.0.0.0', true);
      const askedPort = new URL(asked.cognitoEndpoint).port;
      expect((await raw('GET', `http://127.0.0.1:${askedPort}/_authstack/api/mailbox`)).json()).toEqual({ messages: [] });
    } finally {
      await Promise.all(started.map((s) => s.stop()));
    }
  });
});
