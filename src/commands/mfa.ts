import { defineCommand } from '../core/command.js';
import { confirmOrRefuse } from '../core/confirm.js';
import { UserError, usageError } from '../core/errors.js';
import { checkEmail } from '../core/parse.js';
import { freshSession } from '../client/auth.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { MfaSetupResult, MfaStatusResult } from './results.js';

const SIX_DIGITS = /^\d{6}$/;

const mfaSetup = defineCommand({
  name: 'mfa setup',
  description: 'set up two-factor sign-in with an authenticator app (TOTP) for the signed-in user: QR code, first code, on',
  options: { ...targetFlags },
  examples: ['authstack mfa setup', 'authstack mfa setup --json   # prints the secret; then: authstack mfa verify <code>'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session } = await freshSession(ctx, target);
    const mfa = await import('../client/mfa.js');
    const { secret } = await mfa.associateToken(ctx, target, { accessToken: session.accessToken });
    const totp = mfa.totpSecret(secret, session.username, target);
    if (!ctx.interactive) {
      const doc: MfaSetupResult = { username: session.username, totp: 'pending', secret: totp.secret, uri: totp.uri };
      const text = await mfa.describeSecret(ctx, totp);
      ctx.out.result(doc, `${text}Then turn it on with the app's code: authstack mfa verify <code>`);
      return;
    }
    ctx.out.writeOut(await mfa.describeSecret(ctx, totp));
    for (let i = 0; ; i++) {
      const code = (
        await ctx.prompt.input({ message: 'Code the app shows', validate: (v) => SIX_DIGITS.test(v.trim()) || 'Six digits, as the app shows them' })
      ).trim();
      try {
        await mfa.verifyToken(ctx, target, { accessToken: session.accessToken }, code);
        break;
      } catch (err) {
        if (!(err instanceof UserError) || err.code !== 'CodeMismatch' || i + 1 >= mfa.CODE_TRIES) throw err;
        ctx.out.warn(`${err.message} Try again with the current code.`);
      }
    }
    await mfa.setTotp(ctx, target, session.accessToken, true);
    const doc: MfaSetupResult = { username: session.username, totp: 'on' };
    ctx.out.result(doc, (c) => `${c.green('✔')} Two-factor sign-in is on for ${session.username}: login asks for the app's code`);
  },
});

const mfaVerify = defineCommand({
  name: 'mfa verify',
  description: "finish `mfa setup` with the authenticator app's code (for scripts and CI) and turn TOTP on",
  args: { code: { description: 'the 6-digit code the app shows', required: true } },
  options: { ...targetFlags },
  examples: ['authstack mfa verify 123456'],
  async run({ args, options }, ctx) {
    const code = String(args.code ?? '').trim();
    if (!SIX_DIGITS.test(code)) throw usageError(`The code must be the 6 digits the authenticator app shows, got "${code}".`);
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session } = await freshSession(ctx, target);
    const mfa = await import('../client/mfa.js');
    await mfa.verifyToken(ctx, target, { accessToken: session.accessToken }, code);
    await mfa.setTotp(ctx, target, session.accessToken, true);
    const doc: MfaSetupResult = { username: session.username, totp: 'on' };
    ctx.out.result(doc, (c) => `${c.green('✔')} Two-factor sign-in is on for ${session.username}`);
  },
});

const mfaStatus = defineCommand({
  name: 'mfa status',
  description: 'whether the signed-in user signs in with an authenticator app code',
  options: { ...targetFlags },
  examples: ['authstack mfa status'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session } = await freshSession(ctx, target);
    const mfa = await import('../client/mfa.js');
    const status = await mfa.mfaStatus(ctx, target, session.accessToken);
    const doc: MfaStatusResult = { username: session.username, ...status };
    ctx.out.result(doc, (c) =>
      status.totp === 'on'
        ? `${c.green('●')} ${session.username}: two-factor sign-in on (authenticator app)`
        : `${c.dim('○')} ${session.username}: two-factor sign-in off ${c.dim('(authstack mfa setup)')}`,
    );
  },
});

const mfaDisable = defineCommand({
  name: 'mfa disable',
  description: "turn the signed-in user's two-factor sign-in off; asks first",
  options: { yes: { type: 'switch', short: 'y', description: 'do not ask (for scripts)' }, ...targetFlags },
  examples: ['authstack mfa disable', 'authstack mfa disable --yes'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { cognito: true });
    const { session } = await freshSession(ctx, target);
    if (!options.yes) {
      const ok = await confirmOrRefuse(ctx, `Turn two-factor sign-in off for ${session.username}? Sign-in then takes the password alone.`, {
        doing: 'turn two-factor sign-in off',
        hint: 'Pass --yes',
      });
      if (!ok) throw new UserError('aborted', 'Two-factor sign-in stays on.', { code: 'Aborted' });
    }
    const mfa = await import('../client/mfa.js');
    await mfa.setTotp(ctx, target, session.accessToken, false);
    const doc: MfaStatusResult = { username: session.username, totp: 'off' };
    ctx.out.result(doc, (c) => `${c.green('✔')} Two-factor sign-in is off for ${session.username}`);
  },
});

export const usersMfaReset = defineCommand({
  name: 'users mfa reset',
  description: "turn a user's two-factor sign-in off as an administrator (a lost phone); asks first",
  args: { email: { description: "the user's email address", required: true } },
  options: { yes: { type: 'switch', short: 'y', description: 'do not ask (for scripts)' }, ...targetFlags },
  examples: ['authstack users mfa reset ada@example.com', 'authstack users mfa reset ada@example.com --yes'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options);
    if (!options.yes) {
      const ok = await confirmOrRefuse(
        ctx,
        `Turn two-factor sign-in off for ${email}? They sign in with the password alone, or set up a new app where MFA is required.`,
        {
          doing: "reset the user's two-factor sign-in",
          hint: 'Pass --yes',
        },
      );
      if (!ok) throw new UserError('aborted', 'Nothing was changed.', { code: 'Aborted' });
    }
    const admin = await (await import('../client/users.js')).userAdmin(ctx, target);
    await admin.resetMfa(email);
    const doc: MfaStatusResult = { username: email, totp: 'off' };
    ctx.out.result(doc, (c) => `${c.green('✔')} Two-factor sign-in is off for ${email}; they can set it up again with authstack mfa setup`);
  },
});

export const mfaCommands = [mfaSetup, mfaVerify, mfaStatus, mfaDisable];
