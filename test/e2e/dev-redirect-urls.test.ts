/**
 * `authstack dev --callback-url/--logout-url`: a front end served on its own port (here as Vite serves one,
 * http://localhost:5173) signs in through the local hosted sign-in and comes back to itself, as it does on AWS after
 * `deploy` with the same flags. The URLs replace the default, as deploy's do, and obey the same rules.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS } from '../../src/core/hosted-ui.js';
import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { runCli, tempDir } from '../helpers/run-cli.js';

const CALLBACK = 'http://localhost:5173/callback';
const SIGNED_OUT = 'http://localhost:5173/';

describe('authstack dev --callback-url --logout-url', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dev: DevInProcess;

  beforeAll(async () => {
    tmp = await tempDir();
    dev = await startDevInProcess(tmp.dir, ['--callback-url', CALLBACK, '--logout-url', SIGNED_OUT]);
  }, 60_000);
  afterAll(async () => {
    await dev?.stop();
    await tmp?.cleanup();
  });

  /** Where the local hosted sign-in sends a browser that asks to sign in and come back to `redirectUri`. */
  const authorize = async (redirectUri: string) => {
    const url = new URL('/oauth2/authorize', dev.target.cognitoEndpoint);
    url.search = new URLSearchParams({
      client_id: dev.target.clientId,
      response_type: 'code',
      scope: 'openid email',
      redirect_uri: redirectUri,
      state: 's1',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location') };
  };

  it('signs in for the app at its own callback URL, and no longer for the default one', async () => {
    // As Cognito does: on to the sign-in page, which carries the app's redirect_uri.
    const ours = await authorize(CALLBACK);
    expect(ours.status).toBe(302);
    const login = new URL(ours.location!, dev.target.cognitoEndpoint);
    expect([login.pathname, login.searchParams.get('redirect_uri')]).toEqual(['/login', CALLBACK]);
    const page = await fetch(login);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign in');
    const other = await authorize(DEFAULT_CALLBACK_URLS[0]!);
    expect(other.status).toBe(302);
    expect(new URL(other.location!).searchParams.get('error')).toBe('redirect_mismatch');
  });

  it('signs out back to the app at its own sign-out URL', async () => {
    const url = new URL('/logout', dev.target.cognitoEndpoint);
    url.search = new URLSearchParams({ client_id: dev.target.clientId, logout_uri: SIGNED_OUT }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([302, SIGNED_OUT]);
  });

  it('prints the sign-in URL for that callback, and outputs --format amplify gives Amplify the same URLs', async () => {
    expect(decodeURIComponent(dev.output())).toContain(`redirect_uri=${CALLBACK}`);
    const r = await runCli(['outputs', '--format', 'amplify'], { cwd: tmp.dir });
    expect(r.code, r.stderr).toBe(0);
    const written = JSON.parse(await readFile(join(tmp.dir, 'amplify_outputs.json'), 'utf8'));
    expect(JSON.stringify(written)).toContain(JSON.stringify([CALLBACK]));
    expect(JSON.stringify(written)).toContain(JSON.stringify([SIGNED_OUT]));
  });
});

describe('authstack dev with a redirect URL Cognito would refuse', () => {
  it('says what is wrong in one line, exit 2, before starting anything', async () => {
    const tmp = await tempDir();
    try {
      const r = await runCli(['dev', '--port', '0', '--cognito-port', '0', '--callback-url', 'http://app.example.com/callback'], { cwd: tmp.dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: --callback-url must use https \(plain http only for localhost/)]);
    } finally {
      await tmp.cleanup();
    }
  });
});
