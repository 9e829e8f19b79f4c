import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { DEFAULT_TRIES, tooManyTries, type Prompter, type Choice, type CheckedQuestion } from '../../src/core/prompts.js';
import type { AwsFactory } from '../../src/core/aws.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = any>(): T;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Piped to stdin (not a TTY). */
  stdin?: string;
  /**
   * Scripted answers, keyed by a substring of the prompt message; an unexpected prompt fails the run. A list is
   * answered in order, one a time the prompt is shown or re-asked (a rejected answer is re-asked, as inquirer does).
   */
  answers?: Answers;
  interactive?: boolean;
  fetch?: typeof fetch;
  aws?: AwsFactory;
  signal?: AbortSignal;
  /** Makes stdout a terminal this many columns wide. */
  columns?: number;
  /** Told of everything printed, as it is printed (a long-running command such as `dev`). */
  onOutput?: (text: string) => void;
}

/** Runs the CLI in-process, as a user would type it, and captures what it prints. */
export async function runCli(argv: string[], opts: RunOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(opts.stdin === undefined ? [] : [opts.stdin]) as NodeJS.ReadableStream & { isTTY?: boolean };
  const code = await main(argv, {
    streams: {
      stdout: {
        write: (s: string) => {
          stdout += s;
          opts.onOutput?.(s);
          return true;
        },
        ...(opts.columns ? { isTTY: true, columns: opts.columns } : {}),
      },
      stderr: {
        write: (s: string) => {
          stderr += s;
          opts.onOutput?.(s);
          return true;
        },
      },
    },
    stdin,
    env: { HOME: opts.cwd, AUTHSTACK_CONFIG_DIR: join(opts.cwd, 'config'), NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd,
    signal: opts.signal ?? new AbortController().signal,
    interactive: opts.interactive ?? opts.answers !== undefined,
    prompt: opts.answers ? scriptedPrompter(opts.answers) : undefined,
    fetch: opts.fetch,
    aws: opts.aws,
  });
  return {
    code,
    stdout,
    stderr,
    json: () => JSON.parse(stdout),
  };
}

/** An answer, a list answered in order, or a function called when the prompt is shown (e.g. a code that depends on what the run printed). */
export type Answers = Record<string, string | boolean | readonly string[] | (() => string)>;

/**
 * Answers prompts from a script. Checked questions behave as the real prompter's: each answer goes through
 * `validate`, a rejected one is recorded in `rejected` and asked again, and `tries` rejections end the prompt.
 */
export function scriptedPrompter(answers: Answers): Prompter & { asked: string[]; rejected: string[] } {
  const asked: string[] = [];
  const rejected: string[] = [];
  const used = new Map<string, number>();
  const answer = (message: string) => {
    asked.push(message);
    const key = Object.keys(answers).find((k) => message.includes(k));
    if (key === undefined) throw new Error(`Unexpected prompt: "${message}"`);
    const value = answers[key]!;
    if (typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'function') return value();
    const i = used.get(key) ?? 0;
    used.set(key, i + 1);
    if (i >= value.length) throw new Error(`No answer left for "${message}"`);
    return value[i]!;
  };
  const checked = (q: CheckedQuestion): string => {
    const tries = q.tries ?? DEFAULT_TRIES;
    for (let n = 1; ; n++) {
      const value = String(answer(q.message));
      const verdict = q.validate ? q.validate(value) : true;
      if (verdict === true) return value;
      rejected.push(verdict);
      if (n >= tries) throw tooManyTries(q.message, tries, verdict);
    }
  };
  return {
    asked,
    rejected,
    input: async (q) => checked(q),
    password: async (q) => checked(q),
    confirm: async (q) => Boolean(answer(q.message)),
    select: async <T>(q: { message: string; choices: Choice<T>[] }) => {
      const a = answer(q.message);
      const found = q.choices.find((c) => c.name === a || c.value === (a as unknown));
      if (!found) throw new Error(`No choice "${String(a)}" for "${q.message}"`);
      return found.value;
    },
  };
}

export async function tempDir(prefix = 'authstack-test-'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
