/**
 * Software token (TOTP) MFA as Cognito runs it: what a user has set up, the challenge that follows a proved password
 * (SOFTWARE_TOKEN_MFA for a user with TOTP on, MFA_SETUP where the pool requires MFA and the user has none), the
 * sessions of the setup (InitiateAuth → AssociateSoftwareToken → VerifySoftwareToken → RespondToAuthChallenge, each
 * giving the next its session) and the code checks, on the local Cognito's clock.
 *
 * Kept on the user record, in cognito-local's own fields so its GetUser and AdminGetUser report them:
 * `SoftwareTokenMfaConfiguration` (the verified secret), `UserMFASettingList`, `PreferredMfaSetting`; and ours: the
 * secret an association is waiting to verify, and the last step a sign-in code was accepted for (a code is good once).
 */
import type { LocalUser, UserPoolService } from '../cognito-local-modules.js';
import type { AuthResult, OperationContext } from './context.js';
import { CognitoError, CodeMismatchException, NotAuthorizedException } from './errors.js';

export const SOFTWARE_TOKEN_MFA = 'SOFTWARE_TOKEN_MFA';
export const MFA_SETUP = 'MFA_SETUP';
/** The setup's later sessions: after AssociateSoftwareToken (a secret to verify), after VerifySoftwareToken. */
export const MFA_SETUP_ASSOCIATED = 'MFA_SETUP:ASSOCIATED';
export const MFA_SETUP_VERIFIED = 'MFA_SETUP:VERIFIED';
/** Wrong codes one session takes before it is spent (the user signs in again). */
const MFA_ATTEMPTS = 3;

/** The software token fields of a user record. */
export interface MfaUser extends LocalUser {
  SoftwareTokenMfaConfiguration?: { Secret: string; Verified: boolean; FriendlyDeviceName?: string };
  UserMFASettingList?: string[];
  PreferredMfaSetting?: string;
  /** A secret associated with an access token and not yet verified; the verified one keeps working meanwhile. */
  SoftwareTokenPendingSecret?: string;
  /** The step of the last code a sign-in accepted: that code, and earlier ones, are refused after. */
  SoftwareTokenLastStep?: number;
}

export class EnableSoftwareTokenMFAException extends CognitoError {
  constructor(message = 'Code mismatch') {
    super('EnableSoftwareTokenMFAException', message);
  }
}

class SoftwareTokenMFANotFoundException extends CognitoError {
  constructor(message = 'Software Token MFA has not been enabled by the userPool.') {
    super('SoftwareTokenMFANotFoundException', message);
  }
}

/** The pool's MFA setting: OFF (the default), OPTIONAL or ON (required). */
export function poolMfa(pool: UserPoolService): 'OFF' | 'OPTIONAL' | 'ON' {
  const value = pool.options.MfaConfiguration;
  return value === 'ON' || value === 'OPTIONAL' ? value : 'OFF';
}

/** Whether the user pool offers TOTP: on any pool with MFA optional or required (TOTP is the one factor). */
export function assertPoolOffersTotp(pool: UserPoolService): void {
  if (poolMfa(pool) === 'OFF') throw new SoftwareTokenMFANotFoundException();
}

/** Whether sign-in asks this user for a code: a verified token, turned on. */
export function totpEnabled(user: MfaUser): boolean {
  return Boolean(user.SoftwareTokenMfaConfiguration?.Verified) && (user.UserMFASettingList ?? []).includes(SOFTWARE_TOKEN_MFA);
}

/**
 * What Cognito asks after a correct first factor, or undefined when tokens follow: SOFTWARE_TOKEN_MFA for a user
 * with TOTP on (on a pool with MFA optional or required), MFA_SETUP for one without on a pool that requires MFA.
 */
export function mfaChallenge(c: OperationContext, pool: UserPoolService, user: MfaUser, clientId: string): AuthResult | undefined {
  const setting = poolMfa(pool);
  if (setting === 'OFF') return undefined;
  if (totpEnabled(user)) {
    const name = user.SoftwareTokenMfaConfiguration?.FriendlyDeviceName;
    return {
      ChallengeName: SOFTWARE_TOKEN_MFA,
      ChallengeParameters: { USER_ID_FOR_SRP: user.Username, ...(name ? { FRIENDLY_DEVICE_NAME: name } : {}) },
      Session: c.authSessions.start(clientId, user.Username, SOFTWARE_TOKEN_MFA),
    };
  }
  if (setting === 'ON') {
    return {
      ChallengeName: MFA_SETUP,
      ChallengeParameters: { MFAS_CAN_SETUP: JSON.stringify([SOFTWARE_TOKEN_MFA]), USER_ID_FOR_SRP: user.Username },
      Session: c.authSessions.start(clientId, user.Username, MFA_SETUP),
    };
  }
  return undefined;
}

