/**
 * The layer in front of cognito-local's router that closes the gaps between cognito-local 5.3 and Cognito, keyed
 * on the operation name from `X-Amz-Target`. Each gap is fixed here, in the local stack, so that neither the
 * handler nor the CLI needs a local special case. What remains different is listed in the README.
 */
import { createPublicKey, randomInt, verify, type KeyObject } from 'node:crypto';
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
import { isRecord, readJsonFile, writeFileAtomic } from '../core/files.js';
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

interface AccessClaims {
  sub: string;
  client_id: string;
  username: string;
  jti: string;
  iat: number;
  exp: number;
  token_use: string;
  iss: string;
}

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
}): Promise<CompatLayer> {
  const { modules, services, ctx, issuer } = opts;
  const router = modules.Router(services);
  const routes = new Map<string, Route>();
  const local = (target: string, req: Request): Promise<unknown> => {
    let route = routes.get(target);
    if (!route) routes.set(target, (route = router(target)));
    return route(ctx, req);
  };
  const publicKey = createPublicKey(modules.publicKeyPem);
  const revocations = await Revocations.open(join(opts.dataDir, REVOCATIONS_FILE));
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
    const claims = typeof token === 'string' ? verifyJwt(token, publicKey) : undefined;
    if (!claims || claims.token_use !== 'access' || claims.iss !== issuer || typeof claims.sub !== 'string') {
      throw notAuthorized('Invalid Access Token');
    }
    if (claims.exp * 1000 <= Date.now()) throw notAuthorized('Access Token has expired');
    const signedOutAt = revocations.signedOutAt(claims.sub);
    if (signedOutAt !== undefined && (issuedAt.get(claims.jti) ?? claims.iat * 1000) <= signedOutAt) {
      throw notAuthorized('Access Token has been revoked');
    }
    if (!(await services.cognito.getAppClient(ctx, claims.client_id))) throw notAuthorized('Invalid Access Token');
    return claims;
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
      if (!user) throw new CognitoApiError('UserNotFoundException', 'Username/client id combination not found.');
      if (user.UserStatus === 'CONFIRMED') {
        throw notAuthorized('User cannot be confirmed. Current status is CONFIRMED');
      }
      if (!user.ConfirmationCode || user.ConfirmationCode !== req.ConfirmationCode) {
        throw new CognitoApiError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      }
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
      if (!user) throw new CognitoApiError('UserNotFoundException', 'Username/client id combination not found.');
      if (user.UserStatus === 'CONFIRMED') throw invalidParameter('User is already confirmed.');
      return { CodeDeliveryDetails: await deliverCode(pool, String(req.ClientId), user, req) };
    },

    async InitiateAuth(req) {
      const client = await services.cognito.getAppClient(ctx, String(req.ClientId));
      if (!client) throw new CognitoApiError('ResourceNotFoundException', `User pool client ${String(req.ClientId)} does not exist.`);
      const params = (req.AuthParameters ?? {}) as Record<string, string>;
      const flow = String(req.AuthFlow);
      if (flow === 'USER_PASSWORD_AUTH') {
        assertFlowEnabled(client, 'ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH');
        const pool = await poolForClient(req.ClientId);
        const user = await findUser(pool, params.USERNAME);
        if (!user) throw unknownUser(client);
        if (!user.Enabled) throw notAuthorized('User is disabled.');
        const result = await local('InitiateAuth', { ...req, AuthParameters: { ...params, USERNAME: user.Username } });
        return recordIssued(result);
      }
      if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
        assertFlowEnabled(client, 'ALLOW_REFRESH_TOKEN_AUTH', flow);
        const token = params.REFRESH_TOKEN;
        const claims = token ? verifyJwt(token, publicKey) : undefined;
        if (!claims || claims.iss !== issuer) throw notAuthorized('Invalid Refresh Token');
        if (claims.exp * 1000 <= Date.now()) throw notAuthorized('Refresh Token has expired');
        const pool = await poolForClient(req.ClientId);
        if (!(await pool.getUserByRefreshToken(ctx, token!))) throw notAuthorized('Refresh Token has been revoked');
        return recordIssued(await local('InitiateAuth', req));
      }
      return local('InitiateAuth', req);
    },

    async AdminInitiateAuth(req) {
      return recordIssued(await local('AdminInitiateAuth', req));
    },

    async RespondToAuthChallenge(req) {
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
      if (!user) throw new CognitoApiError('UserNotFoundException', 'Username/client id combination not found.');
      if (user.ConfirmationCode !== req.ConfirmationCode) {
        throw new CognitoApiError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      }
      return local('ConfirmForgotPassword', { ...req, Username: user.Username });
    },

    async ForgotPassword(req) {
      const pool = await poolForClient(req.ClientId);
      const user = await findUser(pool, req.Username);
      const result = (await local('ForgotPassword', { ...req, Username: user?.Username ?? req.Username })) as {
        CodeDeliveryDetails?: { Destination?: string };
      };
      if (result.CodeDeliveryDetails?.Destination) {
        result.CodeDeliveryDetails = {
          ...result.CodeDeliveryDetails,
          Destination: maskEmail(result.CodeDeliveryDetails.Destination),
        };
      }
      return result;
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

function assertFlowEnabled(client: AppClient, allow: string, flow: string): void {
  const flows = client.ExplicitAuthFlows;
  if (flows && !flows.includes(allow) && !flows.includes(allow.replace(/^ALLOW_/, ''))) {
    throw invalidParameter(`${flow} flow not enabled for this client`);
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

/** RS256 signature check against cognito-local's key; undefined for anything that is not a token we signed. */
function verifyJwt(token: string, key: KeyObject): AccessClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== 'RS256') return undefined;
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('RSA-SHA256', signed, key, Buffer.from(parts[2]!, 'base64url'))) return undefined;
    const claims = decodeClaims(token);
    return claims && typeof claims.exp === 'number' ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** Global sign-outs by user `sub`, kept on disk so tokens stay revoked across restarts of `authstack dev`. */
class Revocations {
  private constructor(
    private readonly file: string,
    private readonly bySub: Record<string, number>,
  ) {}

  static async open(file: string): Promise<Revocations> {
    // A corrupt file is reported and kept, as every other store does: replacing it would silently undo sign-outs.
    const isRevocations = (value: unknown): value is Record<string, number> =>
      isRecord(value) && Object.values(value).every((at) => typeof at === 'number');
    return new Revocations(file, (await readJsonFile(file, 'sign-out record of the local Cognito', isRevocations)) ?? {});
  }

  signedOutAt(sub: string): number | undefined {
    return this.bySub[sub];
  }

  async signOut(sub: string, at: number): Promise<void> {
    this.bySub[sub] = at;
    await writeFileAtomic(this.file, JSON.stringify(this.bySub), { mode: 0o600 });
  }
}
