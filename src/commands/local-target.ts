import type { Context } from '../core/context.js';
import { usageError } from '../core/errors.js';
import type { Target } from '../core/targets.js';

/**
 * The local stack, when a stack command (status, outputs, logs, destroy) is pointed at it: `--target local`, or
 * the current target is the local one and no `--stack` names a deployed stack.
 */
export async function localTargetSelected(ctx: Context): Promise<Target | undefined> {
  if (ctx.global.stackExplicit && !ctx.global.target) return undefined;
  const target = await ctx.state.target(ctx.global.target);
  return target?.kind === 'local' ? target : undefined;
}

/** What a command for deployed stacks says on the local target: what it is for, and what to do instead. */
export function deployedOnly(doing: string, instead: string) {
  return usageError(`authstack ${doing}; the current target is the local stack (authstack dev).`, `${instead}, or name a deployed stack with --stack <name>`);
}
