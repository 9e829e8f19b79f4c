import { defineCommand, type OptionSpecs } from '../core/command.js';
import { checkEmail, oneOf } from '../core/parse.js';
import { AUTH_FLOWS, login } from '../client/auth.js';
import { readPassword } from '../client/password.js';
import { describeTarget, resolveTarget } from '../client/target.js';
import { passwordFlags, targetFlags } from './target-flags.js';
import type { LoginResult } from './results.js';

const loginFlags = {
  authFlow: {
    type: 'value',
    placeholder: 'flow',
    description: 'srp (USER_SRP_AUTH) or password (USER_PASSWORD_AUTH, the password is sent to Cognito)',
    default: 'srp',
    parse: oneOf('--auth-flow', AUTH_FLOWS),
  },
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'login',
  description: 'sign in with Cognito (SRP: the password never leaves the machine) and keep the tokens for the other commands',
  args: { email: { description: 'the user\'s email address', required: true } },
  options: { ...loginFlags, ...passwordFlags, ...targetFlags },
  examples: [
    'authstack login ada@example.com',
    'printf %s "$PASSWORD" | authstack login ada@example.com --password-stdin',
    'authstack login ada@example.com --auth-flow password',
  ],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { cognito: true });
    const password = await readPassword(ctx, options, { confirm: false });
    const session = await login(ctx, target, email, password, options.authFlow);
    const expiresAt = new Date(session.expiresAt).toISOString();
    const doc: LoginResult = { username: email, target: target.name, authFlow: options.authFlow, expiresAt, tokenStore: ctx.sessions.path };
    ctx.out.result(doc, (c) =>
      `${c.green('✔')} Logged in as ${email} on ${describeTarget(target)}\n  ${c.dim(`tokens saved in ${ctx.sessions.path}; access token valid until ${expiresAt}`)}`,
    );
  },
});
