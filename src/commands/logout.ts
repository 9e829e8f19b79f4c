import { defineCommand } from '../core/command.js';
import { globalSignOut } from '../client/auth.js';
import { sessionKey } from '../core/sessions.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { LogoutResult } from './results.js';

export default defineCommand({
  name: 'logout',
  description: 'forget the saved session (and sign out everywhere in Cognito when reachable)',
  options: { local: { type: 'switch', description: 'only forget the tokens here; do not call Cognito' }, ...targetFlags },
  examples: ['authstack logout'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const key = sessionKey(target);
    const session = await ctx.sessions.get(key);
    if (!session) {
      const doc: LogoutResult = { loggedOut: false, reason: 'no session' };
      ctx.out.result(doc, 'Not logged in; nothing to do.');
      return;
    }
    const signOut = options.local ? { ok: false, reason: 'skipped (--local)' } : await globalSignOut(ctx, target, session);
    await ctx.sessions.delete(key);
    const doc: LogoutResult = { loggedOut: true, username: session.username, globalSignOut: signOut.ok, reason: signOut.reason };
    ctx.out.result(doc, (c) =>
      signOut.ok
        ? `${c.green('✔')} Logged out ${session.username} (signed out of every device in Cognito)`
        : `${c.green('✔')} Logged out ${session.username} here ${c.dim(`(Cognito not told: ${signOut.reason})`)}`,
    );
  },
});
