import { defineCommand } from '../core/command.js';
import { EXIT, UserError, interruptedError, isUserError } from '../core/errors.js';
import { HEALTH_PATH, checkHealth } from '../core/health.js';
import { integer } from '../core/parse.js';
import { unreachableBecause } from '../client/api.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { HealthResult } from './results.js';
import type { Context } from '../core/context.js';
import type { Target } from '../core/targets.js';

export default defineCommand({
  name: 'health',
  description: 'check that the API answers GET /app/health',
  options: {
    wait: {
      type: 'value',
      placeholder: 'seconds',
      description: 'retry until healthy, for up to this many seconds (CI right after a deploy)',
      parse: integer('--wait', 0, 3600),
    },
    ...targetFlags,
  },
  examples: ['authstack health', 'authstack health --wait 60 --json'],
  async run({ options }, ctx) {
    const waitMs = (options.wait ?? 0) * 1000;
    const target = await targetWithin(ctx, options, waitMs);
    const url = `${target.apiUrl}${HEALTH_PATH}`;
    // A wait says what it waits for, the attempt and the last answer: a spinner on a terminal, lines in CI.
    const progress = waitMs > 0 ? ctx.out.progress(`waiting for ${url} to be healthy`) : undefined;
    let last = '';
    let planned = 1;
    let result: HealthResult;
    try {
      result = await checkHealth({
        apiUrl: target.apiUrl,
        fetch: ctx.fetch,
        clock: ctx.clock,
        signal: ctx.signal,
        waitMs,
        onAttempt: (n, of) => {
          planned = of;
          progress?.update(last, `attempt ${n}/${of}`);
        },
        onRetry: (check) => {
          last = check.reason ?? 'not healthy';
          progress?.update(last, `attempt ${check.attempts}/${planned}`);
        },
      });
    } finally {
      progress?.stop();
    }
    if (ctx.signal.aborted) {
      throw interruptedError(
        `Interrupted while waiting for ${url} to be healthy (${result.attempts} attempt${result.attempts === 1 ? '' : 's'}, the last: ${last}).`,
      );
    }
    // Nothing answered: say so as for any other call to the API, with what to check.
    if (result.status === undefined && !result.healthy) throw unreachableBecause(target, result.url, result.reason ?? 'network error');
    ctx.out.result(result, (c) =>
      result.healthy
        ? `${c.green('healthy')}  ${result.status} in ${result.ms} ms  ${c.dim(`${result.url}${result.version ? `  version ${result.version}` : ''}`)}`
        : '',
    );
    if (!result.healthy) {
      throw new UserError('api', `Unhealthy: ${result.reason} from ${result.url}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}.`, {
        code: 'Unhealthy',
      });
    }
    return EXIT.ok;
  },
});

/**
 * The target to check. With --wait, a target not recorded yet is waited for too: `authstack dev &` followed at once by
 * `authstack health --wait` in a fresh checkout asks before dev has recorded where it listens.
 */
async function targetWithin(ctx: Context, flags: Parameters<typeof resolveTarget>[1], waitMs: number): Promise<Target> {
  const deadline = ctx.clock.now() + waitMs;
  for (;;) {
    try {
      return await resolveTarget(ctx, flags, { api: true });
    } catch (err) {
      if (!isUserError(err) || err.code !== 'NoTarget' || ctx.clock.now() >= deadline || ctx.signal.aborted) throw err;
    }
    await ctx.clock.sleep(Math.min(250, Math.max(0, deadline - ctx.clock.now())), ctx.signal);
  }
}
