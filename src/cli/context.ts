import { Output, type OutputStreams } from './output.js';
import { inquirerPrompter, nonInteractivePrompter, type Prompter } from './prompts.js';
import { ProjectState } from './state.js';
import { SessionStore, configDir } from './session-store.js';
import { createAwsFactory, type AwsFactory } from '../aws/factory.js';

/** Options every command accepts. */
export interface GlobalOptions {
  json: boolean;
  color?: boolean;
  verbose: boolean;
  region?: string;
  profile?: string;
  /** CloudFormation stack name. Default `authstack`. */
  stack: string;
  /** True when `--stack` was given (it then wins over `authstack.config.json`). */
  stackExplicit?: boolean;
  /** Which recorded target the auth commands use (`local` or a stack name). Default: the last one recorded. */
  target?: string;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Everything a command may touch. Production passes the real things; tests pass fakes. */
export interface Context {
  readonly out: Output;
  readonly global: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** A person at a terminal who can answer prompts (not CI, not --json). */
  readonly interactive: boolean;
  readonly prompt: Prompter;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly state: ProjectState;
  readonly sessions: SessionStore;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  readonly aws: AwsFactory;
}

export interface ContextInit {
  global: GlobalOptions;
  streams: OutputStreams;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  signal: AbortSignal;
  prompt?: Prompter;
  interactive?: boolean;
  clock?: Clock;
  fetch?: typeof fetch;
  aws?: AwsFactory;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
};

export function createContext(init: ContextInit): Context {
  const out = new Output(init.streams, { json: init.global.json, color: init.global.color, verbose: init.global.verbose, env: init.env });
  const ci = Boolean(init.env.CI && init.env.CI !== 'false');
  const interactive = init.interactive ?? (Boolean(init.stdin.isTTY && init.streams.stderr.isTTY) && !ci && !init.global.json);
  return {
    out,
    global: init.global,
    env: init.env,
    cwd: init.cwd,
    interactive,
    prompt: init.prompt ?? (interactive ? inquirerPrompter() : nonInteractivePrompter()),
    stdin: init.stdin,
    state: new ProjectState(init.cwd),
    sessions: new SessionStore(configDir(init.env)),
    clock: init.clock ?? realClock,
    fetch: init.fetch ?? globalThis.fetch,
    signal: init.signal,
    aws: init.aws ?? createAwsFactory({ region: init.global.region, profile: init.global.profile, env: init.env }),
  };
}
