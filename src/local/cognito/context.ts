/**
 * What every operation of the local Cognito shares: cognito-local's services (the user pool store, its own
 * operations for what it already does as Cognito does), the clock, the token checks and the records that
 * outlive a request (revocations, pending SRP challenges and challenge sessions), and the lookups and checks
 * several operations make the same way.
 */
import { join } from 'node:path';

import type { AppClient, CognitoLocalContext, CognitoLocalModules, LocalUser, Route, Services, UserPoolService } from '../cognito-local-modules.js';
import { Revocations, TokenRefused, tokenChecker, type AccessClaims, type OriginTokenGenerator, type TokenChecker } from '../cognito-tokens.js';
import { passwordPolicyViolation } from '../password-policy.js';
import { AuthSessions } from './auth-sessions.js';
import { InvalidParameterException, InvalidPasswordException, NotAuthorizedException, ResourceNotFoundException } from './errors.js';
import { SrpChallenges } from './srp-challenges.js';
import { LocalTriggers } from './triggers.js';

export const REVOCATIONS_FILE = 'revocations.json';

/** A request body as it came off the wire, before an operation reads it as its input shape. */
export type Request = Record<string, unknown>;

/** An authentication result as InitiateAuth and RespondToAuthChallenge answer it (the SDK's shape, loosely). */
export interface AuthResult {
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  AuthenticationResult?: { AccessToken?: string; IdToken?: string; RefreshToken?: string; TokenType?: string; ExpiresIn?: number };
}

export interface OperationContext {
  readonly modules: CognitoLocalModules;
  readonly services: Services;
  /** cognito-local's request context (its logger). */
  readonly ctx: CognitoLocalContext;
  /** The local Cognito's time in milliseconds: every expiry, issue time and sign-out is measured on it. */
  now(): number;
  readonly checker: TokenChecker;
  readonly revocations: Revocations;
  readonly srp: SrpChallenges;
  readonly authSessions: AuthSessions;
  /** The generator `services` hands cognito-local, which stamps every token with its origin. */
  readonly tokens: OriginTokenGenerator;
  /** The project's Cognito triggers (none declared: each fire is a no-op). */
  readonly triggers: LocalTriggers;
  /** Runs cognito-local's own operation, for what it already does as Cognito does. */
  local(target: string, req: unknown): Promise<unknown>;
  poolForClient(clientId: unknown): Promise<UserPoolService>;
  poolById(userPoolId: unknown): Promise<UserPoolService>;
  /** The app client, or Cognito's ResourceNotFoundException. */
  appClient(clientId: unknown): Promise<AppClient>;
  /** Cognito looks users up by email case-insensitively when the pool is not case sensitive, as ours isn't. */
  findUser(pool: UserPoolService, name: unknown): Promise<LocalUser | null>;
  /** InvalidPasswordException, in Cognito's words, when the password breaks the pool's policy. */
  checkPassword(pool: UserPoolService, password: unknown): void;
  /** Cognito's checks on an access token, which cognito-local only decodes. */
  verifyAccessToken(token: unknown): Promise<AccessClaims>;
  /** Notes when the result's access token was issued and adds the fields Cognito's result has. */
  recordIssued<T>(result: T): T;
  /**
   * Whether the app client hides which users exist (`PreventUserExistenceErrors: ENABLED`, as the template sets).
   * Then, as Cognito documents it: ForgotPassword and ResendConfirmationCode answer an unknown or disabled user
   * as if a code had been sent, and ConfirmSignUp and ConfirmForgotPassword answer CodeMismatchException.
   */
  hidesUsers(clientId: unknown): Promise<boolean>;
}

