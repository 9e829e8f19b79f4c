import { UserError } from './errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/** Prompts as the commands see them. The real one is inquirer; tests pass scripted answers. */
export interface Prompter {
  input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  password(q: { message: string; validate?: (v: string) => true | string }): Promise<string>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
}

/** Inquirer, loaded only when a prompt is actually shown. Ctrl-C at a prompt is an abort, not a crash. */
export function inquirerPrompter(): Prompter {
  const load = () => import('@inquirer/prompts');
  const guard = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (err) {
      if ((err as Error)?.name === 'ExitPromptError' || (err as Error)?.name === 'AbortPromptError') {
        throw new UserError('aborted', 'Cancelled.', { code: 'Aborted' });
      }
      throw err;
    }
  };
  return {
    input: (q) => guard(async () => (await load()).input({ message: q.message, default: q.default, validate: q.validate })),
    password: (q) => guard(async () => (await load()).password({ message: q.message, mask: '*', validate: q.validate })),
    confirm: (q) => guard(async () => (await load()).confirm({ message: q.message, default: q.default })),
    select: <T>(q: { message: string; choices: Choice<T>[]; default?: T }) =>
      guard(async () => (await load()).select<T>({ message: q.message, choices: q.choices, default: q.default })),
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
