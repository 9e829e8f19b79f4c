/**
 * ConfirmForgotPassword: the reset code, once and within its hour, and a new password that meets the policy. With
 * no reset code outstanding (never requested, or already used) Cognito answers ExpiredCodeException whatever the
 * code; an unconfirmed user's sign-up code is no reset code.
 */
import type { ConfirmForgotPasswordCommandInput, ConfirmForgotPasswordCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { RESET_CODE_SENT_AT, RESET_CODE_VALIDITY_MS } from '../codes.js';
import type { Operation } from '../context.js';
import { CodeMismatchException, ExpiredCodeException, UserNotFoundException } from '../errors.js';

export const confirmForgotPassword: Operation<ConfirmForgotPasswordCommandInput, ConfirmForgotPasswordCommandOutput> = async (c, input) => {
  const pool = await c.poolForClient(input.ClientId);
  c.checkPassword(pool, input.Password);
  const user = await c.findUser(pool, input.Username);
  if (!user?.Enabled) {
    if (await c.hidesUsers(input.ClientId)) throw new CodeMismatchException();
    if (!user) throw new UserNotFoundException('Username/client id combination not found.');
  }
  const sentAt = user[RESET_CODE_SENT_AT];
  if (typeof sentAt !== 'number') throw new ExpiredCodeException();
  if (user.ConfirmationCode !== input.ConfirmationCode) throw new CodeMismatchException();
  if (c.now() - sentAt > RESET_CODE_VALIDITY_MS) throw new ExpiredCodeException();
  const result = (await c.local('ConfirmForgotPassword', { ...input, Username: user.Username })) as Omit<ConfirmForgotPasswordCommandOutput, '$metadata'>;
  const reset = await pool.getUserByUsername(c.ctx, user.Username);
  if (reset) await pool.saveUser(c.ctx, { ...reset, [RESET_CODE_SENT_AT]: undefined });
  return result;
};
