import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, freePort, workspace } from '../helpers/e2e.js';

/**
 * The README's local CI recipes, run exactly as written (the text is taken from the README's "In CI" section, so the
 * two cannot drift) with bash in an app folder that has authstack installed, the way a CI job runs them. Each must
 * end on its own, within its time, with the smoke test's code, and leave no `dev` behind.
 */
const RECIPE_LIMIT_MS = 20_000;

let ws: Awaited<ReturnType<typeof workspace>> | undefined;
afterEach(async () => ws?.cleanup());

/** The ```sh blocks of the README's "In CI" section that run the local stack. */
async function localRecipes(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## In CI');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((text) => text.includes('authstack dev'));
}

/** An app folder with authstack installed as npm would link it: node_modules/authstack and its bin. */
async function appWithAuthstack(cwd: string): Promise<void> {
  await writeFile(join(cwd, 'package.json'), JSON.stringify({ name: 'app', private: true, devDependencies: { authstack: '*' } }));
  await mkdir(join(cwd, 'node_modules', '.bin'), { recursive: true });
  await symlink(ROOT, join(cwd, 'node_modules', 'authstack'), 'dir');
  await symlink(join('..', 'authstack', 'bin', 'authstack'), join(cwd, 'node_modules', '.bin', 'authstack'));
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; ms: number; timedOut: boolean }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Its own process group, so a recipe that hangs can be ended with everything it started.
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, RECIPE_LIMIT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started, timedOut });
    });
  });
}

describe("the README's CI recipes for the local stack", () => {
  it('there are two: dev --run, and dev in the background started from node_modules/.bin (npx would not pass the signal on)', async () => {
    const recipes = await localRecipes();
    expect(recipes).toHaveLength(2);
    expect(recipes[0]).toMatch(/authstack dev --run /);
    expect(recipes[1]).toMatch(/^node_modules\/\.bin\/authstack dev & DEV=\$!$/m);
    expect(recipes[1]).not.toMatch(/npx/);
  });

  for (const [i, name] of ['dev --run', 'dev in the background, then kill -INT'].entries()) {
    it(
      `${name}: runs as written, ends by itself within ${RECIPE_LIMIT_MS / 1000} s with the smoke test's code and stops dev`,
      async () => {
        const script = (await localRecipes())[i]!;
        ws = await workspace();
        await appWithAuthstack(ws.cwd);
        const [apiPort, cognitoPort] = [await freePort(), await freePort()];
        const env = {
          ...ws.env,
          AUTHSTACK_PORT: String(apiPort),
          AUTHSTACK_COGNITO_PORT: String(cognitoPort),
          // npx finds the installed bin; offline, it could never ask the registry even if it did not.
          npm_config_offline: 'true',
          npm_config_update_notifier: 'false',
          npm_config_cache: join(ws.cwd, 'npm-cache'),
        };
        const r = await bash(script, ws.cwd, env);
        expect(r.timedOut, r.output).toBe(false);
        expect(r.code, r.output).toBe(0);
        expect(r.output).toContain('smoke');
        expect(await readFile(join(ws.cwd, 'smoke.xml'), 'utf8')).toContain('<testsuite');
        // dev stopped: it removed its running record, and its port is free again.
        expect(existsSync(join(ws.cwd, '.authstack', 'local', 'running.json'))).toBe(false);
        const { createServer } = await import('node:net');
        await new Promise<void>((resolve, reject) => {
          const probe = createServer().once('error', reject);
          probe.listen(apiPort, '127.0.0.1', () => probe.close(() => resolve()));
        });
      },
      RECIPE_LIMIT_MS + 5_000,
    );
  }

  it(
    "dev --run exits with the command's own failing code, and the stack is stopped",
    async () => {
      ws = await workspace();
      await appWithAuthstack(ws.cwd);
      const env = { ...ws.env, AUTHSTACK_PORT: String(await freePort()), AUTHSTACK_COGNITO_PORT: String(await freePort()) };
      const r = await bash(
        'node_modules/.bin/authstack dev --run \'test -n "$AUTHSTACK_API_URL" && test -n "$AUTHSTACK_USER_POOL_CLIENT_ID" && exit 7\'',
        ws.cwd,
        env,
      );
      expect(r.code, r.output).toBe(7);
      expect(r.output).toMatch(/exited with 7; stopping the local stack/);
      expect(r.output).toContain('Stopped.');
    },
    RECIPE_LIMIT_MS,
  );
});
