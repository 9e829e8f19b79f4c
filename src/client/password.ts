import type { Context } from '../core/context.js';
import { UserError, usageError } from '../core/errors.js';

/** Where the password comes from, as the command was told. */
export interface PasswordSource {
  password?: string;
  passwordStdin?: boolean;
}

/** Max bytes read from stdin for a password: far more than any password, small enough to never hang on a file. */
const MAX_STDIN = 4096;

/**
 * The password, from (in order) --password-stdin, --password (with a warning), AUTHSTACK_PASSWORD, or a hidden
 * prompt on a terminal (asked twice when `confirm`). Never echoed, never logged.
 */
export async function readPassword(ctx: Context, flags: PasswordSource, opts: { confirm: boolean }): Promise<string> {
  if (flags.passwordStdin && flags.password !== undefined) throw usageError('Use either --password or --password-stdin, not both.');
  if (flags.passwordStdin) return nonEmpty(await readStdin(ctx.stdin));
  if (flags.password !== undefined) {
    ctx.out.warn('--password is visible to other users in ps and in your shell history; prefer --password-stdin.');
    return nonEmpty(flags.password);
  }
  if (ctx.env.AUTHSTACK_PASSWORD) return ctx.env.AUTHSTACK_PASSWORD;
  if (!ctx.interactive) {
    throw usageError('No password given.', 'Pipe it with --password-stdin, or set AUTHSTACK_PASSWORD');
  }
  const password = await ctx.prompt.password({ message: 'Password', validate: (v) => (v.length > 0 ? true : 'The password cannot be empty') });
  if (opts.confirm) {
    const again = await ctx.prompt.password({ message: 'Password (again)' });
    if (again !== password) throw new UserError('usage', 'The passwords do not match.', { code: 'PasswordMismatch' });
  }
  return password;
}

function nonEmpty(password: string): string {
  if (password.length === 0) throw usageError('The password is empty.');
  return password;
}

async function readStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) throw usageError('--password-stdin needs the password piped in, e.g. printf %s "$PASSWORD" | authstack ...');
  let data = '';
  for await (const chunk of stdin) {
    data += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (data.length > MAX_STDIN) throw usageError('The password read from stdin is too long.');
  }
  // One trailing newline is what `echo` adds, not part of the password.
  return data.replace(/\r?\n$/, '');
}
