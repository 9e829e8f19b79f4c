import { defineCommand } from '../core/command.js';
import { checkEmail } from '../core/parse.js';
import { apiErrorOf, callApi, expectOk } from '../client/api.js';
import { UserError } from '../core/errors.js';
import { passwordPolicyFor, readNewPassword } from '../client/password.js';
import { resolveTarget } from '../client/target.js';
import { passwordFlags, targetFlags } from './target-flags.js';
import type { SignupResult } from './results.js';

export default defineCommand({
  name: 'signup',
  description: 'create a user (POST /user); Cognito emails a confirmation code',
  args: { email: { description: 'the new user\'s email address (the username)', required: true } },
  options: { ...passwordFlags, ...targetFlags },
  examples: ['authstack signup ada@example.com', 'printf %s "$PASSWORD" | authstack signup ada@example.com --password-stdin --json'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { api: true });
    const password = await readNewPassword(ctx, options, await passwordPolicyFor(ctx, target));
    const res = await callApi(ctx, target, { method: 'POST', path: '/user', body: { username: email, password } });
    if (res.status === 409) {
      throw new UserError('api', `${email} already has an account.`, {
        code: apiErrorOf(res).code,
        hint: `Log in with "authstack login ${email}", or set a new password with "authstack password forgot ${email}"`,
        details: { status: res.status },
      });
    }
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
