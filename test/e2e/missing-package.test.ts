import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, freePort, workspace } from '../helpers/e2e.js';

/**
 * A piece of the installation that is not there is the installation's problem, said in one line, never "a bug"
 * (exit 70). esbuild, which `dev --watch` builds with, is made missing for the process by a module resolve hook, as
 * in an install that left it out.
 */
let ws: Awaited<ReturnType<typeof workspace>>;
let hook: string;

beforeAll(async () => {
  ws = await workspace();
  const hooks = join(ws.cwd, 'hide-esbuild-hooks.mjs');
  await writeFile(
    hooks,
    `export async function resolve(specifier, context, next) {
  if (specifier === 'esbuild') throw Object.assign(new Error("Cannot find package 'esbuild' imported from " + context.parentURL), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(specifier, context);
}\n`,
  );
  hook = join(ws.cwd, 'hide-esbuild.mjs');
  await writeFile(hook, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
});
afterAll(async () => ws?.cleanup());

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, BIN, ...args], { cwd: ws.cwd, env: ws.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a package the installation lacks', () => {
  it('dev --watch without esbuild: one line naming the package and how to get it, exit 1, not 70', async () => {
    const r = await run(['dev', '--watch', '--port', String(await freePort()), '--cognito-port', String(await freePort())]);
    expect(r.stderr.trim()).toBe(
      'error: The package "esbuild" this command needs is not installed. Reinstall authstack (npm install), or add it to your app: npm install --save-dev esbuild.',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('bug');
  });

  it('esbuild is a run-time dependency: what installing authstack brings', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies.esbuild).toBeDefined();
    expect(pkg.devDependencies.esbuild).toBeUndefined();
  });
});
