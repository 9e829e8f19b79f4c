import type { Context } from './context.js';
import { UserError } from './errors.js';

/**
 * Asks a yes/no question on a terminal. Without one, there is nobody to answer: that is a refusal (exit 4)
 * that says what was being done and how to confirm from a script, never a silent yes.
 */
export async function confirmOrRefuse(ctx: Context, message: string, refusal: { doing: string; hint: string }): Promise<boolean> {
  if (!ctx.interactive) {
    throw new UserError('aborted', `Refused to ${refusal.doing} without confirmation: "${message}" needs an answer and there is no terminal to ask.`, {
      code: 'NeedsConfirmation',
      hint: refusal.hint,
    });
  }
  return ctx.prompt.confirm({ message, default: false });
}
