/**
 * AdminInitiateAuth: ADMIN_USER_PASSWORD_AUTH (and its old name ADMIN_NO_SRP_AUTH) with Cognito's checks and what
 * follows a proved password (a new password, a TOTP code or setup, or tokens); cognito-local's for the rest, with the
 * token fields Cognito's result has.
 */
import type { AdminInitiateAuthCommandInput, AdminInitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { passwordSignIn } from '../auth.js';
import { stringMap, type Operation } from '../context.js';
import { ResourceNotFoundException } from '../errors.js';

type Output = Omit<AdminInitiateAuthCommandOutput, '$metadata'>;

export const adminInitiateAuth: Operation<AdminInitiateAuthCommandInput, AdminInitiateAuthCommandOutput> = async (c, input) => {
  if (input.AuthFlow !== 'ADMIN_USER_PASSWORD_AUTH' && input.AuthFlow !== 'ADMIN_NO_SRP_AUTH') {
    return c.recordIssued((await c.local('AdminInitiateAuth', input)) as Output);
  }
  const client = await c.appClient(input.ClientId);
  if (client.UserPoolId !== input.UserPoolId) throw new ResourceNotFoundException(`User pool client ${client.ClientId} does not exist.`);
  const params = stringMap(input.AuthParameters);
  const pool = await c.poolById(input.UserPoolId);
  return c.recordIssued((await passwordSignIn(c, pool, client, params, input.ClientMetadata)) as Output);
};
