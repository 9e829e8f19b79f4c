/**
 * The layer in front of cognito-local's router that closes the gaps between cognito-local 5.3 and Cognito, keyed
 * on the operation name from `X-Amz-Target`. Each gap is fixed here, in the local stack, so that neither the
 * handler nor the CLI needs a local special case. What remains different is listed in the README.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import type {
  AppClient,
  CognitoLocalContext,
  CognitoLocalModules,
  LocalUser,
  Route,
  Services,
  UserPoolService,
} from './cognito-local-modules.js';
import {
  Revocations,
  TokenRefused,
  tokenChecker,
  type AccessClaims,
  type OriginTokenGenerator,
  type RefreshClaims,
} from './cognito-tokens.js';
import { isRecord } from '../core/files.js';
import {
  parseSrpTimestamp,
  srpVerifier,
  startSrpServer,
  verifyPasswordClaim,
  type SrpServerSession,
} from '../core/srp.js';
import { passwordPolicyViolation } from './password-policy.js';

/** An error Cognito returns: `code` becomes the `__type` of the JSON error body. */
export class CognitoApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const notAuthorized = (message: string): CognitoApiError => new CognitoApiError('NotAuthorizedException', message);
const invalidParameter = (message: string): CognitoApiError =>
  new CognitoApiError('InvalidParameterException', message);
const INCORRECT_CREDENTIALS = 'Incorrect username or password.';

/** A six-digit code like Cognito's; cognito-local's own honours a `CODE` env var we don't want to inherit. */
export const newCode = (): string => randomInt(0, 1_000_000).toString().padStart(6, '0');

type Request = Record<string, unknown>;
type Operation = (req: Request) => Promise<unknown>;

export const REVOCATIONS_FILE = 'revocations.json';

/** Cognito's password reset codes are valid for one hour. */
const RESET_CODE_VALIDITY_MS = 60 * 60 * 1000;
/** Kept on the local user record beside cognito-local's ConfirmationCode. */
const RESET_CODE_SENT_AT = 'ResetCodeSentAt';

export interface CompatLayer {
  /** Runs one operation (`SignUp`, `GetUser`, ...) with AWS's behaviour. */
  dispatch(target: string, req: Request): Promise<unknown>;
}

