/**
 * The project's web pages in a real browser: headless Chromium (Debian's package) driven by puppeteer-core, one
 * browser and one renderer process for the file (on this machine a new renderer process, for a new browser context
 * or a site of its own, costs ~2 s of CPU). Without Chromium the tests are skipped and say so.
 * `UPDATE_SCREENSHOTS=1` also writes the screenshots the README shows (docs/*.png).
 *
 * - The hosted sign-in: sign up, confirm with the mailbox code, sign in on the page, and finish
 *   `authstack login --browser` (a real process) at the callback URL `dev --callback-url` set; then
 *   `authstack profile` shows that user.
 * - The local console, against `authstack dev` and the CLI run in-process: the page shows a user the CLI signed up
 *   and that user's code from the mailbox, follows the CLI's changes live, disables the user (`authstack users show`
 *   then sees it disabled) and deletes one after a confirmation; a user who turns TOTP on in the CLI shows it. It
 *   loads nothing but its own origin.
 * - The hosted sign-in's TOTP steps, against in-process local Cognitos with MFA optional and required: the code
 *   after the password (a wrong one re-asked), and a new user's setup page (QR code, secret, first code).
 * - A profile picture uploaded through an HTML form built from the presigned POST fields, against `dev --pictures`:
 *   published without EXIF; the same form with another user's key refused by the POST policy.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import exifr from 'exifr';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

import { readMailbox } from '../../src/local/mailbox.js';
import { DEFAULT_CALLBACK_URLS } from '../../src/core/hosted-ui.js';
import { buildStackModel, type MfaSetting } from '../../src/core/stack-model.js';
import { TOTP_PERIOD_SECONDS, totpCode } from '../../src/core/totp.js';
import { localClient, localPool } from '../../src/local/cognito.js';
import { localCognitoForFile, type LocalCognitoFixture } from '../helpers/local-cognito.js';
import { BIN, ROOT, cli as cliRun, freePort, startDev, workspace, type DevProcess } from '../helpers/e2e.js';
import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { runCli, tempDir } from '../helpers/run-cli.js';

const CHROMIUM = process.env.AUTHSTACK_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const PASSWORD = 'Corr3ct-Horse!';

// The hosted sign-in's TOTP steps run against in-process local Cognitos with MFA optional and required.
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

const JPEG = join(ROOT, 'test/fixtures/pictures/gps-rotated.jpg');

interface Upload {
  url: string;
  fields: Record<string, string>;
  key: string;
  version: string;
}

/** The form a web app renders from the API's answer: every field hidden, the file input last. */
function formPage(upload: Upload, key = upload.key): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const inputs = Object.entries({ ...upload.fields, key })
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('\n');
  return `<!doctype html><form id="upload" action="${esc(upload.url)}" method="post" enctype="multipart/form-data">
${inputs}
<input type="file" name="file" accept="image/*">
<button type="submit">Upload</button>
</form>`;
}

if (!haveChromium) {
  // Plainly, in the test output: a browser test that could not run must not look like one that passed.
  console.warn(`browser tests did not run: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`);
}

