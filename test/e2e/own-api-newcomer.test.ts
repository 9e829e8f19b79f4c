/**
 * The newcomer's path, as the README gives it, from the packed tarball (`npm pack`: exactly the files a user's
 * install gets) in an empty folder: `npx authstack init`, edit the route, `npx authstack dev --watch`, sign up and
 * call the route with `npx authstack token --id`, edit it again and get the new code. Every step is a process.
 *
 * The tarball is unpacked where `npm install` puts it (node_modules/authstack, its bin linked in node_modules/.bin);
 * its dependencies are linked from this checkout's node_modules instead of downloaded, since tests reach nothing
 * beyond loopback. What the tarball lacks (a file the CLI, the handler wrapper or the starter needs) fails here.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, workspace } from '../helpers/e2e.js';

const run = promisify(execFile);
const PASSWORD = 'Corr3ct-horse!';

let ws: Awaited<ReturnType<typeof workspace>>;
let app: string;
let dev: ChildProcess | undefined;
let devLog = '';

/**
 * `npx authstack …` in the app folder, as the README writes it; `bin` runs the installed bin without npx (the
 * steps the path does not turn on, spared npm's own start-up).
 */
const npx = (args: string[], stdin?: string, via: 'npx' | 'bin' = 'npx') =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const [cmd, argv] = via === 'npx' ? ['npx', ['authstack', ...args]] : [process.execPath, [join(app, 'node_modules', '.bin', 'authstack'), ...args]];
    const child = spawn(cmd, argv, { cwd: app, env: ws.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });

beforeAll(async () => {
  ws = await workspace();
  // npm's cache and logs stay in the workspace.
  ws.env.npm_config_cache = join(ws.cwd, 'npm-cache');
  ws.env.npm_config_update_notifier = 'false';
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', ws.cwd], { cwd: ROOT, env: { ...process.env, ...ws.env } });
  const tarball = join(ws.cwd, JSON.parse(stdout)[0].filename as string);
  app = join(ws.cwd, 'my-app');
  const installed = join(app, 'node_modules', 'authstack');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    await mkdir(dirname(join(app, 'node_modules', dep)), { recursive: true });
    await symlink(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep));
  }
  await mkdir(join(app, 'node_modules', '.bin'));
  await symlink('../authstack/bin/authstack', join(app, 'node_modules', '.bin', 'authstack'));
  // What `npm install --save-dev ../authstack-<version>.tgz` records.
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, devDependencies: { authstack: `file:../${basename(tarball)}` } }));
}, 60_000);

afterAll(async () => {
  if (dev?.pid !== undefined && dev.exitCode === null) {
    const exited = new Promise((r) => dev!.once('exit', r));
    // Ctrl-C reaches the whole foreground group in a terminal: npx and the authstack it started.
    process.kill(-dev.pid, 'SIGINT');
    const timer = setTimeout(() => process.kill(-dev!.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await ws?.cleanup();
});

async function startWatching(): Promise<string> {
  const port = await freePort();
  dev = spawn('npx', ['authstack', 'dev', '--watch', '--port', String(port), '--cognito-port', String(await freePort())], {
    cwd: app,
    env: ws.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A group of its own, as a terminal gives a command.
    detached: true,
  });
  dev.stdout!.on('data', (d) => (devLog += d));
  dev.stderr!.on('data', (d) => (devLog += d));
  const deadline = Date.now() + 45_000;
  while (!/ready in \d+ ms/.test(devLog)) {
    if (dev.exitCode !== null) throw new Error(`dev exited with ${dev.exitCode}:\n${devLog}`);
    if (Date.now() > deadline) throw new Error(`dev not ready:\n${devLog}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return `http://127.0.0.1:${port}`;
}

describe('the newcomer path from the packed tarball', () => {
  it('npx authstack init, edit the route, dev --watch, call it with the token, edit it and get the new code', async () => {
    const init = await npx(['init']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/wrote\s+api\/notes\.ts/);

    const notes = join(app, 'api', 'notes.ts');
    await writeFile(notes, (await readFile(notes, 'utf8')).replace('JSON.stringify({ id, owner:', "JSON.stringify({ id, hello: 'mine', owner:"));
    const api = await startWatching();

    const email = 'newcomer@example.com';
    expect((await npx(['signup', email, '--password-stdin'], PASSWORD, 'bin')).code).toBe(0);
    expect((await npx(['validate', email], undefined, 'bin')).code).toBe(0);
    expect((await npx(['login', email, '--password-stdin'], PASSWORD, 'bin')).code).toBe(0);
    const token = await npx(['token', '--id']);
    expect(token.code, token.stderr).toBe(0);
    const authorization = `Bearer ${token.stdout.trim()}`;

    const first = await fetch(`${api}/notes/1`, { headers: { Authorization: authorization } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: '1', hello: 'mine', owner: email });
    expect((await fetch(`${api}/notes/1`)).status).toBe(401);

    await writeFile(notes, (await readFile(notes, 'utf8')).replace("hello: 'mine'", "hello: 'edited'"));
    const deadline = Date.now() + 20_000;
    let body: unknown;
    do {
      await new Promise((r) => setTimeout(r, 20));
      body = await (await fetch(`${api}/notes/1`, { headers: { Authorization: authorization } })).json();
    } while ((body as { hello?: string }).hello !== 'edited' && Date.now() < deadline);
    expect(body).toEqual({ id: '1', hello: 'edited', owner: email });
    expect(devLog).toMatch(/api\/notes\.ts rebuilt and reloaded in \d+ ms/);
  });
});
