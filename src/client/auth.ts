import type { Context } from '../core/context.js';
import { secondsSetting } from '../core/parse.js';
import { UserError, interruptedError, errorMessage, thrownName, thrownCode, thrownCause } from '../core/errors.js';
import type { Target } from '../core/targets.js';
import type { CognitoClientOptions } from '../core/aws.js';
import { sessionKey, type Session } from '../core/sessions.js';

/** Refresh this long before the access token expires, so a request never races the expiry. */
const EXPIRY_MARGIN_MS = 60_000;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Cognito answers in well under a second; an endpoint that accepts the connection and then hangs must not hang us. */
const DEFAULT_COGNITO_TIMEOUT_S = 15;

/**
 * Runs a Cognito call with Ctrl-C and a time limit (`AUTHSTACK_COGNITO_TIMEOUT` seconds, default 15) as its abort
 * signal. Both surface from the SDK as the same AbortError, so they are told apart here and reported as such; any
 * other failure is rethrown as it came, for the caller to map.
 */
export async function cognitoSend<T>(ctx: Context, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const ms = secondsSetting(ctx.env, 'AUTHSTACK_COGNITO_TIMEOUT') ?? DEFAULT_COGNITO_TIMEOUT_S * 1000;
  const seconds = ms / 1000;
  const timeout = AbortSignal.timeout(ms);
  try {
    return await call(AbortSignal.any([ctx.signal, timeout]));
  } catch (err) {
    if (ctx.signal.aborted) throw interruptedError();
    if (timeout.aborted) {
      throw new UserError('network', `Cognito did not answer within ${seconds} s.`, { code: 'Unreachable', hint: UNREACHABLE_HINT, cause: err });
    }
    throw err;
  }
}

const UNREACHABLE_HINT = 'For the local stack, start "authstack dev"; otherwise check the endpoint and your network';

/** Cognito's own reasons, turned into one line and what to do next. */
export function cognitoError(err: unknown, username?: string): UserError {
  if (err instanceof UserError) return err;
  const name = thrownName(err) ?? 'Error';
  const message = errorMessage(err);
  const code = name.replace(/Exception$/, '');
  switch (name) {
    case 'NotAuthorizedException':
      return new UserError('auth', `Cognito refused: ${message}`, { code });
    case 'UserNotConfirmedException':
      return new UserError('auth', `Cognito refused: ${message}`, {
        code,
        hint: `Confirm the account first: authstack validate ${username ?? '<email>'}`,
      });
    case 'UserNotFoundException':
      return new UserError('auth', `Cognito refused: ${message}`, { code, hint: 'Sign up first: authstack signup <email>' });
    case 'PasswordResetRequiredException':
    case 'InvalidParameterException':
    case 'InvalidPasswordException':
    case 'ResourceNotFoundException':
      return new UserError('auth', `Cognito refused: ${message}`, { code });
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return new UserError('aws', `Cognito is throttling requests: ${message}`, { code, hint: 'Wait a little and try again' });
    case 'CredentialsProviderError':
      return new UserError('aws', 'No AWS credentials found.', { code: 'NoCredentials', hint: 'Set AWS_PROFILE or run aws configure' });
  }
  const netCode = thrownCode(err) ?? thrownCode(thrownCause(err));
  if ((netCode !== undefined && NETWORK_CODES.has(netCode)) || name === 'TimeoutError') {
    return new UserError('network', `Cannot reach Cognito (${netCode ?? 'timed out'}).`, {
      code: 'Unreachable',
      // A host that does not resolve is, against AWS, almost always a region that does not exist.
      hint: netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN' ? 'Check the region (--region) and the Cognito endpoint' : UNREACHABLE_HINT,
      cause: err,
    });
  }
  if (/region is missing/i.test(message)) return new UserError('usage', 'No AWS region is set.', { code: 'NoRegion', hint: 'Pass --region or set AWS_REGION' });
  return new UserError('aws', `Cognito call failed: ${name}: ${message}`, { code, cause: err });
}

/**
 * The target's Cognito client (its endpoint and region, with dummy credentials for the local one) and the SDK's
 * command classes, loaded only by the commands that talk to Cognito.
 */
export async function cognitoClient(ctx: Context, target: Target) {
  const options: CognitoClientOptions = { endpoint: target.cognitoEndpoint, region: target.region || undefined, local: target.kind === 'local' };
  const client = await ctx.aws.cognito(options);
  return { client, sdk: await import('@aws-sdk/client-cognito-identity-provider') };
}

interface AuthResult {
  AccessToken?: string;
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
}

