/** The codes the local Cognito "emails" (into the mailbox), and how Cognito reports where they went. */
import { randomInt } from 'node:crypto';

import type { CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider';

import type { LocalUser, MessageSource, UserPoolService } from '../cognito-local-modules.js';
import type { OperationContext } from './context.js';
import { InvalidParameterException } from './errors.js';

/** Cognito's password reset codes are valid for one hour. */
export const RESET_CODE_VALIDITY_MS = 60 * 60 * 1000;
/** Kept on the local user record beside cognito-local's ConfirmationCode: when the reset code was sent. */
export const RESET_CODE_SENT_AT = 'ResetCodeSentAt';

/** A six-digit code like Cognito's; cognito-local's own honours a `CODE` env var we don't want to inherit. */
export const newCode = (): string => randomInt(0, 1_000_000).toString().padStart(6, '0');

/** Cognito reports where a code went as `a***@e***`. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***@${email[at + 1] ?? ''}***`;
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value);
}

/** What a client that hides users is told when no code went anywhere: what it would be told if one had. */
export function simulatedDelivery(username: unknown): { CodeDeliveryDetails: CodeDeliveryDetailsType } {
  return { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: maskEmail(String(username ?? '')) } };
}

/** Sends a new code to the user's email and keeps it on the user; where it went, masked as Cognito masks it. */
export async function deliverCode(
  c: OperationContext,
  pool: UserPoolService,
  source: MessageSource,
  clientId: string,
  user: LocalUser,
  metadata: Record<string, string> | undefined,
  extra: Partial<LocalUser> = {},
): Promise<CodeDeliveryDetailsType> {
  const email = user.Attributes.find((a) => a.Name === 'email')?.Value;
  if (!email) throw new InvalidParameterException('User has no attribute matching desired auto verified attributes');
  const code = newCode();
  const details = { AttributeName: 'email', DeliveryMedium: 'EMAIL' as const, Destination: email };
  await c.services.messages.deliver(c.ctx, source, clientId, pool.options.Id, user, code, metadata, details);
  await pool.saveUser(c.ctx, { ...user, ...extra, ConfirmationCode: code, UserLastModifiedDate: c.services.clock.get() });
  return { ...details, Destination: maskEmail(email) };
}
