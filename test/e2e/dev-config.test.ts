/**
 * `authstack dev` runs the pool and client a deploy of the same project creates: the groups, password policy,
 * redirect URLs and token lifetimes of authstack.config.json reach the local Cognito, and `outputs` shows them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { tempDir } from '../helpers/run-cli.js';

const CALLBACK = 'http://localhost:5173/callback';

describe('authstack dev with authstack.config.json', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dev: DevInProcess;

  beforeAll(async () => {
    tmp = await tempDir();
    await writeFile(
      join(tmp.dir, 'authstack.config.json'),
      JSON.stringify({
        groups: ['admin', 'editor'],
        passwordPolicy: { minimumLength: 12, requireSymbols: false },
        callbackUrls: [CALLBACK],
        accessTokenValidityMinutes: 15,
      }),
    );
    dev = await startDevInProcess(tmp.dir, ['--json']);
  }, 60_000);
  afterAll(async () => {
    await dev?.stop();
    await tmp?.cleanup();
  });

  it("creates the configuration's groups and applies its password policy", async () => {
    const groups = await dev.run(['users', 'groups', 'list', '--json']);
    expect(groups.code, groups.stderr).toBe(0);
    expect(JSON.stringify(groups.json())).toMatch(/admin[\s\S]*editor|editor[\s\S]*admin/);
    const short = await dev.run(['signup', 'ada@example.com', '--password-stdin', '--json'], { stdin: 'Short-pw-1A' });
    expect(short.code).not.toBe(0);
    expect(short.stderr + short.stdout).toMatch(/12 characters/);
    const ok = await dev.run(['signup', 'ada@example.com', '--password-stdin', '--json'], { stdin: 'longpassword12AB' });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("gives the local client the configuration's callback URLs, shown by outputs as on AWS", async () => {
    const r = await dev.run(['outputs', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<Record<string, string>>();
    expect(doc.CallbackUrls).toBe(CALLBACK);
    expect(new URL(doc.SignInUrl!).searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(doc.OidcIssuer).toBe(`${dev.target.cognitoEndpoint}/${dev.target.userPoolId}`);
  });
});
