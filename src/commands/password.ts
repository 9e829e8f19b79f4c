import { defineCommand } from '../core/command.js';
import type { Context } from '../core/context.js';
import type { PasswordPolicy } from '../core/password-policy.js';
import { UserError, isUserError, usageError } from '../core/errors.js';
import type { Target } from '../core/targets.js';
import { checkEmail } from '../core/parse.js';
import { changePassword, confirmForgotPassword, forgotPassword } from '../client/account.js';
import { freshSession } from '../client/auth.js';
import { findCode } from '../client/code.js';
import { checkNewPassword, passwordPolicyFor, readNewPassword, readStdin } from '../client/password.js';
import { resolveTarget } from '../client/target.js';
import { passwordFlags, targetFlags } from './target-flags.js';
import type { PasswordChangeResult, PasswordForgotResult, PasswordResetResult } from './results.js';

/** What `password forgot` says, whatever Cognito answered: it cannot know more (see forgotPassword). */
const IF_EXISTS = 'if the account exists, a code was sent';

export const forgot = defineCommand({
  name: 'password forgot',
  description: 'send a password reset code to the address (Cognito ForgotPassword)',
  args: { email: { description: "the account's email address", required: true } },
  options: { ...targetFlags },
  examples: ['authstack password forgot ada@example.com'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { cognito: true });
    const delivery = await forgotPassword(ctx, target, email);
    const local = target.kind === 'local';
    // The app client hides whether an account exists (PreventUserExistenceErrors): Cognito answers alike for
    // an unknown address, so saying "sent" would claim more than we know.
    const doc: PasswordForgotResult = { username: email, codeDeliveryDetails: delivery, note: IF_EXISTS };
    ctx.out.result(doc, (c) =>
      [
        `${c.green('✔')} If the account exists, a code was sent${delivery.destination ? ` to ${delivery.destination}` : ''}.`,
        local
          ? `  Locally it is in the mailbox: ${c.cyan(`authstack password reset ${email}`)}`
          : `  Then: ${c.cyan(`authstack password reset ${email} <code>`)}`,
      ].join('\n'),
    );
  },
});

export const reset = defineCommand({
  name: 'password reset',
  description: 'set a new password with the code from `password forgot` (locally, the code comes from the mailbox)',
  args: {
    email: { description: "the account's email address", required: true },
    code: { description: 'the reset code (optional locally, and asked for on a terminal)' },
  },
  options: { ...passwordFlags, ...targetFlags },
  examples: [
    'authstack password reset ada@example.com 123456',
    'authstack password reset ada@example.com            # local stack: the code comes from the mailbox',
    'printf %s "$NEW_PASSWORD" | authstack password reset ada@example.com 123456 --password-stdin',
  ],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { cognito: true });
    const mailboxDir = target.kind === 'local' ? target.localDataDir : undefined;
    const { code, source } = await findCode(ctx, {
      email,
      given: args.code,
      // A reset code is sent by ForgotPassword, or by an administrator's reset (AdminResetUserPassword).
      fromMailbox: mailboxDir ? async (to) => (await import('../local/mailbox.js')).readLatestCode(mailboxDir, to, ['forgot']) : undefined,
      what: 'reset code',
      usage: `authstack password reset ${email}`,
      sendHint: `Ask for one first: authstack password forgot ${email}`,
    });
    const password = await readNewPassword(ctx, options, await passwordPolicyFor(ctx, target), { label: 'New password' });
    await confirmForgotPassword(ctx, target, email, code, password);
    const doc: PasswordResetResult = { username: email, passwordReset: true, codeSource: source };
    ctx.out.result(
      doc,
      (c) =>
        `${c.green('✔')} New password set for ${email}${source === 'mailbox' ? c.dim('  (code from the local mailbox)') : ''}. Log in: ${c.cyan(`authstack login ${email}`)}`,
    );
  },
});

export const change = defineCommand({
  name: 'password change',
  description: "change the signed-in user's password (asks for the current one and the new one)",
  options: {
    passwordStdin: { type: 'switch', description: 'read two lines from standard input: the current password, then the new one' },
    ...targetFlags,
  },
  examples: ['authstack password change', 'printf "%s\\n%s" "$OLD" "$NEW" | authstack password change --password-stdin'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session } = await freshSession(ctx, target);
    const { current, proposed } = await readPasswordChange(ctx, options.passwordStdin === true, await passwordPolicyFor(ctx, target), (password) =>
      checkCurrentPassword(ctx, target, session.username, password),
    );
    await changePassword(ctx, target, session.accessToken, current, proposed);
    const doc: PasswordChangeResult = { username: session.username, passwordChanged: true };
    ctx.out.result(doc, (c) => `${c.green('✔')} Password changed for ${session.username}`);
  },
});

/**
 * Both passwords: two lines on stdin, or AUTHSTACK_PASSWORD (current) and AUTHSTACK_NEW_PASSWORD (new), or hidden
 * prompts on a terminal (the new one twice).
 */
async function readPasswordChange(
  ctx: Context,
  fromStdin: boolean,
  policy: PasswordPolicy | undefined,
  checkCurrent: (password: string) => Promise<void>,
): Promise<{ current: string; proposed: string }> {
  if (fromStdin) {
    const text = await readStdin(ctx.stdin);
    const newline = text.indexOf('\n');
    const current = newline < 0 ? '' : text.slice(0, newline).replace(/\r$/, '');
    const proposed = newline < 0 ? '' : text.slice(newline + 1).replace(/\r$/, '');
    if (!current || !proposed) throw usageError('--password-stdin needs two lines: the current password, then the new one.');
    return { current, proposed: checkNewPassword(proposed, policy) };
  }
  const { AUTHSTACK_PASSWORD: envCurrent, AUTHSTACK_NEW_PASSWORD: envNew } = ctx.env;
  if (envCurrent && envNew) return { current: envCurrent, proposed: checkNewPassword(envNew, policy) };
  if (!ctx.interactive) {
    throw usageError(
      'No passwords given.',
      'Pipe the current and the new password as two lines with --password-stdin, or set AUTHSTACK_PASSWORD and AUTHSTACK_NEW_PASSWORD',
    );
  }
  const current = await ctx.prompt.password({ message: 'Current password', validate: (v) => (v.length > 0 ? true : 'The password cannot be empty') });
  // A wrong current password is said before the new one is typed twice for nothing.
  await checkCurrent(current);
  const proposed = await readNewPassword(ctx, {}, policy, { label: 'New password' });
  return { current, proposed };
}

/** Signs in with the current password (SRP, nothing saved): Cognito's answer to a wrong one, before anything else. */
async function checkCurrentPassword(ctx: Context, target: Target, username: string, password: string): Promise<void> {
  const { authenticate } = await import('../client/auth.js');
  try {
    await authenticate(ctx, target, username, password);
  } catch (err) {
    if (isUserError(err) && err.code === 'NotAuthorized') {
      throw new UserError('auth', 'The current password is wrong; nothing was changed.', {
        code: 'NotAuthorized',
        hint: 'Run authstack password change again, or authstack password forgot',
      });
    }
    // Any other answer (a challenge, an unreachable Cognito) is left to ChangePassword itself to report.
    if (isUserError(err) && err.code === 'Unreachable') throw err;
  }
}
