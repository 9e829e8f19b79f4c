// What every part of the bench shares: statistics, alternating runs, processes, the local stack.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'authstack');
export const TRACER = join(ROOT, 'test', 'unit', 'startup', 'load-trace.mjs');
/** Scratch space inside the repository (ignored by git), for files that must resolve our node_modules. */
export const SCRATCH = join(ROOT, 'bench', '.tmp');

export function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const round = (n, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

/**
 * Runs each command once per round, in turn, for `rounds` rounds, so a machine that slows down or speeds up
 * mid-run weighs on every command alike. Returns the wall-clock milliseconds of each run, per command.
 */
export function alternate(commands, rounds, opts = {}) {
  const times = commands.map(() => []);
  // One unmeasured round: the first spawn of anything pays for cold file-system caches.
  for (const c of commands) spawnSync(c.cmd, c.args, { cwd: opts.cwd, env: opts.env, stdio: 'pipe' });
  for (let r = 0; r < rounds; r++) {
    commands.forEach((c, i) => {
      const t = performance.now();
      const res = spawnSync(c.cmd, c.args, { cwd: opts.cwd, env: opts.env, stdio: 'pipe', timeout: 30_000 });
      const ms = performance.now() - t;
      if (res.status !== 0) throw new Error(`${c.name} exited with ${res.status}: ${String(res.stderr).slice(0, 500)}`);
      times[i].push(ms);
    });
  }
  return times;
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer().once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export async function workspace(tag) {
  const cwd = await mkdtemp(join(tmpdir(), `authstack-bench-${tag}-`));
  const env = {
    PATH: process.env.PATH,
    HOME: cwd,
    AUTHSTACK_CONFIG_DIR: join(cwd, 'config'),
    NO_COLOR: '1',
    CI: '1',
  };
  return { cwd, env, cleanup: () => rm(cwd, { recursive: true, force: true }) };
}

/** Runs the built CLI to completion. */
export function cli(args, { cwd, env, stdin = '', timeoutMs = 30_000 }) {
  return new Promise((res, rej) => {
    const t = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', rej);
    child.once('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, ms: performance.now() - t });
    });
    child.stdin.end(stdin);
  });
}

/**
 * The baseline: a bare node:http server in its own process (a bench's synchronous runs would stall one in this
 * process). Resolves with its URL once it listens.
 */
export function startBare() {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'lib', 'bare-server.mjs')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('error', rej);
    child.once('message', ({ port }) => res({ url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }));
  });
}

/** GET on loopback; resolves with the status, or 0 when nothing answers. */
export function httpGet(url, headers = {}) {
  return fetch(url, { headers, signal: AbortSignal.timeout(2000) }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
    () => 0,
  );
}

/**
 * Starts `authstack dev` (of this tree, or the `bin` of another) on free ports and resolves once GET /app/health answers 200, with the milliseconds from
 * spawn to that answer. Its output is read and dropped (a full pipe would stall it), keeping the tail for errors.
 */
export async function startDev(ws, { timeoutMs = 20_000, bin = BIN, args = [] } = {}) {
  const apiPort = await freePort();
  const cognitoPort = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'dev', '--port', String(apiPort), '--cognito-port', String(cognitoPort), ...args], {
    cwd: ws.cwd,
    env: ws.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d) => {
    tail = (tail + d).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = t0 + timeoutMs;
  let healthyMs;
  while (performance.now() < deadline && !exited) {
    if ((await httpGet(`${apiUrl}/app/health`)) === 200) {
      healthyMs = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const dev = {
    child,
    apiUrl,
    healthyMs,
    output: () => tail,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null || exited) return res(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          res(code);
        });
        child.kill('SIGINT');
      }),
  };
  if (healthyMs === undefined) {
    await dev.stop();
    throw new Error(`authstack dev did not answer health within ${timeoutMs} ms:\n${tail}`);
  }
  return dev;
}

/** Resident set size of a process in bytes (Linux), or undefined. */
export function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Signs up, confirms (from the local mailbox) and logs in a fresh user; returns its access token. */
export async function localAccessToken(ws) {
  const email = `bench+${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const password = 'Bench-passw0rd!';
  for (const [args, stdin] of [
    [['signup', email, '--password-stdin', '--json'], password],
    [['validate', email, '--json'], ''],
    [['login', email, '--password-stdin', '--json'], password],
  ]) {
    // The code reaches the local mailbox just after signup answers: a few bounded retries cover the gap.
    let r;
    for (let attempt = 0; attempt < 10; attempt++) {
      r = await cli(args, { ...ws, stdin });
      if (r.code === 0 || args[0] !== 'validate') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    if (r.code !== 0) throw new Error(`authstack ${args[0]} failed (${r.code}): ${r.stderr || r.stdout}`);
  }
  const r = await cli(['token', '--json'], ws);
  if (r.code !== 0) throw new Error(`authstack token failed: ${r.stderr}`);
  return JSON.parse(r.stdout).token;
}

export function distBuilt() {
  return existsSync(join(ROOT, 'dist', 'cli.mjs')) && existsSync(join(ROOT, 'dist', 'lambda', 'index.mjs'));
}
