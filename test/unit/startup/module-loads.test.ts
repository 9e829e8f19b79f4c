/**
 * Start-up speed, asserted structurally rather than timed: which module files a process loads. Loading an AWS SDK
 * client costs 100–220 ms, more than all of the CLI's own start-up, so the commands a user runs most often must not
 * touch one. The figures themselves are in `npm run bench`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'authstack');
const TRACER = join(import.meta.dirname, 'load-trace.mjs');
const LAMBDA_DIR = join(ROOT, 'dist', 'lambda');
const HEALTH_FIXTURE = join(ROOT, 'test', 'fixtures', 'lambda', 'run-health.mjs');

/** Packages whose loading means an AWS SDK (v3 or v2) or its crypto is being evaluated. */
const SDK = /\/node_modules\/(@aws-sdk|@smithy|@aws-crypto|aws-sdk)\//;

let work: string;

async function tracedRun(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; loaded: string[] }> {
  const trace = join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const env = { PATH: process.env.PATH, HOME: work, AUTHSTACK_CONFIG_DIR: join(work, 'config'), NO_COLOR: '1', AUTHSTACK_LOAD_TRACE: trace, ...extraEnv };
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done, fail) => {
    const child = spawn(process.execPath, ['--import', TRACER, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', fail);
    child.once('close', (exit) => {
      clearTimeout(timer);
      done({ code: exit, stdout: out });
    });
  });
  const text = existsSync(trace) ? await readFile(trace, 'utf8') : '';
  const loaded = [
    ...new Set(
      text
        .split('\n')
        .filter(Boolean)
        .map((url) => fileURLToPath(url)),
    ),
  ];
  return { code, stdout, loaded };
}

const fromNodeModules = (files: string[]): string[] => files.filter((f) => f.includes('/node_modules/'));

let api: Server;
let apiUrl: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli.mjs')) || !existsSync(join(LAMBDA_DIR, 'index.mjs'))) {
    // `npm test` builds first; a lone `vitest run` of this folder builds here.
    await new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' });
      child.once('error', fail);
      child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`build failed with ${code}`))));
    });
  }
  work = await mkdtemp(join(tmpdir(), 'authstack-startup-'));
  api = createServer((req, res) => {
    res.writeHead(req.url === '/app/health' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'healthy', version: 'test' }));
  });
  await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((done) => (api ? api.close(() => done()) : done()));
  if (work) await rm(work, { recursive: true, force: true });
});

describe('CLI start-up', () => {
  it('the tracer sees the modules a process loads (so an empty list below means something)', async () => {
    const { loaded } = await tracedRun(['--input-type=module', '-e', "await import('commander')"], ROOT);
    expect(loaded.some((f) => f.includes('/node_modules/commander/'))).toBe(true);
  });

  it('--version loads no package from node_modules: commander and chalk are bundled, nothing else is needed', async () => {
    const { code, stdout, loaded } = await tracedRun([BIN, '--version'], work);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(loaded.some((f) => f.endsWith('/dist/cli.mjs'))).toBe(true);
    expect(fromNodeModules(loaded)).toEqual([]);
  });

  it('--help loads no package from node_modules, so no AWS SDK client', async () => {
    const { code, stdout, loaded } = await tracedRun([BIN, '--help'], work);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: authstack');
    expect(fromNodeModules(loaded)).toEqual([]);
  });

  it('a subcommand --help loads no package from node_modules either', async () => {
    const { code, loaded } = await tracedRun([BIN, 'dev', '--help'], work);
    expect(code).toBe(0);
    expect(fromNodeModules(loaded)).toEqual([]);
  });

  it('health against an API loads no AWS SDK module (and no package at all)', async () => {
    const { code, stdout, loaded } = await tracedRun([BIN, 'health', '--api-url', apiUrl, '--json'], work);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ healthy: true });
    expect(loaded.filter((f) => SDK.test(f))).toEqual([]);
    expect(fromNodeModules(loaded)).toEqual([]);
  });
});

describe('Lambda cold start', () => {
  it('answering health loads only the entry module, never the chunks holding the Cognito client or the JWT verifier', async () => {
    const dir = join(work, 'lambda');
    // Copy the built bundle as Lambda would unzip it: the entry, its chunks, and a runner beside them.
    await rm(dir, { recursive: true, force: true });
    await new Promise<void>((done, fail) => {
      const child = spawn('cp', ['-R', LAMBDA_DIR, dir], { stdio: 'ignore' });
      child.once('error', fail);
      child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`cp exited with ${code}`))));
    });
    await copyFile(HEALTH_FIXTURE, join(dir, 'run-health.mjs'));
    const chunks = (await readdir(join(dir, 'chunks'))).map((name) => join(dir, 'chunks', name));
    const sizes = new Map<string, number>();
    const heavy: string[] = [];
    for (const chunk of chunks) {
      const text = await readFile(chunk, 'utf8');
      sizes.set(chunk, text.length);
      if (text.includes('CognitoIdentityProvider') || /jwks/i.test(text)) heavy.push(chunk);
    }
    expect(heavy.length).toBeGreaterThanOrEqual(2);

    const { code, loaded } = await tracedRun([join(dir, 'run-health.mjs')], dir);
    expect(code).toBe(0);
    const fromBundle = loaded.filter((f) => f.startsWith(dir));
    expect(fromBundle).toContain(join(dir, 'index.mjs'));
    expect(fromBundle.filter((f) => heavy.includes(f))).toEqual([]);
    // What a health cold start parses stays a small part of the bundle (the SDK is most of it).
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    const parsed = fromBundle.reduce((n, f) => n + (sizes.get(f) ?? 0), 0);
    expect(parsed).toBeLessThan(total * 0.1);
  });
});
