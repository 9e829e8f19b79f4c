import type { Context } from '../core/context.js';
import { UserError, usageError, errorMessage } from '../core/errors.js';
import { brokenPasswordRules, describePasswordPolicy, missingInWords, passwordPolicyOf, type PasswordPolicy } from '../core/password-policy.js';
import type { Target } from '../core/targets.js';

/** Where the password comes from, as the command was told. */
export interface PasswordSource {
  password?: string;
  passwordStdin?: boolean;
}

/** Max bytes read from stdin for a password: far more than any password, small enough to never hang on a file. */
const MAX_STDIN = 4096;

/**
 * The password, from (in order) --password-stdin, --password (with a warning), AUTHSTACK_PASSWORD, or a hidden
 * prompt on a terminal (asked twice when `confirm`). Never echoed, never logged.
 */
export async function readPassword(ctx: Context, flags: PasswordSource, opts: { confirm: boolean; label?: string }): Promise<string> {
  if (flags.passwordStdin && flags.password !== undefined) throw usageError('Use either --password or --password-stdin, not both.');
  if (flags.passwordStdin) return nonEmpty(await readStdin(ctx.stdin));
  if (flags.password !== undefined) {
    ctx.out.warn('--password is visible to other users in ps and in your shell history; prefer --password-stdin.');
    return nonEmpty(flags.password);
  }
  if (ctx.env.AUTHSTACK_PASSWORD) return ctx.env.AUTHSTACK_PASSWORD;
  if (!ctx.interactive) {
    throw usageError('No password given.', 'Pipe it with --password-stdin, or set AUTHSTACK_PASSWORD');
  }
  const label = opts.label ?? 'Password';
  const password = await ctx.prompt.password({ message: label, validate: (v) => (v.length > 0 ? true : 'The password cannot be empty') });
  if (opts.confirm) {
    const again = await ctx.prompt.password({ message: `${label} (again)` });
    if (again !== password) throw new UserError('usage', 'The passwords do not match.', { code: 'PasswordMismatch' });
  }
  return password;
}

/** Tries at the new-password prompt, and at its confirmation, before the command gives up (exit 2). */
const NEW_PASSWORD_TRIES = 5;
const CONFIRM_TRIES = 3;

/**
 * A new password (signup, and any command that sets one), from the same sources as `readPassword`, checked
 * against the pool's `policy` before it is sent. On a terminal the policy is shown with the prompt, and a password
 * that breaks a rule, or a confirmation that does not match, is asked again in place (a few times at most).
 * Without a known policy Cognito alone checks it.
 */
export async function readNewPassword(ctx: Context, flags: PasswordSource, policy: PasswordPolicy | undefined, opts: { label?: string } = {}): Promise<string> {
  if (flags.passwordStdin || flags.password !== undefined || ctx.env.AUTHSTACK_PASSWORD || !ctx.interactive) {
    return checkNewPassword(await readPassword(ctx, flags, { confirm: false }), policy);
  }
  const label = opts.label ?? 'Password';
  if (policy) ctx.out.info(`The user pool's password policy: ${describePasswordPolicy(policy)}.`);
  const password = await ctx.prompt.password({ message: label, validate: (v) => newPasswordVerdict(v, policy), tries: NEW_PASSWORD_TRIES });
  await ctx.prompt.password({
    message: `${label} (again)`,
    validate: (v) => v === password || 'The passwords do not match; type the same one again',
    tries: CONFIRM_TRIES,
  });
  return password;
}

function newPasswordVerdict(v: string, policy: PasswordPolicy | undefined): true | string {
  if (v.length === 0) return 'The password cannot be empty';
  const broken = policy ? brokenPasswordRules(v, policy) : [];
  return broken.length === 0 ? true : `The password ${missingInWords(broken)}`;
}

/** A new password given without a prompt (piped, from the environment): one that breaks the policy is exit 2. */
export function checkNewPassword(password: string, policy: PasswordPolicy | undefined): string {
  const verdict = newPasswordVerdict(password, policy);
  if (verdict !== true) {
    throw new UserError('usage', `${verdict}.`, {
      code: 'InvalidPassword',
      hint: policy ? `The user pool's policy: ${describePasswordPolicy(policy)}` : undefined,
    });
  }
  return password;
}

/**
 * The password policy of the target's user pool: recorded with the target (dev, deploy), or read with
 * DescribeUserPool where the caller's credentials allow it (the local Cognito always does). Undefined when neither
 * works; the answer then goes to Cognito unchecked.
 */
export async function passwordPolicyFor(ctx: Context, target: Target): Promise<PasswordPolicy | undefined> {
  if (target.passwordPolicy) return target.passwordPolicy;
  if (!target.userPoolId) return undefined;
  try {
    const [{ DescribeUserPoolCommand }, client] = await Promise.all([
      import('@aws-sdk/client-cognito-identity-provider'),
      ctx.aws.cognito({ endpoint: target.cognitoEndpoint, region: target.region || undefined, local: target.kind === 'local' }),
    ]);
    const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: target.userPoolId }), { abortSignal: AbortSignal.timeout(5000) });
    return passwordPolicyOf(UserPool as Parameters<typeof passwordPolicyOf>[0]);
  } catch (err) {
    ctx.out.debug(`Could not read the password policy of ${target.userPoolId}: ${errorMessage(err)}`);
    return undefined;
  }
}

function nonEmpty(password: string): string {
  if (password.length === 0) throw usageError('The password is empty.');
  return password;
}

export async function readStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) throw usageError('--password-stdin needs the password piped in, e.g. printf %s "$PASSWORD" | authstack ...');
  let data = '';
  for await (const chunk of stdin) {
    data += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (data.length > MAX_STDIN) throw usageError('The password read from stdin is too long.');
  }
  // One trailing newline is what `echo` adds, not part of the password.
  return data.replace(/\r?\n$/, '');
}