export async function createOperationContext(opts: {
  modules: CognitoLocalModules;
  services: Services;
  ctx: CognitoLocalContext;
  issuer: string;
  dataDir: string;
  tokens: OriginTokenGenerator;
  triggers?: LocalTriggers;
}): Promise<OperationContext> {
  const { modules, services, ctx } = opts;
  const now = (): number => services.clock.get().getTime();
  const router = modules.Router(services);
  const routes = new Map<string, Route>();
  const checker = tokenChecker(opts.issuer, modules.publicJwk, now);
  const revocations = await Revocations.open(join(opts.dataDir, REVOCATIONS_FILE));
  /** When each access token was issued, to the millisecond (`iat` has only seconds), by `jti`. */
  const issuedAt = new Map<string, number>();

  return {
    modules,
    services,
    ctx,
    now,
    checker,
    revocations,
    srp: new SrpChallenges(),
    authSessions: new AuthSessions(now),
    tokens: opts.tokens,
    triggers: opts.triggers ?? new LocalTriggers({ triggers: [], region: 'local' }),

    local(target, req) {
      let route = routes.get(target);
      if (!route) routes.set(target, (route = router(target)));
      return route(ctx, req);
    },

    poolForClient: (clientId) => services.cognito.getUserPoolForClientId(ctx, String(clientId)),
    poolById: (userPoolId) => services.cognito.getUserPool(ctx, String(userPoolId)),

    async appClient(clientId) {
      const client = typeof clientId === 'string' ? await services.cognito.getAppClient(ctx, clientId) : null;
      if (!client) throw new ResourceNotFoundException(`User pool client ${String(clientId)} does not exist.`);
      return client;
    },

    async findUser(pool, name) {
      if (typeof name !== 'string' || name === '') return null;
      const exact = await pool.getUserByUsername(ctx, name);
      if (exact) return exact;
      const wanted = name.toLowerCase();
      const users = await pool.listUsers(ctx);
      return (
        users.find((user) => user.Attributes.some((a) => (a.Name === 'email' || a.Name === 'sub') && a.Value?.toLowerCase() === wanted)) ??
        users.find((user) => user.Username.toLowerCase() === wanted) ??
        null
      );
    },

    checkPassword(pool, password) {
      const violation = passwordPolicyViolation(String(password ?? ''), pool.options.Policies?.PasswordPolicy);
      if (violation) throw new InvalidPasswordException(violation);
    },

    async verifyAccessToken(token) {
      const claims = await refusedAsNotAuthorized(() => checker.access(token));
      if (revocations.isRevoked(claims.origin_jti)) throw new NotAuthorizedException('Access Token has been revoked');
      const signedOutAt = revocations.signedOutAt(claims.sub);
      if (signedOutAt !== undefined && (issuedAt.get(claims.jti) ?? claims.iat * 1000) <= signedOutAt) {
        throw new NotAuthorizedException('Access Token has been revoked');
      }
      if (!(await services.cognito.getAppClient(ctx, claims.client_id))) throw new NotAuthorizedException('Invalid Access Token');
      return claims;
    },

    recordIssued(result) {
      const auth = (result as AuthResult | undefined)?.AuthenticationResult;
      if (!auth || typeof auth.AccessToken !== 'string') return result;
      const claims = decodeClaims(auth.AccessToken);
      if (claims) issuedAt.set(claims.jti, now());
      auth.TokenType = 'Bearer';
      auth.ExpiresIn = claims ? claims.exp - claims.iat : 3600;
      return result;
    },

    hidesUsers: async (clientId) => (await services.cognito.getAppClient(ctx, String(clientId)))?.PreventUserExistenceErrors === 'ENABLED',
  };
}

/** A refused token, in Cognito's words. */
export async function refusedAsNotAuthorized<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof TokenRefused) throw new NotAuthorizedException(error.message);
    throw error;
  }
}

/** The operation's parameters map (AuthParameters, ChallengeResponses), with only its string entries. */
export function stringMap(value: unknown): Record<string, string | undefined> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** InvalidParameterException for the first of `names` missing from `params`, as Cognito words it. */
export function requireParameters(params: Record<string, string | undefined>, names: readonly string[]): void {
  for (const name of names) if (!params[name]) throw new InvalidParameterException(`Missing required parameter ${name}`);
}

function decodeClaims(token: string): AccessClaims | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as AccessClaims;
  } catch {
    return undefined;
  }
}

/**
 * One Cognito operation, typed with the SDK's own input and output shapes (types only: nothing of the SDK is
 * loaded). The input is what came over the wire, so an operation checks what it reads as Cognito would.
 */
export type Operation<Input, Output> = (c: OperationContext, input: Input) => Promise<Omit<Output, '$metadata'>>;
