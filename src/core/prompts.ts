import { UserError, interruptedError } from './errors.js';

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
export function inquirerPrompter(signal?: AbortSignal): Prompter {
  const load = () => import('@inquirer/prompts');
  const ask = async <T>(run: (context: { signal: AbortSignal }) => Promise<T>, gaveUp?: () => UserError | undefined, controller = new AbortController()): Promise<T> => {
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
    try {
      return await run({ signal: controller.signal });
    } catch (err) {
      const name = (err as Error)?.name;
      const failure = gaveUp?.();
      if (name === 'AbortPromptError' && failure) throw failure;
      if (name === 'ExitPromptError' || name === 'AbortPromptError') throw interruptedError();
      throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  };
  /** Inquirer re-asks in place while `validate` rejects; the answer that uses up the tries ends the prompt. */
  const checked = <T>(q: CheckedQuestion, prompt: (validate: (v: string) => true | string, context: { signal: AbortSignal }) => Promise<T>) => {
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
    return ask((context) => prompt(validate, context), () => failure, controller);
  };
  return {
    input: (q) => checked(q, async (validate, context) => (await load()).input({ message: q.message, default: q.default, validate }, context)),
    password: (q) => checked(q, async (validate, context) => (await load()).password({ message: q.message, mask: '*', validate }, context)),
    confirm: (q) => ask(async (context) => (await load()).confirm({ message: q.message, default: q.default }, context)),
    select: <T>(q: { message: string; choices: Choice<T>[]; default?: T }) =>
      ask(async (context) => (await load()).select<T>({ message: q.message, choices: q.choices, default: q.default }, context)),
  };
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
