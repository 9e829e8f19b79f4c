/**
 * Two-factor sign-in with an authenticator app (TOTP) for the signed-in user, and the sign-in challenges that ask
 * for it: SOFTWARE_TOKEN_MFA (a code) and MFA_SETUP (the pool requires MFA and the user has none: set it up inline,
 * with the challenge's session). The same Cognito calls against AWS and the local stack.
 */
import type { Context } from '../core/context.js';
import { UserError, errorMessage, thrownName } from '../core/errors.js';
import type { Target } from '../core/targets.js';
import { groupedSecret, totpCode, totpUri } from '../core/totp.js';
import { cognitoClient, cognitoError, cognitoSend, type ChallengeAnswer, type ChallengeStep } from './auth.js';

/** How many codes a sign-in or setup takes before it stops: Cognito spends a session after a few wrong ones. */
export const CODE_TRIES = 3;
const SIX_DIGITS = /^\d{6}$/;

/** The user's TOTP as GetUser reports it. */
export interface MfaStatus {
  totp: 'on' | 'off';
  preferred?: string;
}

/** A secret to put in the authenticator app: as text, as the `otpauth://` URI the QR code holds. */
export interface TotpSecret {
  secret: string;
  uri: string;
}

/** Cognito's MFA refusals in one line each, with what to do next. */
function mfaError(err: unknown, username?: string): UserError {
  const name = thrownName(err);
  const message = errorMessage(err);
  switch (name) {
    case 'CodeMismatchException':
    case 'EnableSoftwareTokenMFAException':
      return new UserError('auth', `Cognito refused the code: ${message}`, {
        code: 'CodeMismatch',
        hint: "Use the current code from the authenticator app (check the phone's clock is set automatically)",
      });
    case 'SoftwareTokenMFANotFoundException':
      return new UserError('auth', 'This user pool does not offer two-factor sign-in.', {
        code: 'MfaOff',
        hint: 'Set "mfa": "optional" or "required" in authstack.config.json (or pass --mfa to deploy / dev)',
      });
    case 'NotAuthorizedException':
      if (/session/i.test(message)) {
        return new UserError('auth', `The sign-in step expired or was used up (${message}).`, {
          code: 'SessionExpired',
          hint: `Sign in again: authstack login ${username ?? '<email>'}`,
        });
      }
  }
  return cognitoError(err, username);
}

/** The `otpauth://` URI and the secret for the app: the account is the user, the issuer names the stack. */
export function totpSecret(secret: string, username: string, target: Target): TotpSecret {
  const issuer = target.name === 'local' ? 'authstack (local)' : target.stackName ? `authstack ${target.stackName}` : 'authstack';
  return { secret, uri: totpUri(secret, username, issuer) };
}

/** The QR code of `text` in terminal characters (two rows per line, so it fits an 80-column terminal). */
async function terminalQr(text: string): Promise<string> {
  const qrcode = await import('qrcode');
  return qrcode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}

/** What to show while setting up: the QR code on a terminal, the secret and the URI always. */
export async function describeSecret(ctx: Context, totp: TotpSecret): Promise<string> {
  const qr = ctx.interactive ? `${await terminalQr(totp.uri)}\n` : '';
  return `${qr}Scan the QR code with an authenticator app, or enter the secret by hand:\n  secret: ${groupedSecret(totp.secret)}\n  uri:    ${totp.uri}\n`;
}

type Auth = { accessToken: string } | { session: string };
const authOf = (auth: Auth) => ('accessToken' in auth ? { AccessToken: auth.accessToken } : { Session: auth.session });

/** AssociateSoftwareToken: a new secret (and, with a challenge's session, the session that verifies it). */
export async function associateToken(ctx: Context, target: Target, auth: Auth): Promise<{ secret: string; session?: string }> {
  const { client, sdk } = await cognitoClient(ctx, target);
  try {
    const out = await cognitoSend(ctx, (abortSignal) => client.send(new sdk.AssociateSoftwareTokenCommand(authOf(auth)), { abortSignal }));
    if (!out.SecretCode) throw new UserError('aws', 'Cognito gave no secret for the authenticator app.', { code: 'NoSecret' });
    return { secret: out.SecretCode, ...(out.Session ? { session: out.Session } : {}) };
  } catch (err) {
    throw mfaError(err);
  }
}

