import { defineCommand } from '../core/command.js';
import { requireSession } from '../client/auth.js';
import { readClaims } from '../client/account.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { WhoamiResult } from './results.js';

export default defineCommand({
  name: 'whoami',
  description: "the signed-in user of the target, and when the session's token expires (no network)",
  options: { ...targetFlags },
  examples: ['authstack whoami', 'authstack whoami --json'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const session = await requireSession(ctx, target);
    // Read from the saved tokens, not asked of Cognito: this works offline, and is for display only.
    const id = readClaims(session.idToken) ?? {};
    const access = readClaims(session.accessToken) ?? {};
    const now = ctx.clock.now();
    const groups = access['cognito:groups'] ?? id['cognito:groups'];
    const sub = id.sub ?? access.sub;
    const result: WhoamiResult = {
      username: session.username,
      ...(typeof sub === 'string' ? { sub } : {}),
      ...(typeof id.email === 'string' ? { email: id.email } : {}),
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      target: target.name,
      kind: target.kind,
      userPoolId: target.userPoolId,
      expiresAt: new Date(session.expiresAt).toISOString(),
      expired: session.expiresAt <= now,
      refreshable: Boolean(session.refreshToken),
    };
    ctx.out.result(result, (c) => {
      const left = Math.round((session.expiresAt - now) / 60_000);
      const expiry = result.expired
        ? c.yellow(`expired ${-left} min ago${result.refreshable ? ' (refreshed on the next call)' : ''}`)
        : `expires in ${left} min`;
      return [
        `${c.bold(result.username)}${result.sub ? c.dim(`  (sub ${result.sub})`) : ''}`,
        `  target  ${result.target} (${result.kind}, pool ${result.userPoolId})`,
        `  token   ${expiry}, at ${result.expiresAt}`,
        ...(result.groups.length ? [`  groups  ${result.groups.join(', ')}`] : []),
      ].join('\n');
    });
  },
});