function toSession(username: string, result: AuthResult | undefined, now: number, previous?: Session): Session {
  if (!result?.AccessToken)
    throw new UserError('auth', 'Cognito asked for another sign-in step that authstack does not support.', { code: 'ChallengeRequired' });
  return {
    username,
    accessToken: result.AccessToken,
    idToken: result.IdToken ?? previous?.idToken,
    refreshToken: result.RefreshToken ?? previous?.refreshToken,
    expiresAt: now + (result.ExpiresIn ?? 3600) * 1000,
  };
}

/**
 * How `login` proves the password: `srp` (USER_SRP_AUTH, the default, as Amplify and amazon-cognito-identity-js
 * do: the password never leaves the machine) or `password` (USER_PASSWORD_AUTH: the password goes to Cognito
 * over TLS, as the original curl walkthrough did).
 */
export type AuthFlow = 'srp' | 'password';
export const AUTH_FLOWS: readonly AuthFlow[] = ['srp', 'password'];

/** A sign-in step Cognito answered: tokens, or the next challenge with its session. */
export interface ChallengeStep {
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  AuthenticationResult?: AuthResult;
}
/** Answers a challenge that follows the password (client/mfa.ts: the TOTP ones), or returns the step as it is. */
export type ChallengeAnswer = (step: ChallengeStep) => Promise<ChallengeStep>;

/**
 * What sign-in does with the challenges Cognito may answer the password with. `newPassword`: asked for the password
 * to set on NEW_PASSWORD_REQUIRED (a user an admin created, signing in with the temporary password), already checked
 * against the pool's policy; without it that challenge is an error saying how to answer it. `answer`: the
 * challenges after it (TOTP: SOFTWARE_TOKEN_MFA, MFA_SETUP).
 */
export interface SignInOptions {
  newPassword?: () => Promise<string>;
  answer?: ChallengeAnswer;
}

/** Signs in and saves the session (never printed). */
export async function login(
  ctx: Context,
  target: Target,
  username: string,
  password: string,
  flow: AuthFlow = 'srp',
  options: SignInOptions = {},
): Promise<Session> {
  const session = await authenticate(ctx, target, username, password, flow, options);
  await ctx.sessions.set(sessionKey(target), session);
  return session;
}

/** Signs in without saving anything (smoke tests keep the user's own session untouched). */
export async function authenticate(
  ctx: Context,
  target: Target,
  username: string,
  password: string,
  flow: AuthFlow = 'srp',
  options: SignInOptions = {},
): Promise<Session> {
  const { client, sdk } = await cognitoClient(ctx, target);
  const initiate = (input: ConstructorParameters<typeof sdk.InitiateAuthCommand>[0]) =>
    cognitoSend(ctx, (abortSignal) => client.send(new sdk.InitiateAuthCommand(input), { abortSignal }));
  let out: ChallengeStep;
  try {
    if (flow === 'password') {
      out = await initiate({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: target.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } });
    } else {
      // Loaded here: only SRP sign-in needs the 3072-bit arithmetic.
      const srp = await import('../core/srp.js');
      const secret = srp.startSrpClient();
      out = await initiate({ AuthFlow: 'USER_SRP_AUTH', ClientId: target.clientId, AuthParameters: { USERNAME: username, SRP_A: secret.srpA } });
      if (out.ChallengeName === 'PASSWORD_VERIFIER') {
        // The proof mixes in the pool's name, which only the pool id carries (checked here, after Cognito
        // answered, so an unreachable or unknown endpoint is reported as such first).
        if (!target.userPoolId) {
          throw new UserError('usage', 'SRP sign-in needs the user pool id, which this target does not have.', {
            code: 'NoUserPoolId',
            hint: 'Pass --user-pool-id (or AUTHSTACK_USER_POOL_ID), or sign in with --auth-flow password',
          });
        }
        const params = out.ChallengeParameters ?? {};
        const challenge = {
          SALT: params.SALT ?? '',
          SRP_B: params.SRP_B ?? '',
          SECRET_BLOCK: params.SECRET_BLOCK ?? '',
          USER_ID_FOR_SRP: params.USER_ID_FOR_SRP ?? username,
        };
        const responses = srp.passwordClaim({ userPoolId: target.userPoolId, password, session: secret, challenge, now: new Date(ctx.clock.now()) });
        const session = out.Session;
        out = await cognitoSend(ctx, (abortSignal) =>
          client.send(
            new sdk.RespondToAuthChallengeCommand({
              ChallengeName: 'PASSWORD_VERIFIER',
              ClientId: target.clientId,
              ChallengeResponses: { ...responses },
              Session: session,
            }),
            { abortSignal },
          ),
        );
      }
    }
  } catch (err) {
    throw flowError(cognitoError(err, username), flow);
  }
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
    if (!options.newPassword) {
      throw new UserError('auth', `${username} must set a new password: the account was created with a temporary one.`, {
        code: 'NewPasswordRequired',
        hint: `Run authstack login ${username} and choose one, or pipe the new password as the second line of --password-stdin`,
      });
    }
    const proposed = await options.newPassword();
    // RespondToAuthChallenge's NEW_PASSWORD_REQUIRED answer: USERNAME and NEW_PASSWORD, with the sign-in's Session.
    const responses = { USERNAME: out.ChallengeParameters?.USER_ID_FOR_SRP ?? username, NEW_PASSWORD: proposed };
    const session = out.Session;
    try {
      out = await cognitoSend(ctx, (abortSignal) =>
        client.send(
          new sdk.RespondToAuthChallengeCommand({
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            ClientId: target.clientId,
            ChallengeResponses: responses,
            Session: session,
          }),
          { abortSignal },
        ),
      );
    } catch (err) {
      const mapped = cognitoError(err, username);
      // The policy Cognito applies may be stricter than the one recorded: its refusal is a usage error, as a piped
      // password the recorded policy refuses is.
      throw mapped.code === 'InvalidPassword' ? new UserError('usage', mapped.message, { code: mapped.code }) : mapped;
    }
  }
  if (out.ChallengeName && options.answer) out = await options.answer(out);
  if (out.ChallengeName) {
    throw new UserError('auth', `Cognito asked for the ${out.ChallengeName} challenge, which authstack does not handle.`, { code: 'ChallengeRequired' });
  }
  return toSession(username, out.AuthenticationResult, ctx.clock.now());
}

