/**
 * Time-based one-time passwords (RFC 6238) as Cognito's software token MFA uses them: HMAC-SHA1, six digits, a
 * 30-second step, the secret in base32. One place for the local Cognito (which checks codes on its own clock),
 * the CLI (which shows the `otpauth://` URI and computes codes for `smoke`) and the tests.
 */
import { Secret, TOTP } from 'otpauth';

const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/**
 * Steps either side of the current one a code is accepted in: one, so a code shown up to 30 s before or after
 * (a slow typist, a clock a little off) still counts, as authenticator apps and Cognito expect.
 */
const TOTP_WINDOW = 1;

function totp(secret: string, label = 'user', issuer = ''): TOTP {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** A new random secret in base32 (32 bytes: 52 characters, the length of Cognito's `SecretCode`). */
export function newTotpSecret(): string {
  return new Secret({ size: 32 }).base32;
}

/** The code an authenticator app shows at `timestamp` (milliseconds). */
export function totpCode(secret: string, timestamp: number): string {
  return totp(secret).generate({ timestamp });
}

/** The 30-second step a time falls in. */
function totpStep(timestamp: number): number {
  return Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS);
}

/** The step `code` belongs to when it is valid at `timestamp` (within the window), else undefined. */
export function totpMatch(secret: string, code: unknown, timestamp: number): number | undefined {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return undefined;
  let delta: number | null;
  try {
    delta = totp(secret).validate({ token: code, timestamp, window: TOTP_WINDOW });
  } catch {
    return undefined;
  }
  return delta === null ? undefined : totpStep(timestamp) + delta;
}

/** The `otpauth://totp/...` URI an authenticator app scans: the issuer, the account and the secret. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return totp(secret, account, issuer).toString();
}

/** The secret in groups of four, easier to type into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}
