/** AdminInitiateAuth: cognito-local's, with the token fields Cognito's result has. */
import type { AdminInitiateAuthCommandInput, AdminInitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';

export const adminInitiateAuth: Operation<AdminInitiateAuthCommandInput, AdminInitiateAuthCommandOutput> = async (c, input) =>
  c.recordIssued((await c.local('AdminInitiateAuth', input)) as Omit<AdminInitiateAuthCommandOutput, '$metadata'>);
