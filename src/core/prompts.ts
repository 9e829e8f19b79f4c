import { UserError, interruptedError, thrownName } from './errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/** A question whose answer is checked: a rejected answer is asked again in place, at most `tries` times. */
export interface CheckedQuestion {
  message: string;
  /** `true`, or what is wrong with the answer (shown under the prompt). */
  validate?: (v: string) => true | string;
  /** Answers rejected before the prompt gives up with a usage error (exit 2). Default 5. */
  tries?: number;
}

/** Prompts as the commands see them. The real one is inquirer; tests pass scripted answers. */
export interface Prompter {
  input(q: CheckedQuestion & { default?: string }): Promise<string>;
  password(q: CheckedQuestion): Promise<string>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
}

export const DEFAULT_TRIES = 5;

/** The error a prompt ends with after `tries` rejected answers. */
export function tooManyTries(message: string, tries: number, last: string): UserError {
  return new UserError('usage', `"${message}": ${tries} answers rejected, the last one: ${last}`, { code: 'TooManyTries' });
}

/**
 * Inquirer, loaded only when a prompt is actually shown. Ctrl-C at a prompt (inquirer's own, or the process's
 * `signal`) is the interruption, exit 130, as everywhere else.
 */
export function inquirerPrompter(signal?: AbortSignal, streams?: PromptStreams): Prompter {
  const load = () => import('@inquirer/prompts');
  const ask = async <T>(run: (context: PromptContext) => Promise<T>, gaveUp?: () => UserError | undefined, controller = new AbortController()): Promise<T> => {
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
    try {
      return await run({ signal: controller.signal, ...streams });
    } catch (err) {
      const name = thrownName(err);
      const failure = gaveUp?.();
      if (name === 'AbortPromptError' && failure) throw failure;
      if (name === 'ExitPromptError' || name === 'AbortPromptError') throw interruptedError();
      throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  };
  /** Inquirer re-asks in place while `validate` rejects; the answer that uses up the tries ends the prompt. */
  const checked = <T>(q: CheckedQuestion, prompt: (validate: (v: string) => true | string, context: PromptContext) => Promise<T>) => {
    const controller = new AbortController();
    const tries = q.tries ?? DEFAULT_TRIES;
    let rejected = 0;
    let failure: UserError | undefined;
    const validate = (v: string) => {
      const verdict = q.validate ? q.validate(v) : true;
      if (verdict !== true && ++rejected >= tries) {
        failure = tooManyTries(q.message, tries, verdict);
        setImmediate(() => controller.abort());
      }
      return verdict;
    };
    return ask(
      (context) => prompt(validate, context),
      () => failure,
      controller,
    );
  };
  return {
    input: (q) => checked(q, async (validate, context) => (await load()).input({ message: q.message, default: q.default, validate }, context)),
    password: (q) => checked(q, async (validate, context) => (await hiddenPrompt())({ message: q.message, validate }, context)),
    confirm: (q) => ask(async (context) => (await load()).confirm({ message: q.message, default: q.default }, context)),
    select: <T>(q: { message: string; choices: Choice<T>[]; default?: T }) =>
      ask(async (context) => (await load()).select<T>({ message: q.message, choices: q.choices, default: q.default }, context)),
  };
}

/** Where inquirer reads keys and draws (the process's terminal by default; a test's fake terminal). */
export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

type PromptContext = { signal: AbortSignal } & PromptStreams;

type HiddenPrompt = (config: { message: string; validate: (v: string) => true | string }, context: PromptContext) => Promise<string>;
let hidden: Promise<HiddenPrompt> | undefined;

/**
 * A masked password prompt. Inquirer's own puts a rejected answer back on the line, which suits a typo in a name but
 * not a password nobody can see: the next try would be typed after the hidden characters and fail again. Here a
 * rejected password is cleared, and the next try starts empty (the reason stays shown until a key is typed).
 */
function hiddenPrompt(): Promise<HiddenPrompt> {
  hidden ??= import('@inquirer/core').then(
    ({ createPrompt, useState, useKeypress, usePrefix, isEnterKey, makeTheme }) =>
      createPrompt<string, { message: string; validate: (v: string) => true | string }>((config, done) => {
        const theme = makeTheme();
        const [status, setStatus] = useState<'idle' | 'done'>('idle');
        const [value, setValue] = useState('');
        const [error, setError] = useState<string | undefined>(undefined);
        const prefix = usePrefix({ status, theme });
        useKeypress((key, rl) => {
          if (status !== 'idle') return;
          if (isEnterKey(key)) {
            const verdict = config.validate(value);
            if (verdict === true) {
              setStatus('done');
              done(value);
            } else {
              // readline has already emptied its line on Enter: nothing of the rejected answer is left to append to.
              rl.clearLine(0);
              setValue('');
              setError(verdict);
            }
            return;
          }
          setValue(rl.line);
          setError(undefined);
        });
        const masked = '*'.repeat(value.length);
        const line = [prefix, theme.style.message(config.message, status), status === 'done' ? theme.style.answer(masked) : masked].join(' ');
        return [line, error ? theme.style.error(error) : ''];
      }) as HiddenPrompt,
  );
  return hidden;
}

/** Used when there is no terminal: any prompt is a clear error naming the flag that answers it. */
export function nonInteractivePrompter(): Prompter {
  const refuse = (message: string): never => {
    throw new UserError('aborted', `Cannot ask "${message}" without a terminal.`, {
      code: 'NonInteractive',
      hint: 'Pass the answer as a flag (see --help), or --yes to confirm',
    });
  };
  return {
    input: async (q) => refuse(q.message),
    password: async (q) => refuse(q.message),
    confirm: async (q) => refuse(q.message),
    select: async (q) => refuse(q.message),
  };
}
