/** ForgotPassword: a reset code by email, valid for an hour (hidden users get a pretend delivery). */
import type { ForgotPasswordCommandInput, ForgotPasswordCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { RESET_CODE_SENT_AT, maskEmail, simulatedDelivery } from '../codes.js';
import type { Operation } from '../context.js';
import { UserNotFoundException } from '../errors.js';

export const forgotPassword: Operation<ForgotPasswordCommandInput, ForgotPasswordCommandOutput> = async (c, input) => {
  const pool = await c.poolForClient(input.ClientId);
  const user = await c.findUser(pool, input.Username);
  if (!user?.Enabled) {
    if (await c.hidesUsers(input.ClientId)) return simulatedDelivery(input.Username);
    if (!user) throw new UserNotFoundException('Username/client id combination not found.');
  }
  const result = (await c.local('ForgotPassword', { ...input, Username: user.Username })) as Omit<ForgotPasswordCommandOutput, '$metadata'>;
  // When the code was sent, for ConfirmForgotPassword's expiry check.
  const sent = await pool.getUserByUsername(c.ctx, user.Username);
  if (sent) await pool.saveUser(c.ctx, { ...sent, [RESET_CODE_SENT_AT]: c.now() });
  if (result.CodeDeliveryDetails?.Destination) {
    result.CodeDeliveryDetails = { ...result.CodeDeliveryDetails, Destination: maskEmail(result.CodeDeliveryDetails.Destination) };
  }
  return result;
};
