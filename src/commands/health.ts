import { defineCommand } from '../core/command.js';
import { EXIT, UserError } from '../core/errors.js';
import { checkHealth } from '../core/health.js';
import { integer } from '../core/parse.js';
import { unreachableBecause } from '../client/api.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { HealthResult } from './results.js';

export default defineCommand({
  name: 'health',
  description: 'check that the API answers GET /app/health',
  options: {
    wait: { type: 'value', placeholder: 'seconds', description: 'retry until healthy, for up to this many seconds (CI right after a deploy)', parse: integer('--wait', 0, 3600) },
    ...targetFlags,
  },
  examples: ['authstack health', 'authstack health --wait 60 --json'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { api: true });
    const result: HealthResult = await checkHealth({
      apiUrl: target.apiUrl,
      fetch: ctx.fetch,
      clock: ctx.clock,
      signal: ctx.signal,
      waitMs: (options.wait ?? 0) * 1000,
      onRetry: (last) => ctx.out.debug(`not healthy yet (${last.reason}); retrying`),
    });
    // Nothing answered: say so as for any other call to the API, with what to check.
    if (result.status === undefined && !result.healthy) throw unreachableBecause(target, result.url, result.reason ?? 'network error');
    ctx.out.result(result, (c) =>
      result.healthy ? `${c.green('healthy')}  ${result.status} in ${result.ms} ms  ${c.dim(`${result.url}${result.version ? `  version ${result.version}` : ''}`)}` : '',
    );
    if (!result.healthy) {
      throw new UserError('api', `Unhealthy: ${result.reason} from ${result.url}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}.`, {
        code: 'Unhealthy',
      });
    }
    return EXIT.ok;
  },
});
