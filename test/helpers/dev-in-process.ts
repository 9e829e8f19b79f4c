import { rm } from 'node:fs/promises';
import { ProjectState, type Target } from '../../src/core/targets.js';
import { runCli, type CliResult, type RunOptions } from './run-cli.js';

export interface DevInProcess {
  /** The project folder `dev` runs in; `run` runs other commands there. */
  dir: string;
  /** The local target `dev` recorded once ready. */
  target: Target;
  run(argv: string[], opts?: Omit<RunOptions, 'cwd'>): Promise<CliResult>;
  /** What `dev` printed so far. */
  output(): string;
  /** Ctrl-C: resolves with what `dev` printed and its exit code. */
  stop(): Promise<CliResult>;
}

/** What `authstack dev` prints once it is ready, in its human and its --json form. */
export const DEV_READY = /ready in \d+ ms|"readyMs": \d+/;

/**
 * `authstack dev` run in-process in `dir` (so the CLI commands of the test share its target and mailbox), on free
 * ports unless `args` name them, ready once it has said so and recorded its target. One per test file: it is the
 * costly part.
 */
export async function startDevInProcess(dir: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<DevInProcess> {
  const state = new ProjectState(dir);
  // A target left by an earlier run in the same folder would look ready at once.
  await rm(state.targetsPath, { force: true });
  const abort = new AbortController();
  let log = '';
  const ports = args.includes('--port') ? [] : ['--port', '0', '--cognito-port', '0'];
  const dev = runCli(['dev', ...ports, ...args], { cwd: dir, env: opts.env, signal: abort.signal, onOutput: (s) => (log += s) });
  let exited: CliResult | undefined;
  void dev.then((r) => (exited = r));
  const deadline = Date.now() + 60_000;
  let target: Target | undefined;
  while (!DEV_READY.test(log) || !(target = await state.target('local').catch(() => undefined))) {
    if (exited) throw new Error(`authstack dev exited with ${exited.code}: ${exited.stdout}${exited.stderr}`);
    if (Date.now() > deadline) throw new Error('authstack dev did not start within 60 s');
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    dir,
    target,
    run: (argv, more = {}) => runCli(argv, { env: opts.env, ...more, cwd: dir }),
    output: () => log,
    stop: async () => {
      abort.abort();
      return dev;
    },
  };
}
