/** ChangePassword: a valid access token, and a new password that meets the policy. */
import type { ChangePasswordCommandInput, ChangePasswordCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';

export const changePassword: Operation<ChangePasswordCommandInput, ChangePasswordCommandOutput> = async (c, input) => {
  const claims = await c.verifyAccessToken(input.AccessToken);
  c.checkPassword(await c.poolForClient(claims.client_id), input.ProposedPassword);
  return (await c.local('ChangePassword', input)) as Omit<ChangePasswordCommandOutput, '$metadata'>;
};
