import { defineCommand, type OptionSpecs } from '../core/command.js';
import type { Context } from '../core/context.js';
import { usageError } from '../core/errors.js';
import { checkEmail, oneOf } from '../core/parse.js';
import type { Target } from '../core/targets.js';
import { AUTH_FLOWS, login } from '../client/auth.js';
import { checkNewPassword, passwordPolicyFor, readNewPassword, readPassword, readStdin, type PasswordSource } from '../client/password.js';
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
  browser: { type: 'switch', description: 'sign in on the hosted sign-in page in a browser (authorization code + PKCE)' },
  open: { type: 'negated-switch', description: 'with --browser: print the sign-in URL instead of opening a browser' },
  mfaCode: { type: 'value', placeholder: 'code', description: "the authenticator app's 6-digit code when Cognito asks for one (- reads it from stdin)" },
} as const satisfies OptionSpecs;

export default defineCommand({
  name: 'login',
  description: 'sign in with Cognito (SRP: the password never leaves the machine) and keep the tokens for the other commands',
  args: { email: { description: "the user's email address (not with --browser)" } },
  options: { ...loginFlags, ...passwordFlags, ...targetFlags },
  examples: [
    'authstack login ada@example.com',
    'authstack login --browser',
    'printf %s "$PASSWORD" | authstack login ada@example.com --password-stdin',
    'printf "%s\\n%s" "$TEMPORARY" "$NEW" | authstack login ada@example.com --password-stdin   # an invited user',
    'authstack login ada@example.com --auth-flow password',
    'AUTHSTACK_PASSWORD=... authstack login ada@example.com --mfa-code 123456',
  ],
  async run({ args, options }, ctx) {
    if (options.browser) {
      if (args.email !== undefined) throw usageError('--browser takes no email: you sign in on the page.', 'Run authstack login --browser');
      const target = await resolveTarget(ctx, options, { cognito: true });
      const { browserLogin } = await import('../client/browser-login.js');
      const { session } = await browserLogin(ctx, target, { open: options.open });
      return report(ctx, target, session.username, 'browser', session.expiresAt);
    }
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { password, piped } = await readLoginPassword(ctx, options);
    const { mfaChallengeAnswer } = await import('../client/mfa.js');
    const session = await login(ctx, target, email, password, options.authFlow, {
      newPassword: () => newPasswordFor(ctx, target, email, piped),
      answer: mfaChallengeAnswer(ctx, target, email, { code: options.mfaCode }),
    });
    report(ctx, target, email, options.authFlow, session.expiresAt);
  },
});

/**
 * The password, as `readPassword` reads it; with --password-stdin a second line, when there is one, is the new
 * password an invited user must set (read now: stdin can be read once).
 */
async function readLoginPassword(ctx: Context, options: PasswordSource): Promise<{ password: string; piped?: string }> {
  if (!options.passwordStdin || options.password !== undefined) return { password: await readPassword(ctx, options, { confirm: false }) };
  const text = await readStdin(ctx.stdin);
  const newline = text.indexOf('\n');
  const password = (newline < 0 ? text : text.slice(0, newline)).replace(/\r$/, '');
  if (!password) throw usageError('The password is empty.');
  return { password, piped: newline < 0 ? undefined : text.slice(newline + 1).replace(/\r$/, '') };
}

/**
 * The new password Cognito asks an invited user for: the second line of --password-stdin, AUTHSTACK_NEW_PASSWORD,
 * or a hidden prompt (twice), checked against the pool's policy before it is sent.
 */
async function newPasswordFor(ctx: Context, target: Target, email: string, piped: string | undefined): Promise<string> {
  const policy = await passwordPolicyFor(ctx, target);
  if (piped !== undefined && piped !== '') return checkNewPassword(piped, policy);
  if (ctx.env.AUTHSTACK_NEW_PASSWORD) return checkNewPassword(ctx.env.AUTHSTACK_NEW_PASSWORD, policy);
  if (!ctx.interactive) {
    throw usageError(
      `${email} must set a new password: the account was created with a temporary one.`,
      'Pipe the temporary and the new password as two lines with --password-stdin, or set AUTHSTACK_NEW_PASSWORD',
    );
  }
  ctx.out.info(`${email} was created with a temporary password: choose a new one.`);
  return readNewPassword(ctx, {}, policy, { label: 'New password' });
}

function report(ctx: Context, target: Target, username: string, authFlow: LoginResult['authFlow'], expiresAtMs: number): void {
  const expiresAt = new Date(expiresAtMs).toISOString();
  const doc: LoginResult = { username, target: target.name, authFlow, expiresAt, tokenStore: ctx.sessions.path };
  ctx.out.result(
    doc,
    (c) =>
      `${c.green('✔')} Logged in as ${username} on ${describeTarget(target)}\n  ${c.dim(`tokens saved in ${ctx.sessions.path}; access token valid until ${expiresAt}`)}`,
  );
}
