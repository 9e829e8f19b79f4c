import { defineCommand } from '../core/command.js';
import { BUILT_IN_ROUTES, type RouteAccess } from '../core/routes.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { RouteRow, RoutesResult } from './results.js';

function accessText(access: RouteAccess): string {
  if (access.kind === 'scopes') return `scopes: ${access.scopes.join(', ')}`;
  if (access.kind === 'groups') return `groups: ${access.groups.join(', ')}`;
  return access.kind;
}

export default defineCommand({
  name: 'routes',
  description: 'every route of the API (the built-in ones and your own) with its access rule, handler and URL',
  options: { ...targetFlags },
  examples: ['authstack routes', 'authstack routes --json', 'authstack routes --target local'],
  async run({ options }, ctx) {
    const { model } = await ctx.project();
    // The URL is the recorded target's (local or AWS); without one the routes are still listed.
    const base = await resolveTarget(ctx, options, { api: true }).then(
      (t) => t.apiUrl.replace(/\/+$/, ''),
      () => null,
    );
    const url = (path: string) => (base === null ? null : `${base}${path}`);
    const rows: RoutesResult = [
      ...BUILT_IN_ROUTES.map((r): RouteRow => ({ method: r.method, path: r.path, access: 'built-in', handler: 'built-in', url: url(r.path) })),
      ...model.routes.flatMap((r): RouteRow[] =>
        r.access && r.handler ? [{ method: r.method, path: r.path, access: accessText(r.access), handler: r.handler, url: url(r.path) }] : [],
      ),
    ];
    ctx.out.result(rows, (c) => {
      const width = (f: (r: RouteRow) => string) => Math.max(...rows.map((r) => f(r).length));
      const w = [width((r) => r.method), width((r) => r.path), width((r) => r.access), width((r) => r.handler)];
      const lines = rows.map((r) =>
        [
          r.method.padEnd(w[0]!),
          r.path.padEnd(w[1]!),
          r.access.padEnd(w[2]!),
          r.handler.padEnd(w[3]!),
          r.url ?? c.dim('(no target yet: run dev or deploy)'),
        ].join('  '),
      );
      return lines.join('\n');
    });
  },
});
