/**
 * AdminRespondToAuthChallenge: the challenges RespondToAuthChallenge answers after a password (NEW_PASSWORD_REQUIRED,
 * SOFTWARE_TOKEN_MFA, MFA_SETUP), for the pool an administrator names, with the same sessions.
 */
import type { AdminRespondToAuthChallengeCommandInput, AdminRespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { InvalidParameterException, ResourceNotFoundException } from '../errors.js';
import { MFA_SETUP, SOFTWARE_TOKEN_MFA } from '../mfa.js';
import { respondToAuthChallenge } from './respond-to-auth-challenge.js';

const ANSWERED = new Set(['NEW_PASSWORD_REQUIRED', SOFTWARE_TOKEN_MFA, MFA_SETUP]);

export const adminRespondToAuthChallenge: Operation<AdminRespondToAuthChallengeCommandInput, AdminRespondToAuthChallengeCommandOutput> = async (c, input) => {
  const client = await c.appClient(input.ClientId);
  if (client.UserPoolId !== input.UserPoolId) throw new ResourceNotFoundException(`User pool client ${client.ClientId} does not exist.`);
  if (!ANSWERED.has(String(input.ChallengeName))) {
    throw new InvalidParameterException(`Not supported by the local Cognito: AdminRespondToAuthChallenge with ${String(input.ChallengeName)}`);
  }
  const { UserPoolId: _pool, ContextData: _context, ...rest } = input;
  return respondToAuthChallenge(c, rest);
};
