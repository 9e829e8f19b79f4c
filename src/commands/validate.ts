import { defineCommand } from '../core/command.js';
import { usageError } from '../core/errors.js';
import { checkEmail } from '../core/parse.js';
import { apiErrorOf, callApi, expectOk } from '../client/api.js';
import { findCode } from '../client/code.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { CodeDelivery, ValidateResult } from './results.js';

export default defineCommand({
  name: 'validate',
  description: 'confirm a user with the emailed code (locally, the code comes from the mailbox)',
  args: {
    email: { description: "the user's email address", required: true },
    code: { description: 'the confirmation code (optional locally, and asked for on a terminal)' },
  },
  options: { resend: { type: 'switch', description: 'send a new confirmation code instead' }, ...targetFlags },
  examples: [
    'authstack validate ada@example.com 123456',
    'authstack validate ada@example.com   # local stack: code from the mailbox',
    'authstack validate ada@example.com --resend',
  ],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { api: true });
    if (options.resend) {
      if (args.code !== undefined) throw usageError('--resend takes no code.');
      const res = await callApi(ctx, target, { method: 'POST', path: '/user/validate/resend', body: { username: email } });
      expectOk(res, 'Resending the code');
      const body = res.json as { codeDeliveryDetails?: CodeDelivery | null };
      const doc: ValidateResult = { username: email, resent: true, codeDeliveryDetails: body.codeDeliveryDetails };
      ctx.out.result(doc, (c) => `${c.green('✔')} A new code was sent to ${body.codeDeliveryDetails?.destination ?? email}`);
      return;
    }
    const mailboxDir = target.kind === 'local' ? target.localDataDir : undefined;
    const { code, source } = await findCode(ctx, {
      email,
      given: args.code,
      fromMailbox: mailboxDir ? async (to) => (await import('../local/mailbox.js')).readLatestCode(mailboxDir, to) : undefined,
      what: 'confirmation code',
      usage: `authstack validate ${email}`,
      sendHint: `Sign up first (authstack signup ${email}), or pass the code`,
    });
    const res = await callApi(ctx, target, { method: 'POST', path: '/user/validate', body: { username: email, code } });
    // Cognito refuses to confirm a confirmed user; what the user wanted is done.
    if (res.status === 401 && /current status is CONFIRMED/i.test(apiErrorOf(res).message)) {
      const done: ValidateResult = { username: email, status: 'AlreadyConfirmed' };
      ctx.out.result(done, (c) => `${c.green('✔')} ${email} is already confirmed. Log in: ${c.cyan(`authstack login ${email}`)}`);
      return;
    }
    expectOk(res, 'Confirmation');
    const doc: ValidateResult = { username: email, status: 'Confirmed', codeSource: source };
    ctx.out.result(doc, (c) => `${c.green('✔')} Confirmed ${email}${source === 'mailbox' ? c.dim('  (code from the local mailbox)') : ''}`);
  },
});