/** VerifySoftwareToken: the app's first code; with a session, the session that completes MFA_SETUP. */
export async function verifyToken(ctx: Context, target: Target, auth: Auth, code: string): Promise<{ session?: string }> {
  const { client, sdk } = await cognitoClient(ctx, target);
  try {
    const out = await cognitoSend(ctx, (abortSignal) =>
      client.send(new sdk.VerifySoftwareTokenCommand({ ...authOf(auth), UserCode: code, FriendlyDeviceName: 'authstack' }), { abortSignal }),
    );
    return out.Session ? { session: out.Session } : {};
  } catch (err) {
    throw mfaError(err);
  }
}

/** SetUserMFAPreference: TOTP on and preferred, or off. */
export async function setTotp(ctx: Context, target: Target, accessToken: string, enabled: boolean): Promise<void> {
  const { client, sdk } = await cognitoClient(ctx, target);
  try {
    await cognitoSend(ctx, (abortSignal) =>
      client.send(new sdk.SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: enabled, PreferredMfa: enabled } }), {
        abortSignal,
      }),
    );
  } catch (err) {
    if (!enabled && thrownName(err) === 'InvalidParameterException') {
      throw new UserError('refused', `Cognito refused to turn TOTP off: ${errorMessage(err)}`, {
        code: 'MfaRequired',
        hint: "The user pool requires MFA; an administrator can reset the user's factor: authstack users mfa reset <email>",
      });
    }
    throw mfaError(err);
  }
}

/** GetUser's MFA fields for the signed-in user. */
export async function mfaStatus(ctx: Context, target: Target, accessToken: string): Promise<MfaStatus> {
  const { client, sdk } = await cognitoClient(ctx, target);
  try {
    const out = await cognitoSend(ctx, (abortSignal) => client.send(new sdk.GetUserCommand({ AccessToken: accessToken }), { abortSignal }));
    const on = (out.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
    return { totp: on ? 'on' : 'off', ...(out.PreferredMfaSetting ? { preferred: out.PreferredMfaSetting } : {}) };
  } catch (err) {
    throw mfaError(err);
  }
}

/** Where the codes come from: `--mfa-code` (one try: a script cannot be re-asked), else the prompt. */
export interface CodeSource {
  /** The code given on the command line (`-`: read from stdin). */
  code?: string;
}

async function readCode(ctx: Context, source: CodeSource, message: string, attempt: number): Promise<string> {
  if (source.code !== undefined && attempt === 0) {
    const code = source.code === '-' ? (await readAll(ctx.stdin)).trim() : source.code.trim();
    if (!SIX_DIGITS.test(code))
      throw new UserError('usage', `--mfa-code must be the 6 digits the authenticator app shows, got "${code}".`, { code: 'BadMfaCode' });
    return code;
  }
  if (source.code !== undefined || !ctx.interactive) {
    throw new UserError('auth', 'Cognito asks for a code from the authenticator app.', {
      code: 'MfaCodeRequired',
      hint: 'Pass --mfa-code <code> (or --mfa-code - to read it from stdin), or run at a terminal',
    });
  }
  return (await ctx.prompt.input({ message, validate: (v) => SIX_DIGITS.test(v.trim()) || 'Six digits, as the app shows them' })).trim();
}

async function readAll(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) throw new UserError('usage', '--mfa-code - needs the code piped in, e.g. echo 123456 | authstack login ...');
  let data = '';
  for await (const chunk of stdin) {
    data += String(chunk);
    if (data.length > 64) break;
  }
  return data;
}

