import type { AwsFactory } from './aws.js';
import type { Clock } from './clock.js';
import type { Output } from './output.js';
import type { Prompter } from './prompts.js';
import type { SessionStore } from './sessions.js';
import type { ProjectState } from './targets.js';
import type { ProjectConfig } from './project-config.js';
import type { StackModel } from './stack-model.js';

export type { Clock } from './clock.js';

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

/** The project's configuration file, validated, and the stack model built from it and the global options. */
export interface Project {
  readonly config: ProjectConfig;
  readonly model: StackModel;
}

/** Everything a command may touch. Production passes the real things; tests pass fakes. */
export interface Context {
  readonly out: Output;
  readonly global: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  /** Where the user ran the command: relative paths they pass are resolved against it. */
  readonly cwd: string;
  /** The project folder (see `findProjectDir`): `.authstack/` and `authstack.config.json` live here. */
  readonly projectDir: string;
  /**
   * `authstack.config.json` of `projectDir`, read and validated on first use and kept for the command (a file
   * with problems is a usage error naming each), with the stack model built from it and `--stack`.
   */
  project(): Promise<Project>;
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
