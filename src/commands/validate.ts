import { defineCommand } from '../core/command.js';
import { UserError, usageError } from '../core/errors.js';
import { checkEmail } from '../core/parse.js';
import { callApi, expectOk } from '../client/api.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { CodeDelivery, ValidateResult } from './results.js';

export default defineCommand({
  name: 'validate',
  description: 'confirm a user with the emailed code (locally, the code comes from the mailbox)',
  args: {
    email: { description: 'the user\'s email address', required: true },
    code: { description: 'the confirmation code (optional locally, and asked for on a terminal)' },
  },
  options: { resend: { type: 'switch', description: 'send a new confirmation code instead' }, ...targetFlags },
  examples: ['authstack validate ada@example.com 123456', 'authstack validate ada@example.com   # local stack: code from the mailbox', 'authstack validate ada@example.com --resend'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options, { api: true });
    if (options.resend) {
      if (args.code !== undefined) throw usageError('--resend takes no code.');
      const res = await callApi(ctx, target, { method: 'POST', path: '/user/validate/resend', body: { username: email } });
      expectOk(res, 'Resending the code');
      const body = res.json as { codeDeliveryDetails?: CodeDelivery | null };
      const doc: ValidateResult = { username: email, resent: true, codeDeliveryDetails: body.codeDeliveryDetails };
      ctx.out.result(doc, (c) =>
        `${c.green('✔')} A new code was sent to ${body.codeDeliveryDetails?.destination ?? email}`,
      );
      return;
    }
    const { code, source } = await findCode(ctx, target.kind === 'local' ? target.localDataDir : undefined, email, args.code);
    const res = await callApi(ctx, target, { method: 'POST', path: '/user/validate', body: { username: email, code } });
    expectOk(res, 'Confirmation');
    const doc: ValidateResult = { username: email, status: 'Confirmed', codeSource: source };
    ctx.out.result(doc, (c) =>
      `${c.green('✔')} Confirmed ${email}${source === 'mailbox' ? c.dim('  (code from the local mailbox)') : ''}`,
    );
  },
});

async function findCode(
  ctx: Parameters<typeof resolveTarget>[0],
  mailboxDir: string | undefined,
  email: string,
  given: string | undefined,
): Promise<{ code: string; source: 'argument' | 'mailbox' | 'prompt' }> {
  if (given !== undefined) {
    // Not quoted back: it may be the real code with a stray space, and error output ends up in CI logs.
    if (!/^\S{1,64}$/.test(given)) throw usageError('The confirmation code must be one word of at most 64 characters, without spaces.');
    return { code: given, source: 'argument' };
  }
  if (mailboxDir) {
    const { readLatestCode } = await import('../local/mailbox.js');
    const code = await readLatestCode(mailboxDir, email);
    if (!code) {
      throw new UserError('usage', `The local mailbox has no code for ${email}.`, { code: 'NoCode', hint: `Sign up first (authstack signup ${email}), or pass the code` });
    }
    return { code, source: 'mailbox' };
  }
  if (!ctx.interactive) throw usageError('Missing the confirmation code.', `Pass it: authstack validate ${email} <code>`);
  const code = await ctx.prompt.input({ message: `Confirmation code sent to ${email}`, validate: (v) => (/^\S+$/.test(v) ? true : 'Enter the code from the email') });
  return { code: code.trim(), source: 'prompt' };
}
