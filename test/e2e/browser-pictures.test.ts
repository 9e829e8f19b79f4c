/**
 * A profile picture uploaded the way a web app does it, in a real browser (Debian's Chromium, driven by
 * puppeteer-core), against `authstack dev --pictures`: the API's presigned POST fields as hidden inputs of an HTML
 * form (`multipart/form-data`, the file input last, as S3 requires), the file chosen and the form submitted; the
 * local S3 checks the policy, the processing function publishes the picture, and what the CDN serves has no EXIF.
 * A form with its key changed to another user's is refused by S3's policy check. Without Chromium the tests are
 * skipped and say so.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import exifr from 'exifr';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, startDev, workspace, type DevProcess } from '../helpers/e2e.js';

const CHROMIUM = process.env.AUTHSTACK_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const PASSWORD = 'Corr3ct-Horse!';
const JPEG = join(ROOT, 'test/fixtures/pictures/gps-rotated.jpg');

if (!haveChromium) console.warn(`browser picture tests did not run: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`);

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

describe.skipIf(!haveChromium)(`a picture uploaded through an HTML form in a real browser${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  let dev: DevProcess;
  let profileDir: string;
  let browser: Browser;
  let page: Page;
  let local: { userPoolId: string; clientId: string; cognitoEndpoint: string; apiUrl: string; picturesUrl: string };
  let cognito: CognitoIdentityProviderClient;

  beforeAll(async () => {
    profileDir = await mkdtemp(join(tmpdir(), 'authstack-chromium-pictures-'));
    const launching = puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profileDir,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--renderer-process-limit=1'],
    });
    ws = await workspace();
    dev = await startDev(ws, ['--pictures', '--storage-port', '0']);
    local = JSON.parse(await readFile(join(ws.cwd, '.authstack', 'targets.json'), 'utf8')).targets.local;
    cognito = new CognitoIdentityProviderClient({ endpoint: local.cognitoEndpoint, region: 'local', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
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
    await browser?.close();
    await dev?.stop();
    await ws?.cleanup();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  async function signedIn(email: string): Promise<string> {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: local.userPoolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: local.userPoolId, Username: email, Password: PASSWORD, Permanent: true }));
    const auth = await cognito.send(new InitiateAuthCommand({ ClientId: local.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
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
