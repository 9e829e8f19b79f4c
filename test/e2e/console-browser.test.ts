/**
 * The local console in a real browser (headless Chromium, Debian's package, driven by puppeteer-core), against
 * `authstack dev` and the CLI run in-process: the page shows a user the CLI signed up and that user's code from
 * the mailbox, follows the CLI's changes live, disables the user (`authstack users show` then sees it disabled) and deletes one
 * after a confirmation. It loads nothing but its own origin. Without Chromium the test is skipped and says so.
 *
 * `UPDATE_SCREENSHOTS=1` also writes the console's screenshot the README shows (docs/console.png).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readMailbox } from '../../src/local/mailbox.js';
import { ROOT } from '../helpers/e2e.js';
import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { runCli, tempDir } from '../helpers/run-cli.js';

const CHROMIUM = process.env.AUTHSTACK_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const PASSWORD = 'Corr3ct-Horse!';

if (!haveChromium) {
  // Plainly, in the test output: a browser test that could not run must not look like one that passed.
  console.warn(`console browser test did not run: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`);
}

describe.skipIf(!haveChromium)(`the local console in a real browser${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dev: DevInProcess;
  let browser: Browser;
  let profileDir: string;
  let consoleUrl: string;
  let dataDir: string;
  let apiUrl: string;
  const cli = (argv: string[], stdin?: string) => runCli(argv, { cwd: tmp.dir, stdin });

  beforeAll(async () => {
    tmp = await tempDir();
    profileDir = await mkdtemp(join(tmpdir(), 'authstack-chromium-'));
    const launching = puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profileDir,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    dev = await startDevInProcess(tmp.dir);
    consoleUrl = `${dev.target.cognitoEndpoint}/_authstack/`;
    dataDir = dev.target.localDataDir!;
    apiUrl = dev.target.apiUrl;
    // The first in-process command loads the CLI's modules: do it while Chromium starts.
    expect((await cli(['health'])).code).toBe(0);
    browser = await launching;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    const stopped = await dev?.stop();
    await tmp?.cleanup();
    await rm(profileDir, { recursive: true, force: true });
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

  it('shows a user the CLI signed up and the code from the mailbox, follows the CLI live, disables the user (the CLI then sees it disabled) and deletes one after confirming', async () => {
    const ada = 'ada@example.com';
    const grace = 'grace@example.com';
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.setViewport({ width: 1180, height: 600 });
    await page.goto(consoleUrl);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('authstack local console');
    await page.waitForSelector('#live.on');

    // The page is open before the CLI acts: what follows arrives live.
    expect((await cli(['signup', ada, '--password-stdin'], PASSWORD)).code).toBe(0);
    await userRow(page, ada, { status: 'UNCONFIRMED', enabled: 'true' });
    const sent = (await readMailbox(dataDir)).filter((m) => m.to === ada).at(-1)!;
    await page.waitForSelector(`#mailbox tr[data-to="${ada}"]`);
    expect(await page.$eval(`#mailbox tr[data-to="${ada}"] .code`, (c) => c.textContent)).toBe(sent.code);

    const validated = await cli(['validate', ada, sent.code]);
    expect(validated.code, validated.stderr).toBe(0);
    await userRow(page, ada, { status: 'CONFIRMED' });
    expect((await cli(['signup', grace, '--password-stdin'], PASSWORD)).code).toBe(0);
    expect((await cli(['health'])).code).toBe(0);
    await page.waitForSelector('#requests tr[data-status="200"]');
    // A refused request shows the error code the function logged for it.
    const again = await fetch(`${apiUrl}/user`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: grace, password: PASSWORD }) });
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
    expect(requested.every((url) => url.startsWith(new URL(consoleUrl).origin + '/'))).toBe(true);
  }, 60_000);
});
