import { rm } from 'node:fs/promises';
import { ProjectState, type Target } from '../../src/core/targets.js';
import { runCli, type CliResult, type RunOptions } from './run-cli.js';

export interface DevInProcess {
  /** The project folder `dev` runs in; `run` runs other commands there. */
  dir: string;
  /** The local target `dev` recorded once ready. */
  target: Target;
  run(argv: string[], opts?: Omit<RunOptions, 'cwd'>): Promise<CliResult>;
  /** Ctrl-C: resolves with what `dev` printed and its exit code. */
  stop(): Promise<CliResult>;
}

/**
 * `authstack dev --json` run in-process on free ports in `dir` (so the CLI commands of the test share its target and
 * mailbox), ready once it has recorded its target. One per test file: it is the costly part.
 */
export async function startDevInProcess(dir: string, extra: string[] = []): Promise<DevInProcess> {
  const state = new ProjectState(dir);
  // A target left by an earlier run in the same folder would look ready at once.
  await rm(state.targetsPath, { force: true });
  const abort = new AbortController();
  const dev = runCli(['dev', '--json', '--port', '0', '--cognito-port', '0', ...extra], { cwd: dir, signal: abort.signal });
  let exited: CliResult | undefined;
  void dev.then((r) => (exited = r));
  const deadline = Date.now() + 60_000;
  let target: Target | undefined;
  while (!(target = await state.target('local').catch(() => undefined))) {
    if (exited) throw new Error(`authstack dev exited with ${exited.code}: ${exited.stdout}${exited.stderr}`);
    if (Date.now() > deadline) throw new Error('authstack dev did not start within 60 s');
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    dir,
    target,
    run: (argv, opts = {}) => runCli(argv, { ...opts, cwd: dir }),
    stop: async () => {
      abort.abort();
      return dev;
    },
  };
}
