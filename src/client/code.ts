import type { Context } from '../core/context.js';
import { UserError, usageError } from '../core/errors.js';

export type CodeSource = 'argument' | 'mailbox' | 'prompt';

export interface CodeRequest {
  email: string;
  /** The code given on the command line, if any. */
  given: string | undefined;
  /** Reads the latest code for the address from the local mailbox; absent on AWS. */
  fromMailbox?: (email: string) => Promise<string | undefined>;
  /** What the code is called in messages, e.g. `confirmation code`. */
  what: string;
  /** The command that passes it, e.g. `authstack validate <email>`; and the one that sends one. */
  usage: string;
  sendHint: string;
}

/** A code the user received: the argument, else (locally) the latest in the mailbox, else a prompt on a terminal. */
export async function findCode(ctx: Context, req: CodeRequest): Promise<{ code: string; source: CodeSource }> {
  if (req.given !== undefined) {
    // Not quoted back: it may be the real code with a stray space, and error output ends up in CI logs.
    if (!/^\S{1,64}$/.test(req.given)) throw usageError(`The ${req.what} must be one word of at most 64 characters, without spaces.`);
    return { code: req.given, source: 'argument' };
  }
  if (req.fromMailbox) {
    const code = await req.fromMailbox(req.email);
    if (!code) throw new UserError('usage', `The local mailbox has no ${req.what} for ${req.email}.`, { code: 'NoCode', hint: req.sendHint });
    return { code, source: 'mailbox' };
  }
  if (!ctx.interactive) throw usageError(`Missing the ${req.what}.`, `Pass it: ${req.usage} <code>`);
  const code = await ctx.prompt.input({
    message: `${capitalise(req.what)} sent to ${req.email}`,
    validate: (v) => (/^\S+$/.test(v) ? true : 'Enter the code from the email'),
  });
  return { code: code.trim(), source: 'prompt' };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