export async function createCompatLayer(opts: {
  modules: CognitoLocalModules;
  services: Services;
  ctx: CognitoLocalContext;
  issuer: string;
  dataDir: string;
  /** The generator `services` hands cognito-local, which stamps every token with its origin. */
  tokens: OriginTokenGenerator;
}): Promise<CompatLayer> {
  const { modules, services, ctx, issuer } = opts;
  const router = modules.Router(services);
  const routes = new Map<string, Route>();
  const local = (target: string, req: Request): Promise<unknown> => {
    let route = routes.get(target);
    if (!route) routes.set(target, (route = router(target)));
    return route(ctx, req);
  };
  const checker = tokenChecker(issuer, modules.publicJwk);
  const revocations = await Revocations.open(join(opts.dataDir, REVOCATIONS_FILE));
  const srp = new SrpChallenges();
  /** When each access token was issued, to the millisecond (`iat` has only seconds), by `jti`. */
  const issuedAt = new Map<string, number>();

  const poolForClient = (clientId: unknown): Promise<UserPoolService> =>
    services.cognito.getUserPoolForClientId(ctx, String(clientId));

  /** Cognito looks users up by email case-insensitively when the pool is not case sensitive, as ours isn't. */
  const findUser = async (pool: UserPoolService, name: unknown): Promise<LocalUser | null> => {
    if (typeof name !== 'string' || name === '') return null;
    const exact = await pool.getUserByUsername(ctx, name);
    if (exact) return exact;
    const wanted = name.toLowerCase();
    const users = await pool.listUsers(ctx);
    return (
      users.find((user) =>
        user.Attributes.some((a) => (a.Name === 'email' || a.Name === 'sub') && a.Value?.toLowerCase() === wanted),
      ) ??
      users.find((user) => user.Username.toLowerCase() === wanted) ??
      null
    );
  };

  /** The pool's group a group call names, as Cognito checks it: ResourceNotFoundException when it has none such. */
  const requireGroup = async (req: Record<string, unknown>): Promise<void> => {
    const pool = await services.cognito.getUserPool(ctx, String(req.UserPoolId));
    // Not getGroupByGroupName: it fails on a pool that has no groups at all.
    const groups = await pool.listGroups(ctx);
    if (!groups.some((g) => g.GroupName === req.GroupName)) throw new CognitoApiError('ResourceNotFoundException', 'Group not found.');
  };

  const checkPassword = (pool: UserPoolService, password: unknown): void => {
    const violation = passwordPolicyViolation(String(password ?? ''), pool.options.Policies?.PasswordPolicy);
    if (violation) throw new CognitoApiError('InvalidPasswordException', `Password did not conform with policy: ${violation}`);
  };

  const recordIssued = (result: unknown): unknown => {
    const auth = (result as { AuthenticationResult?: Record<string, unknown> } | undefined)?.AuthenticationResult;
    if (!auth || typeof auth.AccessToken !== 'string') return result;
    const claims = decodeClaims(auth.AccessToken);
    if (claims) issuedAt.set(claims.jti, Date.now());
    auth.TokenType = 'Bearer';
    auth.ExpiresIn = claims ? claims.exp - claims.iat : 3600;
    return result;
  };

  /** Cognito's checks on an access token, which cognito-local only decodes. */
  const verifyAccessToken = async (token: unknown): Promise<AccessClaims> => {
    const claims = refusedAsNotAuthorized(() => checker.access(token));
    if (revocations.isRevoked(claims.origin_jti)) throw notAuthorized('Access Token has been revoked');
    const signedOutAt = revocations.signedOutAt(claims.sub);
    if (signedOutAt !== undefined && (issuedAt.get(claims.jti) ?? claims.iat * 1000) <= signedOutAt) {
      throw notAuthorized('Access Token has been revoked');
    }
    if (!(await services.cognito.getAppClient(ctx, claims.client_id))) throw notAuthorized('Invalid Access Token');
    return claims;
  };

  const appClient = async (clientId: unknown): Promise<AppClient> => {
    const client = typeof clientId === 'string' ? await services.cognito.getAppClient(ctx, clientId) : null;
    if (!client) throw new CognitoApiError('ResourceNotFoundException', `User pool client ${String(clientId)} does not exist.`);
    return client;
  };

  /** Tokens for a user who just proved who they are, as cognito-local's own flows issue them. */
  const signIn = async (pool: UserPoolService, user: LocalUser, client: AppClient): Promise<unknown> => {
    const groups = await pool.listUserGroupMembership(ctx, user);
    const tokens = await opts.tokens.generate(ctx, user, groups, client, undefined, 'Authentication');
    await pool.storeRefreshToken(ctx, tokens.RefreshToken, user);
    return { ChallengeParameters: {}, AuthenticationResult: tokens };
  };

  /** New access and ID tokens of the refresh token's origin (Cognito keeps the refresh token: no rotation). */
  const refresh = async (client: AppClient, token: unknown): Promise<Record<string, unknown>> => {
    const claims = refusedAsNotAuthorized(() => checker.refresh(token));
    if (claims.client_id !== undefined && claims.client_id !== client.ClientId) throw notAuthorized('Invalid Refresh Token');
    const pool = await poolForClient(client.ClientId);
    const user = await pool.getUserByRefreshToken(ctx, String(token));
    if (!user || revocations.isRevoked(claims.origin.jti)) throw notAuthorized('Refresh Token has been revoked');
    if (!user.Enabled) throw notAuthorized('User is disabled.');
    const groups = await pool.listUserGroupMembership(ctx, user);
    const tokens = await opts.tokens.generate(ctx, user, groups, client, undefined, 'RefreshTokens', claims.origin);
    return { AccessToken: tokens.AccessToken, IdToken: tokens.IdToken };
  };

  /** InitiateAuth(USER_SRP_AUTH): the PASSWORD_VERIFIER challenge, also for an unknown user when Cognito hides them. */
  const srpChallenge = async (client: AppClient, params: Record<string, string>): Promise<unknown> => {
    if (!params.USERNAME) throw invalidParameter('Missing required parameter USERNAME');
    if (!params.SRP_A) throw invalidParameter('Missing required parameter SRP_A');
    if (!/^[0-9a-fA-F]+$/.test(params.SRP_A) || params.SRP_A.length > 1024) throw invalidParameter('SRP_A is not valid');
    const pool = await poolForClient(client.ClientId);
    const user = await findUser(pool, params.USERNAME);
    if (!user && client.PreventUserExistenceErrors !== 'ENABLED') {
      throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
    }
    // An unknown user gets a challenge that looks like any other and that no answer can meet.
    const userId = user?.Username ?? params.USERNAME;
    const salt = srp.saltFor(pool.options.Id, userId);
    const password = user?.Password ?? randomBytes(32).toString('hex');
    const session = startSrpServer(srpVerifier({ userPoolId: pool.options.Id, userIdForSrp: userId, password, salt }), salt);
    const secretBlock = srp.seal({
      clientId: client.ClientId,
      username: user ? user.Username : null,
      srpA: params.SRP_A,
      session,
      expiresAt: Date.now() + SRP_CHALLENGE_TTL_MS,
    });
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        SALT: salt,
        SRP_B: session.srpB,
        SECRET_BLOCK: secretBlock,
        USERNAME: userId,
        USER_ID_FOR_SRP: userId,
      },
    };
  };

  /** RespondToAuthChallenge(PASSWORD_VERIFIER): Cognito's check of the password claim, then the user's state. */
  const srpVerify = async (req: Request): Promise<unknown> => {
    const client = await appClient(req.ClientId);
    const answers = (isRecord(req.ChallengeResponses) ? req.ChallengeResponses : {}) as Record<string, string>;
    for (const name of ['USERNAME', 'PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP']) {
      if (!answers[name]) throw invalidParameter(`Missing required parameter ${name}`);
    }
    if (!parseSrpTimestamp(answers.TIMESTAMP!)) throw invalidParameter('TIMESTAMP format is not valid');
    const challenge = srp.open(answers.PASSWORD_CLAIM_SECRET_BLOCK!);
    if (!challenge || challenge.clientId !== client.ClientId || challenge.expiresAt < Date.now()) {
      throw notAuthorized('Invalid session for the user, session is expired.');
    }
    if (challenge.username === null) throw notAuthorized(INCORRECT_CREDENTIALS);
    const pool = await poolForClient(client.ClientId);
    const user = await pool.getUserByUsername(ctx, challenge.username);
    const named = await findUser(pool, answers.USERNAME);
    if (!user || named?.Username !== user.Username) throw notAuthorized(INCORRECT_CREDENTIALS);
    const proved = verifyPasswordClaim({
      userPoolId: pool.options.Id,
      userIdForSrp: user.Username,
      verifier: srpVerifier({
        userPoolId: pool.options.Id,
        userIdForSrp: user.Username,
        password: user.Password,
        salt: challenge.session.salt,
      }),
      session: challenge.session,
      srpA: challenge.srpA,
      secretBlock: answers.PASSWORD_CLAIM_SECRET_BLOCK!,
      timestamp: answers.TIMESTAMP!,
      signature: answers.PASSWORD_CLAIM_SIGNATURE!,
    });
    // A challenge is answered once, right or wrong.
    if (!srp.use(answers.PASSWORD_CLAIM_SECRET_BLOCK!, challenge.expiresAt) || !proved) {
      throw notAuthorized(INCORRECT_CREDENTIALS);
    }
    if (!user.Enabled) throw notAuthorized('User is disabled.');
    if (user.UserStatus === 'UNCONFIRMED') throw new CognitoApiError('UserNotConfirmedException', 'User is not confirmed.');
    if (user.UserStatus === 'RESET_REQUIRED') {
      throw new CognitoApiError('PasswordResetRequiredException', 'Password reset required for the user');
    }
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ChallengeParameters: {
          USER_ID_FOR_SRP: user.Username,
          requiredAttributes: '[]',
          userAttributes: JSON.stringify(Object.fromEntries(user.Attributes.map((a) => [a.Name, a.Value]))),
        },
        Session: randomUUID(),
      };
    }
    return signIn(pool, user, client);
  };

  const deliverCode = async (
    pool: UserPoolService,
    clientId: string,
    user: LocalUser,
    req: Request,
  ): Promise<Record<string, string>> => {
    const email = user.Attributes.find((a) => a.Name === 'email')?.Value;
    if (!email) throw invalidParameter('User has no attribute matching desired auto verified attributes');
    const code = newCode();
    const details = { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email };
    await services.messages.deliver(
      ctx,
      'ResendCode',
      clientId,
      pool.options.Id,
      user,
      code,
      req.ClientMetadata as Record<string, string> | undefined,
      details,
    );
    await pool.saveUser(ctx, { ...user, ConfirmationCode: code, UserLastModifiedDate: services.clock.get() });
    return { ...details, Destination: maskEmail(email) };
  };

  /**
   * Whether the app client hides which users exist (`PreventUserExistenceErrors: ENABLED`, as the template sets).
   * Then, as Cognito documents it: ForgotPassword and ResendConfirmationCode answer an unknown or disabled user
   * as if a code had been sent, and ConfirmSignUp and ConfirmForgotPassword answer CodeMismatchException.
   */
  const hidesUsers = async (clientId: unknown): Promise<boolean> =>
    (await services.cognito.getAppClient(ctx, String(clientId)))?.PreventUserExistenceErrors === 'ENABLED';
  const simulatedDelivery = (username: unknown) => ({
    CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: maskEmail(String(username ?? '')) },
  });
  const codeMismatch = () => new CognitoApiError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  const expiredCode = () => new CognitoApiError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  const noSuchUser = () => new CognitoApiError('UserNotFoundException', 'Username/client id combination not found.');

  const operations: Record<string, Operation> = {
    async SignUp(req) {
      const pool = await poolForClient(req.ClientId);
      const username = String(req.Username ?? '');
      if (pool.options.UsernameAttributes?.includes('email') && !isEmail(username)) {
        throw invalidParameter('Username should be an email.');
      }
      checkPassword(pool, req.Password);
      if (await findUser(pool, username)) {
        throw new CognitoApiError('UsernameExistsException', 'An account with the given email already exists.');
      }
      const result = (await local('SignUp', req)) as { CodeDeliveryDetails?: { Destination?: string } };
      if (result.CodeDeliveryDetails?.Destination) {
        result.CodeDeliveryDetails.Destination = maskEmail(result.CodeDeliveryDetails.Destination);
      }
      return result;
    },

    async ConfirmSignUp(req) {
      const pool = await poolForClient(req.ClientId);
      const user = await findUser(pool, req.Username);
      if (!user) throw (await hidesUsers(req.ClientId)) ? codeMismatch() : noSuchUser();
      if (user.UserStatus === 'CONFIRMED') {
        throw notAuthorized('User cannot be confirmed. Current status is CONFIRMED');
      }
      if (!user.ConfirmationCode || user.ConfirmationCode !== req.ConfirmationCode) throw codeMismatch();
      const result = await local('ConfirmSignUp', { ...req, Username: user.Username });
      if (pool.options.AutoVerifiedAttributes?.includes('email')) {
        // Cognito marks the address verified: the code proved the user receives mail there.
        const confirmed = (await pool.getUserByUsername(ctx, user.Username)) ?? user;
        await pool.saveUser(ctx, {
          ...confirmed,
          Attributes: modules.attributesAppend(confirmed.Attributes, { Name: 'email_verified', Value: 'true' }),
        });
      }
      return result;
    },

    async ResendConfirmationCode(req) {
      const pool = await poolForClient(req.ClientId);
      const user = await findUser(pool, req.Username);
      if (!user || !user.Enabled) {
        if (await hidesUsers(req.ClientId)) return simulatedDelivery(req.Username);
        if (!user) throw noSuchUser();
      }
      if (user.UserStatus === 'CONFIRMED') throw invalidParameter('User is already confirmed.');
      return { CodeDeliveryDetails: await deliverCode(pool, String(req.ClientId), user, req) };
    },

    async InitiateAuth(req) {
      const client = await appClient(req.ClientId);
      const params = (isRecord(req.AuthParameters) ? req.AuthParameters : {}) as Record<string, string>;
      const flow = String(req.AuthFlow ?? '');
      assertFlowAllowed(client, flow);
      switch (flow) {
        case 'USER_PASSWORD_AUTH': {
          const pool = await poolForClient(req.ClientId);
          const user = await findUser(pool, params.USERNAME);
          if (!user) throw unknownUser(client);
          if (!user.Enabled) throw notAuthorized('User is disabled.');
          const result = await local('InitiateAuth', { ...req, AuthParameters: { ...params, USERNAME: user.Username } });
          return recordIssued(result);
        }
        case 'USER_SRP_AUTH':
          return srpChallenge(client, params);
        case 'REFRESH_TOKEN_AUTH':
        case 'REFRESH_TOKEN': {
          const tokens = await refresh(client, params.REFRESH_TOKEN);
          return recordIssued({ ChallengeParameters: {}, AuthenticationResult: tokens });
        }
        default:
          // Only the flows the client allows get here; ours allows none that cognito-local lacks.
          return local('InitiateAuth', req);
      }
    },

    async GetTokensFromRefreshToken(req) {
      const client = await appClient(req.ClientId);
      assertFlowAllowed(client, 'REFRESH_TOKEN_AUTH');
      return recordIssued({ AuthenticationResult: await refresh(client, req.RefreshToken) });
    },

    async RevokeToken(req) {
      const client = await appClient(req.ClientId);
      let claims: RefreshClaims;
      try {
        claims = checker.refresh(req.Token);
      } catch (error) {
        // An expired refresh token can still be revoked; anything else we did not issue as one cannot.
        if (!(error instanceof TokenRefused) || !/expired/.test(error.message)) {
          throw new CognitoApiError('UnsupportedTokenTypeException', 'The token provided is not a refresh token.');
        }
        claims = checker.refresh(req.Token, { ignoreExpiry: true });
      }
      if (claims.client_id !== undefined && claims.client_id !== client.ClientId) {
        throw notAuthorized('Invalid token');
      }
      const pool = await poolForClient(client.ClientId);
      const user = await pool.getUserByRefreshToken(ctx, String(req.Token));
      if (user) {
        await pool.saveUser(ctx, { ...user, RefreshTokens: user.RefreshTokens.filter((t) => t !== req.Token) });
      }
      // Every token of the sign-in goes with it, as Cognito does with token revocation on.
      await revocations.revokeOrigin(claims.origin.jti, claims.exp * 1000, Date.now());
      return {};
    },

    async AdminInitiateAuth(req) {
      return recordIssued(await local('AdminInitiateAuth', req));
    },

    async RespondToAuthChallenge(req) {
      if (req.ChallengeName === 'PASSWORD_VERIFIER') return recordIssued(await srpVerify(req));
      return recordIssued(await local('RespondToAuthChallenge', req));
    },

    async GlobalSignOut(req) {
      const claims = await verifyAccessToken(req.AccessToken);
      const pool = await poolForClient(claims.client_id);
      const user = await pool.getUserByUsername(ctx, claims.username);
      if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
      // Cognito revokes every refresh token of the user and every access token issued so far.
      await pool.saveUser(ctx, { ...user, RefreshTokens: [] });
      await revocations.signOut(claims.sub, Date.now());
      return {};
    },

    async GetUser(req) {
      try {
        return await local('GetUser', req);
      } catch (error) {
        if ((error as { code?: string }).code === 'UserNotFoundException') {
          throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
        }
        throw error;
      }
    },

    async ChangePassword(req) {
      const claims = await verifyAccessToken(req.AccessToken);
      checkPassword(await poolForClient(claims.client_id), req.ProposedPassword);
      return local('ChangePassword', req);
    },

    async ConfirmForgotPassword(req) {
      const pool = await poolForClient(req.ClientId);
      checkPassword(pool, req.Password);
      const user = await findUser(pool, req.Username);
      if (!user || !user.Enabled) {
        if (await hidesUsers(req.ClientId)) throw codeMismatch();
        if (!user) throw noSuchUser();
      }
      // No reset code outstanding (never requested, or already used): Cognito answers ExpiredCodeException, whatever
      // the code. (An unconfirmed user's sign-up code is no reset code.)
      const sentAt = user[RESET_CODE_SENT_AT];
      if (typeof sentAt !== 'number') throw expiredCode();
      if (user.ConfirmationCode !== req.ConfirmationCode) throw codeMismatch();
      if (services.clock.get().getTime() - sentAt > RESET_CODE_VALIDITY_MS) throw expiredCode();
      const result = await local('ConfirmForgotPassword', { ...req, Username: user.Username });
      const reset = await pool.getUserByUsername(ctx, user.Username);
      if (reset) await pool.saveUser(ctx, { ...reset, [RESET_CODE_SENT_AT]: undefined });
      return result;
    },

    async ForgotPassword(req) {
      const pool = await poolForClient(req.ClientId);
      const user = await findUser(pool, req.Username);
      if (!user || !user.Enabled) {
        if (await hidesUsers(req.ClientId)) return simulatedDelivery(req.Username);
        if (!user) throw noSuchUser();
      }
      const result = (await local('ForgotPassword', { ...req, Username: user.Username })) as {
        CodeDeliveryDetails?: { Destination?: string };
      };
      // When the code was sent, for ConfirmForgotPassword's expiry check.
      const sent = await pool.getUserByUsername(ctx, user.Username);
      if (sent) await pool.saveUser(ctx, { ...sent, [RESET_CODE_SENT_AT]: services.clock.get().getTime() });
      if (result.CodeDeliveryDetails?.Destination) {
        result.CodeDeliveryDetails = {
          ...result.CodeDeliveryDetails,
          Destination: maskEmail(result.CodeDeliveryDetails.Destination),
        };
      }
      return result;
    },

    // cognito-local returns every user at once; Cognito pages them (Limit at most 60, PaginationToken).
    async ListUsers(req) {
      const limit = req.Limit === undefined ? 60 : Number(req.Limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 60) throw invalidParameter('Limit must be between 1 and 60.');
      const start = req.PaginationToken === undefined ? 0 : Number(Buffer.from(String(req.PaginationToken), 'base64url').toString('utf8'));
      if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid PaginationToken.');
      const { Users = [] } = (await local('ListUsers', { UserPoolId: req.UserPoolId, Filter: req.Filter })) as { Users?: unknown[] };
      const end = start + limit;
      return { Users: Users.slice(start, end), ...(end < Users.length ? { PaginationToken: Buffer.from(String(end)).toString('base64url') } : {}) };
    },

    // Not in cognito-local: the user must set a new password with a code, which Cognito emails as for ForgotPassword.
    async AdminResetUserPassword(req) {
      const pool = await services.cognito.getUserPool(ctx, String(req.UserPoolId));
      const user = await findUser(pool, req.Username);
      if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
      const email = user.Attributes.find((a) => a.Name === 'email')?.Value;
      if (!email) throw invalidParameter('User has no attribute matching desired auto verified attributes');
      const code = newCode();
      await services.messages.deliver(ctx, 'ForgotPassword', '', pool.options.Id, user, code, req.ClientMetadata as Record<string, string> | undefined, {
        AttributeName: 'email',
        DeliveryMedium: 'EMAIL',
        Destination: email,
      });
      await pool.saveUser(ctx, {
        ...user,
        UserStatus: 'RESET_REQUIRED',
        ConfirmationCode: code,
        RefreshTokens: [],
        [RESET_CODE_SENT_AT]: services.clock.get().getTime(),
        UserLastModifiedDate: services.clock.get(),
      });
      return {};
    },

    // Not in cognito-local: GlobalSignOut on the administrator's word.
    async AdminUserGlobalSignOut(req) {
      const pool = await services.cognito.getUserPool(ctx, String(req.UserPoolId));
      const user = await findUser(pool, req.Username);
      if (!user) throw new CognitoApiError('UserNotFoundException', 'User does not exist.');
      const sub = user.Attributes.find((a) => a.Name === 'sub')?.Value;
      await pool.saveUser(ctx, { ...user, RefreshTokens: [] });
      if (sub) await revocations.signOut(sub, Date.now());
      return {};
    },

    // cognito-local fails on a group the pool does not have with an internal error; Cognito says it is not found.
    async AdminAddUserToGroup(req) {
      await requireGroup(req);
      return local('AdminAddUserToGroup', req);
    },

    async AdminRemoveUserFromGroup(req) {
      await requireGroup(req);
      return local('AdminRemoveUserFromGroup', req);
    },

    async AdminSetUserPassword(req) {
      checkPassword(await services.cognito.getUserPool(ctx, String(req.UserPoolId)), req.Password);
      return local('AdminSetUserPassword', req);
    },
  };

  return {
    async dispatch(target, req) {
      // Every operation authorised by an access token gets Cognito's token checks first.
      if ('AccessToken' in req && target !== 'GlobalSignOut' && target !== 'ChangePassword') {
        await verifyAccessToken(req.AccessToken);
      }
      // Cognito takes the email alias wherever an admin call takes a username; some of cognito-local's
      // (AdminListGroupsForUser, AdminRemoveUserFromGroup) compare it with the stored username as given.
      if (target.startsWith('Admin') && typeof req.UserPoolId === 'string' && typeof req.Username === 'string') {
        const pool = await services.cognito.getUserPool(ctx, req.UserPoolId).catch(() => undefined);
        const user = pool ? await findUser(pool, req.Username) : null;
        if (user) req = { ...req, Username: user.Username };
      }
      const operation = operations[target];
      try {
        return await (operation ? operation(req) : local(target, req));
      } catch (error) {
        // cognito-local reports a wrong password as InvalidPasswordException; Cognito says NotAuthorized.
        if ((error as { code?: string }).code === 'InvalidPasswordException' && !(error instanceof CognitoApiError)) {
          throw notAuthorized(INCORRECT_CREDENTIALS);
        }
        throw error;
      }
    },
  };
}

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
function assertFlowAllowed(client: AppClient, flow: string): void {
  const allow = AUTH_FLOWS[flow];
  if (!allow) {
    throw invalidParameter(
      `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${Object.keys(AUTH_FLOWS).join(', ')}]`,
    );
  }
  const flows = client.ExplicitAuthFlows ?? [];
  if (!flows.includes(allow) && !flows.includes(allow.replace(/^ALLOW_/, ''))) {
    throw invalidParameter(`${flow} flow not enabled for this client`);
  }
}

