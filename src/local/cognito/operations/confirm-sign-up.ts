/** ConfirmSignUp: the sign-up code, once; the email it went to becomes verified (the pool auto-verifies email). */
import type { ConfirmSignUpCommandInput, ConfirmSignUpCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { CodeMismatchException, NotAuthorizedException, UserNotFoundException } from '../errors.js';

export const confirmSignUp: Operation<ConfirmSignUpCommandInput, ConfirmSignUpCommandOutput> = async (c, input) => {
  const pool = await c.poolForClient(input.ClientId);
  const user = await c.findUser(pool, input.Username);
  if (!user) {
    throw (await c.hidesUsers(input.ClientId)) ? new CodeMismatchException() : new UserNotFoundException('Username/client id combination not found.');
  }
  if (user.UserStatus === 'CONFIRMED') throw new NotAuthorizedException('User cannot be confirmed. Current status is CONFIRMED');
  if (!user.ConfirmationCode || user.ConfirmationCode !== input.ConfirmationCode) throw new CodeMismatchException();
  const result = (await c.local('ConfirmSignUp', { ...input, Username: user.Username })) as Omit<ConfirmSignUpCommandOutput, '$metadata'>;
  if (pool.options.AutoVerifiedAttributes?.includes('email')) {
    // Cognito marks the address verified: the code proved the user receives mail there.
    const confirmed = (await pool.getUserByUsername(c.ctx, user.Username)) ?? user;
    await pool.saveUser(c.ctx, {
      ...confirmed,
      Attributes: c.modules.attributesAppend(confirmed.Attributes, { Name: 'email_verified', Value: 'true' }),
    });
  }
  return result;
};
