import { defineCommand } from '../core/command.js';
import { EXIT, UserError } from '../core/errors.js';
import { integer } from '../core/parse.js';
import { callApi } from '../client/api.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';

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
    const deadline = ctx.clock.now() + (options.wait ?? 0) * 1000;
    let attempts = 0;
    for (;;) {
      attempts++;
      let result: { healthy: boolean; status?: number; ms?: number; version?: string; reason?: string };
      try {
        const res = await callApi(ctx, target, { method: 'GET', path: '/app/health', timeoutMs: 10_000 });
        const body = res.json as { status?: unknown; version?: unknown } | undefined;
        const healthy = res.status === 200 && body?.status === 'healthy';
        result = {
          healthy,
          status: res.status,
          ms: res.ms,
          version: typeof body?.version === 'string' ? body.version : undefined,
          reason: healthy ? undefined : `HTTP ${res.status}${body?.status ? ` (${String(body.status)})` : ''}`,
        };
      } catch (err) {
        if (!(err instanceof UserError) || ctx.clock.now() >= deadline) throw err;
        result = { healthy: false, reason: err.message };
      }
      if (result.healthy || ctx.clock.now() >= deadline || ctx.signal.aborted) {
        const doc = { url: `${target.apiUrl}/app/health`, attempts, ...result };
        ctx.out.result(doc, (c) =>
          result.healthy
            ? `${c.green('healthy')}  ${result.status} in ${result.ms} ms  ${c.dim(`${doc.url}${result.version ? `  version ${result.version}` : ''}`)}`
            : '',
        );
        if (!result.healthy) {
          throw new UserError('api', `Unhealthy: ${result.reason} from ${doc.url}${attempts > 1 ? ` after ${attempts} attempts` : ''}.`, {
            code: 'Unhealthy',
          });
        }
        return EXIT.ok;
      }
      ctx.out.debug(`not healthy yet (${result.reason}); retrying`);
      // Back off from a quarter second to two seconds: quick when the API is nearly up, gentle when it is not.
      await ctx.clock.sleep(Math.min(250 * 2 ** (attempts - 1), 2000, Math.max(0, deadline - ctx.clock.now())), ctx.signal);
    }
  },
});