/** A refused token, in Cognito's words. */
function refusedAsNotAuthorized<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof TokenRefused) throw notAuthorized(error.message);
    throw error;
  }
}

/** With PreventUserExistenceErrors (our client's setting) Cognito hides whether the user exists. */
function unknownUser(client: AppClient): CognitoApiError {
  return client.PreventUserExistenceErrors === 'ENABLED'
    ? notAuthorized(INCORRECT_CREDENTIALS)
    : new CognitoApiError('UserNotFoundException', 'User does not exist.');
}

/** Cognito reports where a code went as `a***@e***`. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***@${email[at + 1] ?? ''}***`;
}

function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value);
}

function decodeClaims(token: string): AccessClaims | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as AccessClaims;
  } catch {
    return undefined;
  }
}

/** How long a PASSWORD_VERIFIER challenge can be answered. */
const SRP_CHALLENGE_TTL_MS = 5 * 60 * 1000;

interface SealedChallenge {
  clientId: string;
  /** null for a user that does not exist: the challenge cannot be met. */
  username: string | null;
  srpA: string;
  session: SrpServerSession;
  expiresAt: number;
}

/**
 * The server's side of pending SRP challenges, carried in the SECRET_BLOCK (as Cognito carries its own, opaque to
 * the client): encrypted and authenticated with a key of this process, so nothing is stored per challenge but the
 * blocks already answered, until they expire.
 */
class SrpChallenges {
  private readonly key = randomBytes(32);
  private readonly answered = new Map<string, number>();

  /** A salt that stays the same for a user while the local Cognito runs, as a stored verifier's would. */
  saltFor(poolId: string, userId: string): string {
    return createHmac('sha256', this.key).update(`${poolId}/${userId.toLowerCase()}`).digest('hex').slice(0, 32);
  }

  seal(challenge: SealedChallenge): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(challenge), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(block: string): SealedChallenge | undefined {
    try {
      const raw = Buffer.from(block, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as SealedChallenge;
    } catch {
      return undefined;
    }
  }

  /** Marks a block answered; false when it already was. */
  use(block: string, expiresAt: number): boolean {
    const now = Date.now();
    for (const [seen, until] of this.answered) if (until < now) this.answered.delete(seen);
    if (this.answered.has(block)) return false;
    this.answered.set(block, expiresAt);
    return true;
  }
}
