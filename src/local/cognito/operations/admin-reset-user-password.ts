/** AdminResetUserPassword (not in cognito-local): the user must set a new password with a code, emailed as for ForgotPassword. */
import type { AdminResetUserPasswordCommandInput, AdminResetUserPasswordCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { RESET_CODE_SENT_AT, deliverCode } from '../codes.js';
import type { Operation } from '../context.js';
import { UserNotFoundException } from '../errors.js';

export const adminResetUserPassword: Operation<AdminResetUserPasswordCommandInput, AdminResetUserPasswordCommandOutput> = async (c, input) => {
  const pool = await c.poolById(input.UserPoolId);
  const user = await c.findUser(pool, input.Username);
  if (!user) throw new UserNotFoundException();
  await deliverCode(c, pool, 'ForgotPassword', '', user, input.ClientMetadata, {
    UserStatus: 'RESET_REQUIRED',
    RefreshTokens: [],
    [RESET_CODE_SENT_AT]: c.now(),
  });
  return {};
};
