/** GetUser: cognito-local's, after Cognito's token checks (dispatch makes them), in Cognito's words for a deleted user. */
import type { GetUserCommandInput, GetUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { UserNotFoundException } from '../errors.js';
import { thrownCode } from '../../../core/errors.js';

export const getUser: Operation<GetUserCommandInput, GetUserCommandOutput> = async (c, input) => {
  try {
    return (await c.local('GetUser', input)) as Omit<GetUserCommandOutput, '$metadata'>;
  } catch (error) {
    if (thrownCode(error) === 'UserNotFoundException') throw new UserNotFoundException();
    throw error;
  }
};
