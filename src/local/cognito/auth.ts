/** What the sign-in operations share: the flows a client allows, the tokens of a sign-in and of a refresh. */
import type { AppClient, LocalUser, UserPoolService } from '../cognito-local-modules.js';
import { refusedAsNotAuthorized, type AuthResult, type OperationContext } from './context.js';
import {
  InvalidParameterException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  UserNotConfirmedException,
  UserNotFoundException,
} from './errors.js';
import { mfaChallenge } from './mfa.js';
import { postAuthentication, preAuthentication } from './trigger-points.js';

/** The flows InitiateAuth knows, each with the ExplicitAuthFlows entry that allows it. */
const AUTH_FLOWS: Record<string, string> = {
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
  USER_AUTH: 'ALLOW_USER_AUTH',
};

/** Cognito answers a flow the app client does not allow with InvalidParameterException. */
export function assertFlowAllowed(client: AppClient, flow: string): void {
  const allow = AUTH_FLOWS[flow];
  if (!allow) {
    throw new InvalidParameterException(
      `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${Object.keys(AUTH_FLOWS).join(', ')}]`,
    );
  }
  const flows = client.ExplicitAuthFlows ?? [];
  if (!flows.includes(allow) && !flows.includes(allow.replace(/^ALLOW_/, ''))) {
    throw new InvalidParameterException(`${flow} flow not enabled for this client`);
  }
}

/** With PreventUserExistenceErrors (our client's setting) Cognito hides whether the user exists. */
export function unknownUser(client: AppClient): Error {
  return client.PreventUserExistenceErrors === 'ENABLED' ? new NotAuthorizedException() : new UserNotFoundException();
}

/** Tokens for a user who just proved who they are, as cognito-local's own flows issue them. */
export async function signIn(c: OperationContext, pool: UserPoolService, user: LocalUser, client: AppClient, source = 'Authentication'): Promise<AuthResult> {
  await postAuthentication(c.triggers, pool.options.Id, user, client.ClientId);
  const groups = await pool.listUserGroupMembership(c.ctx, user);
  const tokens = await c.tokens.generate(c.ctx, user, groups, client, undefined, source);
  await pool.storeRefreshToken(c.ctx, tokens.RefreshToken, user);
  return { ChallengeParameters: {}, AuthenticationResult: tokens };
}

/**
 * A sign-in with the user's password (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH), checked in cognito-local's order:
 * a user who does not exist or is disabled is refused, one whose password an administrator reset is told so first,
 * then the pre authentication trigger runs and the password is compared; what follows is `afterPassword`'s.
 */
export async function passwordSignIn(
  c: OperationContext,
  pool: UserPoolService,
  client: AppClient,
  params: Readonly<Record<string, string | undefined>>,
  clientMetadata?: unknown,
): Promise<AuthResult> {
  const user = await c.findUser(pool, params.USERNAME);
  if (!user) throw unknownUser(client);
  if (!user.Enabled) throw new NotAuthorizedException('User is disabled.');
  if (user.UserStatus === 'RESET_REQUIRED') throw new PasswordResetRequiredException();
  await preAuthentication(c.triggers, pool.options.Id, user, client.ClientId, clientMetadata);
  if (params.PASSWORD !== user.Password) throw new NotAuthorizedException();
  return afterPassword(c, pool, user, client);
}

/**
 * What follows a proved password, by the user's state: tokens, or the challenge (a new password, a TOTP code, a TOTP
 * setup) or refusal Cognito answers.
 */
export async function afterPassword(c: OperationContext, pool: UserPoolService, user: LocalUser, client: AppClient): Promise<AuthResult> {
  if (!user.Enabled) throw new NotAuthorizedException('User is disabled.');
  if (user.UserStatus === 'UNCONFIRMED') throw new UserNotConfirmedException();
  if (user.UserStatus === 'RESET_REQUIRED') throw new PasswordResetRequiredException();
  if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(c, pool, user, client.ClientId);
  return mfaChallenge(c, pool, user, client.ClientId) ?? signIn(c, pool, user, client);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A temporary password lasts the policy's TemporaryPasswordValidityDays (7 by default); after that Cognito refuses
 * it and only an administrator can set another. Counted from the user's last change (cognito-local keeps no
 * separate date for the password), which AdminCreateUser and AdminSetUserPassword both set.
 */
function assertTemporaryPasswordLive(c: OperationContext, pool: UserPoolService, user: LocalUser): void {
  const days = pool.options.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7;
  const setAt = new Date(user.UserLastModifiedDate).getTime();
  if (Number.isFinite(setAt) && c.now() - setAt > days * DAY_MS) {
    throw new NotAuthorizedException('Temporary password has expired and must be reset by an administrator.');
  }
}

/**
 * NEW_PASSWORD_REQUIRED, as Cognito asks it of a user an administrator created: the user's attributes, none
 * required beyond them, and a session that RespondToAuthChallenge must bring back.
 */
function newPasswordChallenge(c: OperationContext, pool: UserPoolService, user: LocalUser, clientId: string): AuthResult {
  assertTemporaryPasswordLive(c, pool, user);
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ChallengeParameters: {
      USER_ID_FOR_SRP: user.Username,
      requiredAttributes: '[]',
      userAttributes: JSON.stringify(Object.fromEntries(user.Attributes.map((a) => [a.Name, a.Value]))),
    },
    Session: c.authSessions.start(clientId, user.Username, 'NEW_PASSWORD_REQUIRED'),
  };
}

/** New access and ID tokens of the refresh token's origin (Cognito keeps the refresh token: no rotation). */
export async function refresh(c: OperationContext, client: AppClient, token: unknown): Promise<{ AccessToken: string; IdToken: string }> {
  const claims = await refusedAsNotAuthorized(() => c.checker.refresh(token));
  if (claims.client_id !== undefined && claims.client_id !== client.ClientId) throw new NotAuthorizedException('Invalid Refresh Token');
  const pool = await c.poolForClient(client.ClientId);
  const user = await pool.getUserByRefreshToken(c.ctx, String(token));
  if (!user || c.revocations.isRevoked(claims.origin.jti)) throw new NotAuthorizedException('Refresh Token has been revoked');
  if (!user.Enabled) throw new NotAuthorizedException('User is disabled.');
  const groups = await pool.listUserGroupMembership(c.ctx, user);
  const tokens = await c.tokens.generate(c.ctx, user, groups, client, undefined, 'RefreshTokens', claims.origin);
  return { AccessToken: tokens.AccessToken, IdToken: tokens.IdToken };
}