/**
 * A sign-in code for the user's verified secret: valid within the window on the local Cognito's clock, and of a
 * later step than the last one accepted. CodeMismatchException in Cognito's words otherwise.
 */
export async function acceptSignInCode(c: OperationContext, pool: UserPoolService, user: MfaUser, code: unknown): Promise<MfaUser> {
  const secret = user.SoftwareTokenMfaConfiguration?.Secret;
  const step = secret ? (await totp()).totpMatch(secret, code, c.now()) : undefined;
  if (step === undefined || step <= (user.SoftwareTokenLastStep ?? -1)) {
    throw new CodeMismatchException('Invalid code or auth state for the user.');
  }
  const updated: MfaUser = { ...user, SoftwareTokenLastStep: step };
  await pool.saveUser(c.ctx, updated);
  return updated;
}

/** Whether `code` is valid now for `secret` (setup: the first code from the app). */
export async function codeMatches(c: OperationContext, secret: string, code: unknown): Promise<boolean> {
  return (await totp()).totpMatch(secret, code, c.now()) !== undefined;
}

/** A wrong answer counted against the session; spent after MFA_ATTEMPTS wrong ones. */
export function countWrongAnswer(c: OperationContext, session: string): void {
  c.authSessions.fail(session, MFA_ATTEMPTS);
}

/** A new secret for the user's authenticator app. */
export async function newSecret(): Promise<string> {
  return (await totp()).newTotpSecret();
}

/** The TOTP code (otpauth), loaded the first time it is needed: a local stack nobody uses MFA on never loads it. */
function totp(): Promise<typeof import('../../core/totp.js')> {
  return import('../../core/totp.js');
}

/** The user with TOTP verified (and the setup's secret as theirs), turned on and preferred when `enable`. */
export function withVerifiedToken(user: MfaUser, secret: string, friendlyName: string | undefined, enable: boolean): MfaUser {
  const { SoftwareTokenPendingSecret: _pending, ...rest } = user;
  const methods = new Set(user.UserMFASettingList ?? []);
  if (enable) methods.add(SOFTWARE_TOKEN_MFA);
  return {
    ...rest,
    SoftwareTokenMfaConfiguration: { Secret: secret, Verified: true, ...(friendlyName ? { FriendlyDeviceName: friendlyName } : {}) },
    UserMFASettingList: [...methods],
    ...(enable ? { PreferredMfaSetting: SOFTWARE_TOKEN_MFA } : {}),
  };
}

/** The user as a SoftwareTokenMfaSettings preference leaves them (Set/AdminSetUserMFAPreference). */
export function withPreference(user: MfaUser, settings: { Enabled?: boolean; PreferredMfa?: boolean } | undefined): MfaUser {
  if (!settings) return user;
  const methods = new Set(user.UserMFASettingList ?? []);
  let preferred = user.PreferredMfaSetting;
  if (settings.Enabled === true) methods.add(SOFTWARE_TOKEN_MFA);
  if (settings.Enabled === false) {
    methods.delete(SOFTWARE_TOKEN_MFA);
    if (preferred === SOFTWARE_TOKEN_MFA) preferred = undefined;
  }
  if (settings.PreferredMfa === true) preferred = SOFTWARE_TOKEN_MFA;
  if (settings.PreferredMfa === false && preferred === SOFTWARE_TOKEN_MFA) preferred = undefined;
  const next: MfaUser = { ...user, UserMFASettingList: [...methods] };
  if (preferred) next.PreferredMfaSetting = preferred;
  else delete next.PreferredMfaSetting;
  return next;
}

/** The user an access token was issued to (cognito-local finds users by `sub` too), with its pool. */
export async function tokenUser(c: OperationContext, accessToken: unknown): Promise<{ pool: UserPoolService; user: MfaUser }> {
  const claims = await c.verifyAccessToken(accessToken);
  const pool = await c.poolForClient(claims.client_id);
  const user = await pool.getUserByUsername(c.ctx, claims.sub);
  if (!user) throw new NotAuthorizedException('User does not exist.');
  return { pool, user };
}
