import { defineCommand } from '../core/command.js';
import { UserError } from '../core/errors.js';
import { freshSession } from '../client/auth.js';
import { resolveTarget, targetOptions, type TargetFlags } from '../client/target.js';

interface Options extends TargetFlags {
  id?: boolean;
}

export default defineCommand<Options>({
  name: 'token',
  description: 'print the current access token (refreshed first if it expired), for your own curl',
  options: [{ flags: '--id', description: 'print the ID token instead' }, ...targetOptions],
  examples: ['curl -H "Authorization: Bearer $(authstack token)" http://127.0.0.1:3000/user/profile'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session, refreshed } = await freshSession(ctx, target);
    const token = options.id ? session.idToken : session.accessToken;
    if (!token) throw new UserError('auth', 'The session has no ID token.', { code: 'NoIdToken' });
    ctx.out.result(
      { tokenType: options.id ? 'id' : 'access', token, expiresAt: new Date(session.expiresAt).toISOString(), refreshed, username: session.username },
      token,
    );
  },
});
