import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Prompter, Choice } from '../../src/core/prompts.js';
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
  /** Scripted answers, keyed by a substring of the prompt message; an unexpected prompt fails the run. */
  answers?: Record<string, string | boolean>;
  interactive?: boolean;
  fetch?: typeof fetch;
  aws?: AwsFactory;
  signal?: AbortSignal;
}

/** Runs the CLI in-process, as a user would type it, and captures what it prints. */
export async function runCli(argv: string[], opts: RunOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(opts.stdin === undefined ? [] : [opts.stdin]) as NodeJS.ReadableStream & { isTTY?: boolean };
  const code = await main(argv, {
    streams: { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
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

export function scriptedPrompter(answers: Record<string, string | boolean>): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const answer = (message: string) => {
    asked.push(message);
    const key = Object.keys(answers).find((k) => message.includes(k));
    if (key === undefined) throw new Error(`Unexpected prompt: "${message}"`);
    return answers[key]!;
  };
  return {
    asked,
    input: async (q) => String(answer(q.message)),
    password: async (q) => String(answer(q.message)),
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
