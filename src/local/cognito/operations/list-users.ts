/** ListUsers: cognito-local returns every user at once; Cognito pages them (Limit at most 60, PaginationToken). */
import type { ListUsersCommandInput, ListUsersCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { InvalidParameterException } from '../errors.js';

type Output = Omit<ListUsersCommandOutput, '$metadata'>;

export const listUsers: Operation<ListUsersCommandInput, ListUsersCommandOutput> = async (c, input) => {
  const limit = input.Limit === undefined ? 60 : Number(input.Limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 60) throw new InvalidParameterException('Limit must be between 1 and 60.');
  const start = input.PaginationToken === undefined ? 0 : Number(Buffer.from(String(input.PaginationToken), 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new InvalidParameterException('Invalid PaginationToken.');
  const { Users = [] } = (await c.local('ListUsers', { UserPoolId: input.UserPoolId, Filter: input.Filter })) as Output;
  const end = start + limit;
  return { Users: Users.slice(start, end), ...(end < Users.length ? { PaginationToken: Buffer.from(String(end)).toString('base64url') } : {}) };
};
