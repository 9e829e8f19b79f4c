/** AdminSetUserPassword: cognito-local's, with the pool's password policy checked first. */
import type { AdminSetUserPasswordCommandInput, AdminSetUserPasswordCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';

export const adminSetUserPassword: Operation<AdminSetUserPasswordCommandInput, AdminSetUserPasswordCommandOutput> = async (c, input) => {
  c.checkPassword(await c.poolById(input.UserPoolId), input.Password);
  return (await c.local('AdminSetUserPassword', input)) as Omit<AdminSetUserPasswordCommandOutput, '$metadata'>;
};