describe.skipIf(!haveChromium)(`the web pages in a real browser${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let profileDir: string | undefined;
  /** Started once, before either page's set-up, which each overlap it with starting their stack. */
  let launching: Promise<Browser>;

  beforeAll(() => {
    launching = mkdtemp(join(tmpdir(), 'authstack-chromium-')).then((dir) => {
      profileDir = dir;
      return puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: dir,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // The callback URL names localhost: resolve it to 127.0.0.1, where login --browser listens, and nothing else.
          '--host-resolver-rules=MAP localhost 127.0.0.1',
          // Every page in one renderer process, none started in advance: the pages are all the test's own.
          '--disable-site-isolation-trials',
          '--renderer-process-limit=1',
          '--disable-features=SpareRendererForSitePerProcess',
        ],
      });
    });
    // Reported by the set-up that awaits it.
    launching.catch(() => undefined);
  });

  afterAll(async () => {
    await (await launching.catch(() => undefined))?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  describe('the hosted sign-in', () => {
    let ws: Awaited<ReturnType<typeof workspace>>;
    let dev: DevProcess;
    let browser: Browser;
    let page: Page | undefined;
    /**
     * Where the sign-in comes back to: a free loopback port given to dev as the app client's callback URL (which
     * login --browser then listens on), not the default port, so a login --browser open elsewhere is no obstacle.
     */
    let callbackUrl: string;

    beforeAll(async () => {
      ws = await workspace();
      callbackUrl = `http://localhost:${await freePort()}/callback`;
      [dev, browser] = await Promise.all([startDev(ws, ['--callback-url', callbackUrl]), launching]);
    }, 60_000);

    afterAll(async () => {
      await page?.close();
      await dev?.stop();
      await ws?.cleanup();
    });

    /** Starts `login --browser --no-open` and waits for the sign-in URL it prints; stopped if the test fails. */
    async function browserLogin(): Promise<{ url: string; exited: Promise<number | null>; output: () => { stdout: string; stderr: string } }> {
      const login = spawn(process.execPath, [BIN, 'login', '--browser', '--no-open'], { cwd: ws.cwd, env: ws.env, stdio: ['ignore', 'pipe', 'pipe'] });
      // A failed step must not leave it listening on the callback port for the next run.
      onTestFinished(() => void (login.exitCode === null && login.signalCode === null && login.kill()));
      let stdout = '';
      let stderr = '';
      login.stdout.on('data', (d) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => login.once('close', resolve));
      const url = await new Promise<string>((resolve, reject) => {
        login.stderr.on('data', (d) => {
          stderr += d;
          const found = /(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)/.exec(stderr);
          if (found) resolve(found[1]!);
        });
        login.once('close', (code) => reject(new Error(`login --browser exited with ${code}:\n${stderr}`)));
      });
      return { url, exited, output: () => ({ stdout, stderr }) };
    }

    it('signs up, confirms with the mailbox code, signs in on the page and completes login --browser; profile shows the user', async () => {
      const email = `browser.${Date.now()}@example.com`;
      const { url, exited, output } = await browserLogin();
      expect(output().stderr).toContain('Open this URL in a browser to sign in');

      page = await browser.newPage();
      await page.goto(url);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Sign in');
      expect(await page.$eval('label[for=password]', (l) => l.textContent)).toBe('Password');
      if (process.env.UPDATE_SCREENSHOTS) {
        await page.setViewport({ width: 640, height: 560 });
        await page.screenshot({ path: join(ROOT, 'docs', 'sign-in.png') });
      }

      await Promise.all([page.waitForNavigation(), page.click('a[href*="/signup"]')]);
      await page.type('#username', email);
      await page.type('#password', PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Confirm your account');

      const mailbox = JSON.parse(await readFile(join(ws.cwd, '.authstack', 'local', 'mailbox.json'), 'utf8')) as { messages: { to: string; code: string }[] };
      const code = mailbox.messages.filter((m) => m.to === email).at(-1)!.code;
      await page.type('#code', code);
      await Promise.all([page.waitForNavigation(), page.click('button[value=confirm]')]);
      expect(await page.$eval('[role=status]', (n) => n.textContent)).toContain('Your account is confirmed');

      await page.type('#password', PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(page.url().startsWith(`${callbackUrl}?`)).toBe(true);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Signed in');

      expect(await exited).toBe(0);
      expect(output().stdout).toContain(`Logged in as ${email}`);

      const profile = await cliRun(['profile', '--json'], { cwd: ws.cwd, env: ws.env });
      expect(profile.code).toBe(0);
      expect(profile.json()).toMatchObject({ email });
    }, 60_000);

    it('asks an invited user (users create) for a new password on the page, checks it against the policy, then completes login --browser', async () => {
      const email = `invited.${Date.now()}@example.com`;
      const created = await cliRun(['users', 'create', email, '--json'], { cwd: ws.cwd, env: ws.env });
      expect(created.code).toBe(0);
      expect(created.json()).toMatchObject({ email, status: 'FORCE_CHANGE_PASSWORD' });
      const invitation = (await readMailbox(join(ws.cwd, '.authstack', 'local'))).filter((m) => m.to === email && m.kind === 'admin-create').at(-1);
      expect(invitation).toBeDefined();

      const { url, exited, output } = await browserLogin();
      await page?.close();
      page = await browser.newPage();
      // The first test's sign-in session would sign this one in as its user: a fresh browser for this user.
      await (await page.createCDPSession()).send('Network.clearBrowserCookies');
      await page.goto(url);
      await page.type('#username', email);
      await page.type('#password', invitation!.code);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Change your password');

      await page.type('#password', 'weakpass');
      await page.type('#confirm', 'weakpass');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.$eval('[role=alert]', (n) => n.textContent)).toMatch(/^Password did not conform with policy: /);

      await page.type('#password', PASSWORD);
      await page.type('#confirm', PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(page.url().startsWith(`${callbackUrl}?`)).toBe(true);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Signed in');
      expect(await exited).toBe(0);
      expect(output().stdout).toContain(`Logged in as ${email}`);

      const shown = await cliRun(['users', 'show', email, '--json'], { cwd: ws.cwd, env: ws.env });
      expect(shown.json()).toMatchObject({ status: 'CONFIRMED' });
    }, 60_000);
  });

  describe('the local console', () => {
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    let dev: DevInProcess;
    let browser: Browser;
    let page: Page | undefined;
    let consoleUrl: string;
    let dataDir: string;
    let apiUrl: string;
    const cli = (argv: string[], stdin?: string) => runCli(argv, { cwd: tmp.dir, stdin });

    beforeAll(async () => {
      tmp = await tempDir();
      // MFA optional, so a user can turn an authenticator app on and the console show it.
      dev = await startDevInProcess(tmp.dir, ['--mfa', 'optional']);
      consoleUrl = `${dev.target.cognitoEndpoint}/_authstack/`;
      dataDir = dev.target.localDataDir!;
      apiUrl = dev.target.apiUrl;
      // The first in-process command loads the CLI's modules: do it while Chromium starts.
      expect((await cli(['health'])).code).toBe(0);
      browser = await launching;
    }, 60_000);

    afterAll(async () => {
      await page?.close();
      const stopped = await dev?.stop();
      await tmp?.cleanup();
      expect(stopped?.stderr).toContain(`Console  ${consoleUrl}`);
    });

    /** Waits until the row of `email` in the users table has these data attributes (or is gone, for null). */
    const userRow = (page: Page, email: string, attrs: Record<string, string> | null) => {
      const selector = `#users tr[data-email="${email}"]${Object.entries(attrs ?? {})
        .map(([k, v]) => `[data-${k}="${v}"]`)
        .join('')}`;
      return attrs === null
        ? page.waitForFunction(`!document.querySelector(${JSON.stringify(selector)})`, { timeout: 10_000 })
        : page.waitForSelector(selector, { timeout: 10_000 });
    };

    it('shows a user the CLI signed up and the code from the mailbox, follows the CLI live (TOTP turned on in the CLI shows in the MFA column), disables the user (the CLI then sees it disabled) and deletes one after confirming', async () => {
      const ada = 'ada@example.com';
      const grace = 'grace@example.com';
      page = await browser.newPage();
      const requested: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.setViewport({ width: 1180, height: 600 });
      await page.goto(consoleUrl);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('authstack local console');
      await page.waitForSelector('#live.on');
      // The services' own panels: the function runtime lists the stack's functions (the built-in API first).
      await page.waitForSelector('#panels section[data-panel="functions"] tbody tr');
      expect(await page.$eval('#panels section[data-panel="functions"] h2', (h) => h.textContent)).toBe('Functions');
      expect(await page.$$eval('#panels section[data-panel="functions"] tbody tr td:first-child', (cells) => cells.map((c) => c.textContent))).toContain('api');

      // The page is open before the CLI acts: what follows arrives live.
      expect((await cli(['signup', ada, '--password-stdin'], PASSWORD)).code).toBe(0);
      await userRow(page, ada, { status: 'UNCONFIRMED', enabled: 'true' });
      const sent = (await readMailbox(dataDir)).filter((m) => m.to === ada).at(-1)!;
      await page.waitForSelector(`#mailbox tr[data-to="${ada}"]`);
      expect(await page.$eval(`#mailbox tr[data-to="${ada}"] .code`, (c) => c.textContent)).toBe(sent.code);

      const validated = await cli(['validate', ada, sent.code]);
      expect(validated.code, validated.stderr).toBe(0);
      await userRow(page, ada, { status: 'CONFIRMED' });
      expect(await page.$eval(`#users tr[data-email="${ada}"] td[data-mfa]`, (td) => td.getAttribute('data-mfa'))).toBe('off');
      // ada turns TOTP on from the CLI (the scripts' path): the row shows it, preferred.
      expect((await cli(['login', ada, '--password-stdin'], PASSWORD)).code).toBe(0);
      const setup = await cli(['mfa', 'setup', '--json']);
      expect(setup.code, setup.stderr).toBe(0);
      const verified = await cli(['mfa', 'verify', totpCode(setup.json().secret, Date.now())]);
      expect(verified.code, verified.stderr).toBe(0);
      await page.waitForSelector(`#users tr[data-email="${ada}"] td[data-mfa="totp"]`, { timeout: 10_000 });
      expect(await page.$eval(`#users tr[data-email="${ada}"] td[data-mfa]`, (td) => td.textContent)).toBe('TOTP · preferred');
      expect((await cli(['signup', grace, '--password-stdin'], PASSWORD)).code).toBe(0);
      expect((await cli(['health'])).code).toBe(0);
      await page.waitForSelector('#requests tr[data-status="200"]');
      // A refused request shows the error code the function logged for it.
      const again = await fetch(`${apiUrl}/user`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: grace, password: PASSWORD }),
      });
      const { error } = (await again.json()) as { error: { code: string } };
      await page.waitForSelector(`#requests tr[data-status="${again.status}"] .attrs`);
      expect(await page.$eval(`#requests tr[data-status="${again.status}"] .attrs`, (n) => n.textContent)).toBe(error.code);
      await userRow(page, grace, { status: 'UNCONFIRMED' });
      await page.waitForSelector(`#mailbox tr[data-to="${grace}"]`);
      // Newest first.
      expect(await page.$$eval('#mailbox tbody tr', (rows) => rows.map((r) => r.getAttribute('data-to')))).toEqual([grace, ada]);
      if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: join(ROOT, 'docs', 'console.png') });

      // By its accessible name, as a screen reader user would find it.
      await page.click(`::-p-aria(Disable ${ada})`);
      await userRow(page, ada, { enabled: 'false' });
      expect(await page.$eval('#status', (s) => s.textContent)).toBe(`Disabled ${ada}`);
      const shown = await cli(['users', 'show', ada, '--json']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.json()).toMatchObject({ email: ada, status: 'CONFIRMED', enabled: false });

      // Delete asks first; Cancel keeps the user.
      await page.click(`#users tr[data-email="${grace}"] button[data-action=delete]`);
      await page.waitForSelector('#confirm-delete[open]');
      expect(await page.$eval('#delete-name', (n) => n.textContent)).toBe(grace);
      await page.click('#delete-cancel');
      expect(await page.$(`#users tr[data-email="${grace}"]`)).not.toBeNull();
      await page.click(`#users tr[data-email="${grace}"] button[data-action=delete]`);
      await page.waitForSelector('#confirm-delete[open]');
      await page.click('#delete-confirm');
      await userRow(page, grace, null);
      const gone = await cli(['users', 'show', grace]);
      expect([gone.code, gone.stderr]).toEqual([1, expect.stringContaining(`No user ${grace}`)]);

      expect(problems).toEqual([]);
      expect(requested.every((url) => url.startsWith(`${new URL(consoleUrl).origin}/`))).toBe(true);
    }, 60_000);
  });

  describe(`the hosted sign-in's TOTP steps in a real browser`, () => {
    let browser: Browser;
    let page: Page;
    let counter = 0;

    beforeAll(async () => {
      browser = await launching;
      page = await browser.newPage();
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.url().startsWith(CALLBACK)) void request.respond({ status: 200, contentType: 'text/plain', body: 'signed in' });
        else if (new URL(request.url()).hostname === '127.0.0.1') void request.continue();
        else void request.abort();
      });
    }, 60_000);

    afterAll(async () => {
      await page?.close();
    });

    async function confirmedUser(local: LocalCognitoFixture): Promise<string> {
      const email = `browser-mfa${++counter}@example.com`;
      await local.client.send(new SignUpCommand({ ClientId: local.cognito.clientId, Username: email, Password: PASSWORD }));
      await local.client.send(new AdminConfirmSignUpCommand({ UserPoolId: local.cognito.userPoolId, Username: email }));
      return email;
    }

    async function signInWithPassword(local: LocalCognitoFixture, email: string): Promise<void> {
      const url = new URL('/oauth2/authorize', local.cognito.endpoint);
      url.search = new URLSearchParams({
        client_id: local.cognito.clientId,
        response_type: 'code',
        scope: 'openid email',
        redirect_uri: CALLBACK,
        state: 'st4te',
      }).toString();
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
      const auth = await optional.client.send(
        new InitiateAuthCommand({ ClientId: optional.cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
      );
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

  describe(`a picture uploaded through an HTML form in a real browser`, () => {
    let ws: Awaited<ReturnType<typeof workspace>>;
    let dev: DevProcess;
    let browser: Browser;
    let page: Page;
    let local: { userPoolId: string; clientId: string; cognitoEndpoint: string; apiUrl: string; picturesUrl: string };
    let cognito: CognitoIdentityProviderClient;

    beforeAll(async () => {
      ws = await workspace();
      dev = await startDev(ws, ['--pictures', '--storage-port', '0']);
      local = JSON.parse(await readFile(join(ws.cwd, '.authstack', 'targets.json'), 'utf8')).targets.local;
      cognito = new CognitoIdentityProviderClient({
        endpoint: local.cognitoEndpoint,
        region: 'local',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      });
      browser = await launching;
      page = await browser.newPage();
      // Nothing but the local stack.
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.protocol === 'about:' || url.hostname === '127.0.0.1') void request.continue();
        else void request.abort();
      });
    }, 60_000);

    afterAll(async () => {
      await page?.close();
      await dev?.stop();
      await ws?.cleanup();
    });

    async function signedIn(email: string): Promise<string> {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: local.userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: local.userPoolId, Username: email, Password: PASSWORD, Permanent: true }));
      const auth = await cognito.send(
        new InitiateAuthCommand({ ClientId: local.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
      );
      return auth.AuthenticationResult!.AccessToken!;
    }

    async function presigned(token: string): Promise<Upload> {
      const res = await fetch(`${local.apiUrl}/user/picture`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as Upload;
    }

    /** Fills the form in the page and submits it; the bucket's answer to the browser's POST. */
    async function submit(html: string, uploadUrl: string): Promise<{ status: number; body: string }> {
      await page.setContent(html);
      const input = await page.$('input[type=file]');
      await input!.uploadFile(JPEG);
      const answered = page.waitForResponse((r) => r.url() === uploadUrl && r.request().method() === 'POST');
      await page.click('button[type=submit]');
      const response = await answered;
      return { status: response.status(), body: response.status() === 204 ? '' : await response.text().catch(() => '') };
    }

    const pictureOf = async (token: string): Promise<string | null | undefined> =>
      ((await (await fetch(`${local.apiUrl}/user/profile`, { headers: { authorization: `Bearer ${token}` } })).json()) as { picture?: string | null }).picture;

    it('the form with the presigned POST fields uploads the file; the picture is published without EXIF', async () => {
      const token = await signedIn('form@example.com');
      const upload = await presigned(token);
      // S3's answer to a POST without success_action_status: 204 No Content.
      expect(await submit(formPage(upload), upload.url)).toEqual({ status: 204, body: '' });
      await expect.poll(() => pictureOf(token), { timeout: 15_000, interval: 100 }).toContain(upload.version);
      const url = (await pictureOf(token))!;
      expect(url.startsWith(`${local.picturesUrl}/public/`)).toBe(true);
      const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(await exifr.gps(await readFile(JPEG))).toBeDefined();
      expect(await exifr.gps(bytes)).toBeUndefined();
    });

    it("the same form with the key changed to another user's is refused by the policy (AccessDenied), and nothing is set", async () => {
      const eve = await signedIn('form-eve@example.com');
      const victim = await signedIn('form-victim@example.com');
      const victims = await presigned(victim);
      const eves = await presigned(eve);
      const answer = await submit(formPage(eves, victims.key), eves.url);
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('<Code>AccessDenied</Code>');
      expect(await pictureOf(victim)).toBeNull();
    });
  });
});
