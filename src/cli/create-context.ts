import { Output, type OutputStreams } from '../core/output.js';
import { inquirerPrompter, nonInteractivePrompter, type Prompter } from '../core/prompts.js';
import { ProjectState } from '../core/targets.js';
import { SessionStore, configDir } from '../core/sessions.js';
import { realClock, type Clock } from '../core/clock.js';
import type { AwsFactory } from '../core/aws.js';
import type { Context, GlobalOptions, Project } from '../core/context.js';
import { readProjectConfig, stackSettingsFromGlobal } from '../core/project-config.js';
import { buildStackModel } from '../core/stack-model.js';
import { createAwsFactory } from '../aws/factory.js';
import { findProjectDir } from '../core/project.js';
import { checkSecondsSettings, secondsSetting } from '../core/parse.js';
import { verboseAws, verboseFetch } from './verbose.js';

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

export function createContext(init: ContextInit): Context {
  const out = new Output(init.streams, { json: init.global.json, color: init.global.color, verbose: init.global.verbose, env: init.env });
  checkSecondsSettings(init.env);
  const projectDir = findProjectDir(init.cwd);
  const ci = Boolean(init.env.CI && init.env.CI !== 'false');
  const interactive = init.interactive ?? (Boolean(init.stdin.isTTY && init.streams.stderr.isTTY) && !ci && !init.global.json);
  const fetch = init.fetch ?? globalThis.fetch;
  const aws =
    init.aws ??
    createAwsFactory({
      region: init.global.region,
      profile: init.global.profile,
      env: init.env,
      signal: init.signal,
      timeoutMs: secondsSetting(init.env, 'AUTHSTACK_AWS_TIMEOUT'),
      onSlowCall: ({ service, operation, limitMs }) =>
        out.waiting(`AWS ${service} ${operation} (limit ${limitMs / 1000} s per attempt, AUTHSTACK_AWS_TIMEOUT)`),
    });
  // --verbose: each call made, on stderr.
  const log = (line: string) => out.debug(line);
  let project: Promise<Project> | undefined;
  return {
    out,
    global: init.global,
    env: init.env,
    cwd: init.cwd,
    projectDir,
    project: () =>
      (project ??= readProjectConfig(projectDir).then((config) => ({ config, model: buildStackModel(config, stackSettingsFromGlobal(init.global)) }))),
    interactive,
    prompt: init.prompt ?? (interactive ? inquirerPrompter(init.signal) : nonInteractivePrompter()),
    stdin: init.stdin,
    state: new ProjectState(projectDir),
    sessions: new SessionStore(configDir(init.env)),
    clock: init.clock ?? realClock,
    fetch: init.global.verbose ? verboseFetch(fetch, log) : fetch,
    signal: init.signal,
    aws: init.global.verbose ? verboseAws(aws, log) : aws,
  };
}