/** Runs `attempt` with codes until one is accepted: a wrong code re-asks at a terminal, up to CODE_TRIES. */
async function withCodes<T>(ctx: Context, source: CodeSource, message: string, attempt: (code: string) => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    const code = await readCode(ctx, source, message, i);
    try {
      return await attempt(code);
    } catch (err) {
      const wrong = err instanceof UserError && err.code === 'CodeMismatch';
      if (!wrong || source.code !== undefined || i + 1 >= CODE_TRIES) {
        if (wrong && i + 1 >= CODE_TRIES) throw new UserError('auth', `${CODE_TRIES} codes refused; stopping.`, { code: 'CodeMismatch', hint: err.hint });
        throw err;
      }
      ctx.out.warn(`${err.message} Try again with the current code.`);
    }
  }
}

/**
 * The answer `login` gives the MFA challenges: SOFTWARE_TOKEN_MFA with a code; MFA_SETUP by setting TOTP up with
 * the challenge's session (QR code, first code), then completing the sign-in. Any other challenge is left alone.
 */
export function mfaChallengeAnswer(ctx: Context, target: Target, username: string, source: CodeSource): ChallengeAnswer {
  return async (step) => {
    if (step.ChallengeName !== 'SOFTWARE_TOKEN_MFA' && step.ChallengeName !== 'MFA_SETUP') return step;
    const { client, sdk } = await cognitoClient(ctx, target);
    const user = step.ChallengeParameters?.USER_ID_FOR_SRP ?? username;
    const respond = async (input: { ChallengeName: 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP'; Session?: string; ChallengeResponses: Record<string, string> }) => {
      try {
        return (await cognitoSend(ctx, (abortSignal) =>
          client.send(new sdk.RespondToAuthChallengeCommand({ ClientId: target.clientId, ...input }), { abortSignal }),
        )) as ChallengeStep;
      } catch (err) {
        throw mfaError(err, username);
      }
    };
    if (step.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      return withCodes(ctx, source, 'Code from your authenticator app', (code) =>
        respond({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: step.Session, ChallengeResponses: { USERNAME: user, SOFTWARE_TOKEN_MFA_CODE: code } }),
      );
    }
    if (!ctx.interactive) {
      throw new UserError('auth', 'The user pool requires two-factor sign-in and this user has not set it up yet.', {
        code: 'MfaSetupRequired',
        hint: `Run authstack login ${username} at a terminal to set up an authenticator app`,
      });
    }
    const associated = await associateToken(ctx, target, { session: step.Session ?? '' });
    ctx.out.writeErr(
      `The user pool requires two-factor sign-in: set up an authenticator app.\n${await describeSecret(ctx, totpSecret(associated.secret, username, target))}`,
    );
    let session = associated.session ?? '';
    const verified = await withCodes(ctx, source, 'First code from the app', (code) => verifyToken(ctx, target, { session }, code));
    session = verified.session ?? session;
    return respond({ ChallengeName: 'MFA_SETUP', Session: session, ChallengeResponses: { USERNAME: user } });
  };
}

/**
 * The answer for a user whose secret nobody else holds (smoke's own user): MFA_SETUP with a new secret and a code
 * computed from it, as an authenticator app would, so a run passes on a pool that requires MFA.
 */
export function computedMfaAnswer(ctx: Context, target: Target, username: string): ChallengeAnswer {
  return async (step) => {
    if (step.ChallengeName !== 'MFA_SETUP') return step;
    const { client, sdk } = await cognitoClient(ctx, target);
    const associated = await associateToken(ctx, target, { session: step.Session ?? '' });
    const verified = await verifyToken(ctx, target, { session: associated.session ?? '' }, totpCode(associated.secret, ctx.clock.now()));
    try {
      return (await cognitoSend(ctx, (abortSignal) =>
        client.send(
          new sdk.RespondToAuthChallengeCommand({
            ClientId: target.clientId,
            ChallengeName: 'MFA_SETUP',
            Session: verified.session,
            ChallengeResponses: { USERNAME: step.ChallengeParameters?.USER_ID_FOR_SRP ?? username },
          }),
          { abortSignal },
        ),
      )) as ChallengeStep;
    } catch (err) {
      throw mfaError(err, username);
    }
  };
}
