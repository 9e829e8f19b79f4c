import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEV_READY, startDevInProcess as startInProcess } from './dev-in-process.js';
import { runCli } from './run-cli.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'authstack');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer().once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** A folder where a user would run authstack, with its own config dir (the token store). */
export async function workspace(): Promise<{ cwd: string; env: NodeJS.ProcessEnv; cleanup(): Promise<void> }> {
  const cwd = await mkdtemp(join(tmpdir(), 'authstack-e2e-'));
  // HOME is the temp folder (no ~/.aws), and no instance-metadata probe: nothing can reach beyond loopback.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: cwd,
    AUTHSTACK_CONFIG_DIR: join(cwd, 'config'),
    NO_COLOR: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return { cwd, env, cleanup: () => rm(cwd, { recursive: true, force: true }) };
}

/**
 * How the walkthrough tests run the CLI. By default in this process, through `main` with the test's own
 * environment, working folder, stdin and output (no Node start-up and bundle load per command, which made these
 * files most of the suite's time); `AUTHSTACK_E2E=process` runs every one of them as real processes of
 * `bin/authstack` instead. What is about the process itself (signals, exit, the built entry, a second `dev`)
 * always uses `cliProcess` and `startDevProcess`.
 */
export const E2E_MODE: 'in-process' | 'process' = process.env.AUTHSTACK_E2E === 'process' ? 'process' : 'in-process';

type CliOptions = { cwd: string; env: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number };

/** Runs the CLI as a user or a CI script would: in-process or as a real process, per `E2E_MODE`. */
export function cli(args: string[], opts: CliOptions): Promise<Run> {
  return E2E_MODE === 'process' ? cliProcess(args, opts) : cliInProcess(args, opts);
}

/** Runs the CLI in this process (`runCli`); a run past its time limit is interrupted as Ctrl-C would. */
async function cliInProcess(args: string[], opts: CliOptions): Promise<Run> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 45_000);
  try {
    return await runCli(args, { cwd: opts.cwd, env: opts.env, stdin: opts.stdin, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the built CLI as a subprocess. */
export function cliProcess(args: string[], opts: CliOptions): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 45_000);
    child.once('error', rej);
    // 'close', not 'exit': only then has all of stdout and stderr been read.
    child.once('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, json: () => parseJson(stdout, code, stderr) });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

export interface DevProcess {
  /** The process, when `dev` runs as one. */
  child?: ChildProcess;
  apiUrl: string;
  apiPort: number;
  cognitoPort: number;
  output(): string;
  stop(): Promise<number | null>;
}

type Workspace = { cwd: string; env: NodeJS.ProcessEnv };

/** Starts `authstack dev` on free ports, in-process or as a process per `E2E_MODE`, once it says it is ready. */
export function startDev(ws: Workspace, extra: string[] = []): Promise<DevProcess> {
  return E2E_MODE === 'process' ? startDevProcess(ws, extra) : startDevInProcess(ws, extra);
}

/** `dev` in this process (test/helpers/dev-in-process.ts); stopping it is Ctrl-C, as `bin/authstack` wires it. */
async function startDevInProcess(ws: Workspace, extra: string[]): Promise<DevProcess> {
  // Ports the stack picks itself (0), read back from the target it records: a port found free here could be taken
  // by another test file's server before dev binds it.
  const dev = await startInProcess(ws.cwd, ['--port', '0', '--cognito-port', '0', ...extra], { env: ws.env });
  const apiPort = Number(new URL(dev.target.apiUrl).port);
  const cognitoPort = Number(new URL(dev.target.cognitoEndpoint ?? '').port);
  return {
    apiUrl: dev.target.apiUrl,
    apiPort,
    cognitoPort,
    output: dev.output,
    stop: async () => (await dev.stop()).code,
  };
}

/** Starts `authstack dev` as a real process on free ports and waits until it says it is ready. */
export async function startDevProcess(ws: Workspace, extra: string[] = []): Promise<DevProcess & { child: ChildProcess }> {
  const apiPort = await freePort();
  const cognitoPort = await freePort();
  const child = spawn(process.execPath, [BIN, 'dev', '--port', String(apiPort), '--cognito-port', String(cognitoPort), ...extra], {
    cwd: ws.cwd,
    env: ws.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`authstack dev not ready after 45 s:\n${log}`)), 45_000);
    const check = () => {
      if (DEV_READY.test(log)) {
        clearTimeout(timer);
        res();
      }
    };
    child.stderr!.on('data', check);
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`authstack dev exited with ${code}:\n${log}`));
    });
  });
  return {
    child,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiPort,
    cognitoPort,
    output: () => log,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          res(code);
        });
        child.kill('SIGINT');
      }),
  };
}

function parseJson(stdout: string, code: number | null, stderr: string): any {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
  }
}
