/** ResendConfirmationCode: a new sign-up code for an unconfirmed user (hidden users get a pretend delivery). */
import type { ResendConfirmationCodeCommandInput, ResendConfirmationCodeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { deliverCode, simulatedDelivery } from '../codes.js';
import type { Operation } from '../context.js';
import { InvalidParameterException, UserNotFoundException } from '../errors.js';

export const resendConfirmationCode: Operation<ResendConfirmationCodeCommandInput, ResendConfirmationCodeCommandOutput> = async (c, input) => {
  const pool = await c.poolForClient(input.ClientId);
  const user = await c.findUser(pool, input.Username);
  if (!user?.Enabled) {
    if (await c.hidesUsers(input.ClientId)) return simulatedDelivery(input.Username);
    if (!user) throw new UserNotFoundException('Username/client id combination not found.');
  }
  if (user.UserStatus === 'CONFIRMED') throw new InvalidParameterException('User is already confirmed.');
  return { CodeDeliveryDetails: await deliverCode(c, pool, 'ResendCode', String(input.ClientId), user, input.ClientMetadata) };
};
