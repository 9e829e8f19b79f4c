import { defineCommand } from '../core/command.js';
import { checkEmail } from '../core/parse.js';
import { login } from '../client/auth.js';
import { readPassword } from '../client/password.js';
import { describeTarget, resolveTarget } from '../client/target.js';
import { passwordFlags, targetFlags } from './target-flags.js';
import type { LoginResult } from './results.js';

export default defineCommand({
  name: 'login',
  description: 'sign in with Cognito (USER_PASSWORD_AUTH) and keep the tokens for the other commands',
  args: { email: { description: 'the user\'s email address', required: true } },
  options: { ...passwordFlags, ...targetFlags },
  examples: ['authstack login ada@example.com', 'printf %s "$PASSWORD" | authstack login ada@example.com --password-stdin'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { cognito: true });
    const password = await readPassword(ctx, options, { confirm: false });
    const session = await login(ctx, target, email, password);
    const expiresAt = new Date(session.expiresAt).toISOString();
    const doc: LoginResult = { username: email, target: target.name, expiresAt, tokenStore: ctx.sessions.path };
    ctx.out.result(doc, (c) =>
      `${c.green('✔')} Logged in as ${email} on ${describeTarget(target)}\n  ${c.dim(`tokens saved in ${ctx.sessions.path}; access token valid until ${expiresAt}`)}`,
    );
  },
});
