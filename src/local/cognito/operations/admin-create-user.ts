/**
 * AdminCreateUser: the project's pre sign-up trigger first (`PreSignUp_AdminCreateUser`; its confirm and verify
 * flags are ignored, as Cognito ignores them for an invited user), so a refusal creates no user; then cognito-local's
 * own, whose invitation goes through the custom message trigger (`CustomMessage_AdminCreateUser`).
 */
import type { AdminCreateUserCommandInput, AdminCreateUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { preSignUpForAdminCreate } from '../trigger-points.js';

export const adminCreateUser: Operation<AdminCreateUserCommandInput, AdminCreateUserCommandOutput> = async (c, input) => {
  const pool = await c.poolById(input.UserPoolId);
  // A user who exists already is refused by cognito-local (UsernameExistsException) without a trigger, as by Cognito.
  if (!(await c.findUser(pool, input.Username))) await preSignUpForAdminCreate(c.triggers, pool.options.Id, input);
  return (await c.local('AdminCreateUser', input)) as Omit<AdminCreateUserCommandOutput, '$metadata'>;
};