/** An app client that does not allow the flow says so as InvalidParameter; say which flag picks the other one. */
function flowError(err: UserError, flow: AuthFlow): UserError {
  if (err.code !== 'InvalidParameter' || !/flow|not enabled|not allowed/i.test(err.message)) return err;
  const other = flow === 'srp' ? 'password' : 'srp';
  return new UserError('auth', err.message, { code: err.code, hint: `The app client may not allow this sign-in flow; try --auth-flow ${other}`, cause: err });
}

/** The saved session for the target; a clear error when there is none. */
export async function requireSession(ctx: Context, target: Target): Promise<Session> {
  const session = await ctx.sessions.get(sessionKey(target));
  if (!session) {
    throw new UserError('auth', `Not logged in to ${target.name === 'custom' ? 'this target' : target.name}.`, {
      code: 'NoSession',
      hint: 'Run authstack login <email>',
    });
  }
  return session;
}

/** The session with an access token good for at least a minute, refreshed with the refresh token if needed. */
export async function freshSession(ctx: Context, target: Target, force = false): Promise<{ session: Session; refreshed: boolean }> {
  const session = await requireSession(ctx, target);
  if (!force && session.expiresAt - EXPIRY_MARGIN_MS > ctx.clock.now()) return { session, refreshed: false };
  return { session: await refresh(ctx, target, session), refreshed: true };
}

async function refresh(ctx: Context, target: Target, session: Session): Promise<Session> {
  if (!session.refreshToken) {
    throw new UserError('auth', 'The session has expired.', { code: 'SessionExpired', hint: `Run authstack login ${session.username}` });
  }
  const { client, sdk } = await cognitoClient(ctx, target);
  let out: import('@aws-sdk/client-cognito-identity-provider').InitiateAuthCommandOutput;
  try {
    const refreshToken = session.refreshToken;
    out = await cognitoSend(ctx, (abortSignal) =>
      client.send(new sdk.InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: target.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } }), {
        abortSignal,
      }),
    );
  } catch (err) {
    if (thrownName(err) === 'NotAuthorizedException') {
      throw new UserError('auth', 'The session has expired or was signed out.', { code: 'SessionExpired', hint: `Run authstack login ${session.username}` });
    }
    throw cognitoError(err, session.username);
  }
  const next = toSession(session.username, out.AuthenticationResult, ctx.clock.now(), session);
  await ctx.sessions.set(sessionKey(target), next);
  return next;
}

/** Signs out everywhere in Cognito. Returns false when Cognito could not be told (the caller still forgets). */
export async function globalSignOut(ctx: Context, target: Target, session: Session): Promise<{ ok: boolean; reason?: string }> {
  try {
    const { client, sdk } = await cognitoClient(ctx, target);
    await cognitoSend(ctx, (abortSignal) => client.send(new sdk.GlobalSignOutCommand({ AccessToken: session.accessToken }), { abortSignal }));
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: cognitoError(err).message };
  }
}
