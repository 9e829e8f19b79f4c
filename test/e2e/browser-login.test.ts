/**
 * A real browser (headless Chromium, Debian's package, driven by puppeteer-core) through the local hosted sign-in:
 * sign up, confirm with the mailbox code, sign in on the page, and finish `authstack login --browser`; then
 * `authstack profile` shows that user. Without Chromium the tests are skipped and say so.
 *
 * `UPDATE_SCREENSHOTS=1` also writes the sign-in page's screenshot the README shows (docs/sign-in.png).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS } from '../../src/core/hosted-ui.js';
import { BIN, ROOT, cli, startDev, workspace, type DevProcess } from '../helpers/e2e.js';

const CHROMIUM = process.env.AUTHSTACK_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const PASSWORD = 'Corr3ct-Horse!';

if (!haveChromium) {
  // Plainly, in the test output: a browser test that could not run must not look like one that passed.
  console.warn(`browser tests did not run: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`);
}

describe.skipIf(!haveChromium)(`the hosted sign-in in a real browser${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  let dev: DevProcess;
  let browser: Browser;
  let profileDir: string;

  beforeAll(async () => {
    ws = await workspace();
    profileDir = await mkdtemp(join(tmpdir(), 'authstack-chromium-'));
    [dev, browser] = await Promise.all([
      startDev(ws),
      puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: profileDir,
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
        ],
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    await ws?.cleanup();
    await rm(profileDir, { recursive: true, force: true });
  });

  it('signs up, confirms with the mailbox code, signs in on the page and completes login --browser; profile shows the user', async () => {
    const email = `browser.${Date.now()}@example.com`;
    const login = spawn(process.execPath, [BIN, 'login', '--browser', '--no-open'], { cwd: ws.cwd, env: ws.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    expect(stderr).toContain('Open this URL in a browser to sign in');

    const page = await browser.newPage();
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
    expect(page.url().startsWith(DEFAULT_CALLBACK_URLS[0]!)).toBe(true);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Signed in');

    expect(await exited).toBe(0);
    expect(stdout).toContain(`Logged in as ${email}`);

    const profile = await cli(['profile', '--json'], { cwd: ws.cwd, env: ws.env });
    expect(profile.code).toBe(0);
    expect(profile.json()).toMatchObject({ email });
  }, 60_000);
});
