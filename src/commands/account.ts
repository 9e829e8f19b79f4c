import { defineCommand } from '../core/command.js';
import { confirmOrRefuse } from '../core/confirm.js';
import { UserError } from '../core/errors.js';
import { sessionKey } from '../core/sessions.js';
import { deleteOwnAccount } from '../client/account.js';
import { freshSession } from '../client/auth.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { AccountDeleteResult } from './results.js';

export const deleteAccount = defineCommand({
  name: 'account delete',
  description: "delete the signed-in user's own account (Cognito DeleteUser); asks first",
  options: { yes: { type: 'switch', short: 'y', description: 'do not ask (for scripts)' }, ...targetFlags },
  examples: ['authstack account delete', 'authstack account delete --yes'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session } = await freshSession(ctx, target);
    const where = target.name === 'custom' ? 'this target' : target.name;
    if (!options.yes) {
      const ok = await confirmOrRefuse(ctx, `Delete the account ${session.username} on ${where}? This cannot be undone.`, {
        doing: 'delete the account',
        hint: 'Pass --yes',
      });
      if (!ok) throw new UserError('aborted', 'Nothing was deleted.', { code: 'Aborted' });
    }
    await deleteOwnAccount(ctx, target, session.accessToken);
    await ctx.sessions.delete(sessionKey(target));
    const doc: AccountDeleteResult = { username: session.username, deleted: true };
    ctx.out.result(doc, (c) => `${c.green('✔')} Deleted the account ${session.username} and forgot its session`);
  },
});
