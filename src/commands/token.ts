import { defineCommand } from '../core/command.js';
import { UserError } from '../core/errors.js';
import { freshSession } from '../client/auth.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { TokenResult } from './results.js';

export default defineCommand({
  name: 'token',
  description: 'print the current access token (refreshed first if it expired), for your own curl',
  options: { id: { type: 'switch', description: 'print the ID token instead' }, ...targetFlags },
  examples: ['curl -H "Authorization: Bearer $(authstack token)" http://127.0.0.1:3000/user/profile'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session, refreshed } = await freshSession(ctx, target);
    const token = options.id ? session.idToken : session.accessToken;
    if (!token) throw new UserError('auth', 'The session has no ID token.', { code: 'NoIdToken' });
    const doc: TokenResult = {
      tokenType: options.id ? 'id' : 'access',
      token,
      expiresAt: new Date(session.expiresAt).toISOString(),
      refreshed,
      username: session.username,
    };
    ctx.out.result(doc, token);
  },
});
