import { defineCommand } from '../core/command.js';
import { usageError } from '../core/errors.js';
import { duration } from '../core/parse.js';
import type { LogsResult } from './results.js';
import { deployedOnly, localTargetSelected } from './local-target.js';

export default defineCommand({
  name: 'logs',
  description: "show the API function's log lines from CloudWatch Logs, one readable line per request",
  options: {
    follow: { type: 'switch', short: 'f', description: 'keep printing new lines until Ctrl-C' },
    since: { type: 'value', placeholder: 'duration', description: 'how far back to start, e.g. 30s, 10m, 2h (default: 10m)', parse: duration('--since') },
    logGroup: { type: 'value', placeholder: 'name', description: "read this log group instead of the stack function's" },
    pollInterval: {
      type: 'value',
      placeholder: 'duration',
      description: 'time between polls with --follow (default: 2s)',
      parse: duration('--poll-interval'),
      hidden: true,
    },
  },
  examples: ['authstack logs', 'authstack logs --since 1h', 'authstack logs --follow'],
  async run({ options }, ctx) {
    if (options.follow && ctx.out.json) throw usageError('--follow cannot be combined with --json (one JSON document).', 'Drop one of them');
    if (!options.logGroup && (await localTargetSelected(ctx))) {
      throw deployedOnly("logs reads a deployed stack's CloudWatch Logs", 'The local stack logs each request in the terminal running authstack dev');
    }
    const [{ resolveRegion }, { logs }, { formatLogLine, parseLogLine }] = await Promise.all([
      import('../deploy/aws-deps.js'),
      import('../aws/logs.js'),
      import('../deploy/log-format.js'),
    ]);
    const { model } = await ctx.project();
    const stackName = model.stackName;
    const { aws } = await resolveRegion(ctx, model.region);
    const api = await logs(aws);
    // The template fixes the group's name from the stack name, so no CloudFormation call is needed.
    const logGroupName = options.logGroup ?? `/aws/lambda/${stackName}-api`;
    let startTime = ctx.clock.now() - (options.since ?? 10 * 60_000);
    const seen = new Set<string>();
    const collected: LogsResult['events'] = [];

    const fetchNew = async () => {
      let nextToken: string | undefined;
      let newest = startTime;
      do {
        const page = await api.filterLogEvents({ logGroupName, startTime, nextToken });
        for (const e of page.events) {
          if (seen.has(e.eventId)) continue;
          seen.add(e.eventId);
          newest = Math.max(newest, e.timestamp);
          if (ctx.out.json) {
            const parsed = parseLogLine(e.message);
            collected.push({
              timestamp: new Date(e.timestamp).toISOString(),
              message: e.message.trimEnd(),
              ...(parsed.kind === 'request' ? { request: parsed.data } : {}),
            });
          } else {
            const line = formatLogLine(e.timestamp, e.message, ctx.out.c, ctx.out.verbose);
            if (line !== undefined) ctx.out.writeOut(`${line}\n`);
          }
        }
        nextToken = page.nextToken;
      } while (nextToken && !ctx.signal.aborted);
      // Lines of the same millisecond may still arrive: restart at that millisecond, `seen` drops repeats.
      startTime = newest;
    };

    await fetchNew();
    if (!options.follow) {
      if (ctx.out.json) ctx.out.result({ logGroupName, events: collected } satisfies LogsResult);
      else if (seen.size === 0) ctx.out.info(`No log lines in ${logGroupName} in the last ${formatSince(options.since ?? 600_000)}.`);
      return;
    }
    ctx.out.info(ctx.out.c.dim(`Following ${logGroupName} (Ctrl-C to stop)…`));
    while (!ctx.signal.aborted) {
      await ctx.clock.sleep(options.pollInterval ?? 2000, ctx.signal);
      if (ctx.signal.aborted) break;
      await fetchNew();
    }
  },
});

function formatSince(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}
