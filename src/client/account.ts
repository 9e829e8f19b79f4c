/**
 * The signed-in user's own account, through Cognito's public APIs (no IAM credentials): forgotten password,
 * reset with the emailed code, password change, and deleting the account. The same calls locally and on AWS.
 */
import type { Context } from '../core/context.js';
import { UserError, errorMessage, thrownName } from '../core/errors.js';
import type { Target } from '../core/targets.js';
import { cognitoClient, cognitoError, cognitoSend } from './auth.js';
import { isRecord } from '../core/files.js';

/** Where Cognito says it sent a code (`destination` masked: a***@e***); all null when it does not say. */
export interface CodeDelivery {
  destination: string | null;
  deliveryMedium: string | null;
  attributeName: string | null;
}

/** Cognito's reasons for refusing a code or a new password, as one line and what to do next. */
function accountError(err: unknown, email?: string): UserError {
  const name = thrownName(err) ?? '';
  const message = errorMessage(err);
  const who = email ?? '<email>';
  switch (name) {
    case 'CodeMismatchException':
      return new UserError('auth', 'The code is wrong.', { code: 'CodeMismatch', hint: `Check it, or ask for a new one: authstack password forgot ${who}` });
    case 'ExpiredCodeException':
      return new UserError('auth', 'The code has expired.', { code: 'ExpiredCode', hint: `Ask for a new one: authstack password forgot ${who}` });
    case 'InvalidPasswordException':
      return new UserError('auth', `The new password is too weak: ${message.replace(/^Password did not conform with policy:\s*/i, '')}`, {
        code: 'InvalidPassword',
      });
    case 'LimitExceededException':
      return new UserError('aws', `Cognito refused: ${message}`, { code: 'LimitExceeded', hint: 'Too many attempts; wait a while and try again' });
  }
  return cognitoError(err, email);
}

type Sdk = typeof import('@aws-sdk/client-cognito-identity-provider');

async function send<T>(ctx: Context, target: Target, email: string | undefined, make: (sdk: Sdk) => unknown): Promise<T> {
  const { client, sdk } = await cognitoClient(ctx, target);
  try {
    return (await cognitoSend(ctx, (abortSignal) => client.send(make(sdk) as never, { abortSignal }))) as T;
  } catch (err) {
    throw accountError(err, email);
  }
}

/**
 * ForgotPassword. With PreventUserExistenceErrors (the template's and the local client's setting), Cognito answers
 * the same for an address it does not know, so the result cannot say whether a code was really sent.
 */
export async function forgotPassword(ctx: Context, target: Target, email: string): Promise<CodeDelivery> {
  const out = await send<{ CodeDeliveryDetails?: { Destination?: string; DeliveryMedium?: string; AttributeName?: string } }>(
    ctx,
    target,
    email,
    (sdk) => new sdk.ForgotPasswordCommand({ ClientId: target.clientId, Username: email }),
  );
  const d = out.CodeDeliveryDetails;
  return { destination: d?.Destination ?? null, deliveryMedium: d?.DeliveryMedium ?? null, attributeName: d?.AttributeName ?? null };
}

export async function confirmForgotPassword(ctx: Context, target: Target, email: string, code: string, password: string): Promise<void> {
  await send(
    ctx,
    target,
    email,
    (sdk) => new sdk.ConfirmForgotPasswordCommand({ ClientId: target.clientId, Username: email, ConfirmationCode: code, Password: password }),
  );
}

export async function changePassword(ctx: Context, target: Target, accessToken: string, previous: string, proposed: string): Promise<void> {
  await send(
    ctx,
    target,
    undefined,
    (sdk) => new sdk.ChangePasswordCommand({ AccessToken: accessToken, PreviousPassword: previous, ProposedPassword: proposed }),
  );
}

/** DeleteUser: the user deletes their own account with their access token. */
export async function deleteOwnAccount(ctx: Context, target: Target, accessToken: string): Promise<void> {
  await send(ctx, target, undefined, (sdk) => new sdk.DeleteUserCommand({ AccessToken: accessToken }));
}

/** The claims of a JWT, read without verifying it (for display only: nothing is trusted on them). */
export function readClaims(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return isRecord(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}
