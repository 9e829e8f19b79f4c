import { defineCommand } from '../core/command.js';
import { checkEmail } from '../core/parse.js';
import { apiErrorOf, callApi, expectOk } from '../client/api.js';
import { UserError } from '../core/errors.js';
import { passwordPolicyFor, readNewPassword } from '../client/password.js';
import { resolveTarget } from '../client/target.js';
import { passwordFlags, targetFlags } from './target-flags.js';
import type { SignupResult } from './results.js';
import type { Context } from '../core/context.js';
import type { Target } from '../core/targets.js';

/**
 * A sign-up of an address that has an account. Cognito answers the same for a confirmed and an unconfirmed one, so
 * the password just typed is tried (SRP: it never leaves the machine; nothing is saved): Cognito says
 * UserNotConfirmed only to the right password of an unconfirmed user, and then the next step is validate, not login.
 */
async function alreadySignedUp(ctx: Context, target: Target, email: string, password: string, code: string): Promise<UserError> {
  let state: 'unconfirmed' | 'confirmed' | 'unknown' = 'unknown';
  if (target.clientId && target.userPoolId) {
    const { authenticate } = await import('../client/auth.js');
    try {
      await authenticate(ctx, target, email, password);
      state = 'confirmed';
    } catch (err) {
      if ((err as UserError).code === 'UserNotConfirmed') state = 'unconfirmed';
    }
  }
  const validate = `"authstack validate ${email}"${target.kind === 'local' ? '' : ' with the emailed code'}, or send a new code with "authstack validate ${email} --resend"`;
  const login = `log in with "authstack login ${email}", or set a new password with "authstack password forgot ${email}"`;
  if (state === 'unconfirmed') {
    return new UserError('api', `${email} has signed up already and is not confirmed yet.`, {
      code,
      hint: `Confirm it with ${validate}`,
      details: { status: 409, confirmed: false },
    });
  }
  if (state === 'confirmed')
    return new UserError('api', `${email} already has an account.`, { code, hint: capitalised(login), details: { status: 409, confirmed: true } });
  return new UserError('api', `${email} already has an account.`, {
    code,
    hint: `If it is not confirmed yet, confirm it with ${validate}; otherwise ${login}`,
    details: { status: 409 },
  });
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export default defineCommand({
  name: 'signup',
  description: 'create a user (POST /user); Cognito emails a confirmation code',
  args: { email: { description: "the new user's email address (the username)", required: true } },
  options: { ...passwordFlags, ...targetFlags },
  examples: ['authstack signup ada@example.com', 'printf %s "$PASSWORD" | authstack signup ada@example.com --password-stdin --json'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { api: true });
    const password = await readNewPassword(ctx, options, await passwordPolicyFor(ctx, target));
    const res = await callApi(ctx, target, { method: 'POST', path: '/user', body: { username: email, password } });
    if (res.status === 409) throw await alreadySignedUp(ctx, target, email, password, apiErrorOf(res).code);
    expectOk(res, 'Sign-up');
    const body = res.json as Omit<SignupResult, 'username'>;
    const local = target.kind === 'local';
    const doc: SignupResult = { username: email, userSub: body.userSub, userConfirmed: body.userConfirmed, codeDeliveryDetails: body.codeDeliveryDetails };
    ctx.out.result(doc, (c) => {
      const lines = [`${c.green('✔')} Signed up ${email}${body.userSub ? c.dim(`  (sub ${body.userSub})`) : ''}`];
      if (!body.userConfirmed) {
        const where = body.codeDeliveryDetails?.destination ?? email;
        lines.push(
          local
            ? `  The confirmation code is in the local mailbox: ${c.cyan(`authstack validate ${email}`)}`
            : `  A confirmation code was sent to ${where}: ${c.cyan(`authstack validate ${email} <code>`)}`,
        );
      }
      return lines.join('\n');
    });
  },
});
