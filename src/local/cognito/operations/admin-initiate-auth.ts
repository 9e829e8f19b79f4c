/**
 * AdminInitiateAuth: ADMIN_USER_PASSWORD_AUTH (and its old name ADMIN_NO_SRP_AUTH) with Cognito's checks and what
 * follows a proved password (a new password, a TOTP code or setup, or tokens); cognito-local's for the rest, with the
 * token fields Cognito's result has.
 */
import type { AdminInitiateAuthCommandInput, AdminInitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { afterPassword, unknownUser } from '../auth.js';
import { stringMap, type Operation } from '../context.js';
import { NotAuthorizedException, PasswordResetRequiredException, ResourceNotFoundException } from '../errors.js';
import { preAuthentication } from '../trigger-points.js';

type Output = Omit<AdminInitiateAuthCommandOutput, '$metadata'>;

export const adminInitiateAuth: Operation<AdminInitiateAuthCommandInput, AdminInitiateAuthCommandOutput> = async (c, input) => {
  if (input.AuthFlow !== 'ADMIN_USER_PASSWORD_AUTH' && input.AuthFlow !== 'ADMIN_NO_SRP_AUTH') {
    return c.recordIssued((await c.local('AdminInitiateAuth', input)) as Output);
  }
  const client = await c.appClient(input.ClientId);
  if (client.UserPoolId !== input.UserPoolId) throw new ResourceNotFoundException(`User pool client ${client.ClientId} does not exist.`);
  const params = stringMap(input.AuthParameters);
  const pool = await c.poolById(input.UserPoolId);
  const user = await c.findUser(pool, params.USERNAME);
  if (!user) throw unknownUser(client);
  if (!user.Enabled) throw new NotAuthorizedException('User is disabled.');
  if (user.UserStatus === 'RESET_REQUIRED') throw new PasswordResetRequiredException();
  await preAuthentication(c.triggers, pool.options.Id, user, client.ClientId, input.ClientMetadata);
  if (params.PASSWORD !== user.Password) throw new NotAuthorizedException();
  return c.recordIssued((await afterPassword(c, pool, user, client)) as Output);
};
