/**
 * The Cognito calls the API makes, and nothing else. Loaded with a dynamic `import()` by the routes that need it, so
 * that the health route never evaluates the SDK (a cold start pays for it only when Cognito is actually called).
 */
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  DeleteUserAttributesCommand,
  GetUserCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  type CodeDeliveryDetailsType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PoolConfig } from './config.js';

/** Per-attempt limits: a hung Cognito must become a 503 well within the Lambda timeout. */
const CONNECTION_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;
const MAX_ATTEMPTS = 2;

export interface CodeDelivery {
  destination: string | null;
  deliveryMedium: string | null;
  attributeName: string | null;
}

export interface SignUpResult {
  userSub: string;
  userConfirmed: boolean;
  codeDeliveryDetails: CodeDelivery | null;
}

export interface UserProfile {
  username: string;
  attributes: Record<string, string>;
}

const clients = new Map<string, CognitoIdentityProviderClient>();

/** One client per (region, endpoint): created on first use and reused by every later invocation. */
function client(pool: PoolConfig): CognitoIdentityProviderClient {
  const key = `${pool.region}\n${pool.cognitoEndpoint ?? ''}\n${pool.credentials?.accessKeyId ?? ''}`;
  let c = clients.get(key);
  if (!c) {
    c = new CognitoIdentityProviderClient({
      region: pool.region,
      ...(pool.cognitoEndpoint ? { endpoint: pool.cognitoEndpoint } : {}),
      ...(pool.credentials ? { credentials: pool.credentials } : {}),
      maxAttempts: MAX_ATTEMPTS,
      // Without throwOnRequestTimeout, @smithy/node-http-handler 4 only logs a warning when requestTimeout passes, and a
      // Cognito that accepts the connection but never answers would hang the invocation until the Lambda timeout.
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
    clients.set(key, c);
  }
  return c;
}

function delivery(d: CodeDeliveryDetailsType | undefined): CodeDelivery | null {
  if (!d) return null;
  return {
    destination: d.Destination ?? null,
    deliveryMedium: d.DeliveryMedium ?? null,
    attributeName: d.AttributeName ?? null,
  };
}

/** Sends with an abort signal bounded by the time the invocation has left. */
function options(deadlineMs: number | undefined): { abortSignal?: AbortSignal } {
  return deadlineMs === undefined ? {} : { abortSignal: AbortSignal.timeout(Math.max(1, deadlineMs)) };
}

export async function signUp(pool: PoolConfig, input: { username: string; password: string }, deadlineMs?: number): Promise<SignUpResult> {
  const out = await client(pool).send(new SignUpCommand({ ClientId: pool.clientId, Username: input.username, Password: input.password }), options(deadlineMs));
  return {
    userSub: out.UserSub ?? '',
    userConfirmed: out.UserConfirmed === true,
    codeDeliveryDetails: delivery(out.CodeDeliveryDetails),
  };
}

export async function confirmSignUp(pool: PoolConfig, input: { username: string; code: string }, deadlineMs?: number): Promise<void> {
  await client(pool).send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: input.username, ConfirmationCode: input.code }), options(deadlineMs));
}

export async function resendConfirmationCode(pool: PoolConfig, input: { username: string }, deadlineMs?: number): Promise<CodeDelivery | null> {
  const out = await client(pool).send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: input.username }), options(deadlineMs));
  return delivery(out.CodeDeliveryDetails);
}

export async function getUser(pool: PoolConfig, accessToken: string, deadlineMs?: number): Promise<UserProfile> {
  const out = await client(pool).send(new GetUserCommand({ AccessToken: accessToken }), options(deadlineMs));
  const attributes: Record<string, string> = {};
  for (const a of out.UserAttributes ?? []) {
    if (a.Name) attributes[a.Name] = a.Value ?? '';
  }
  return { username: out.Username ?? '', attributes };
}

/** Removes attributes of the signed-in user (DELETE /user/picture clears `picture`). */
export async function deleteUserAttributes(pool: PoolConfig, accessToken: string, names: string[], deadlineMs?: number): Promise<void> {
  await client(pool).send(new DeleteUserAttributesCommand({ AccessToken: accessToken, UserAttributeNames: names }), options(deadlineMs));
}
