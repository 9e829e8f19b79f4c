/** AdminAddUserToGroup: cognito-local's, but a group the pool lacks is ResourceNotFoundException, not an internal error. */
import type { AdminAddUserToGroupCommandInput, AdminAddUserToGroupCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { requireGroup } from '../groups.js';

export const adminAddUserToGroup: Operation<AdminAddUserToGroupCommandInput, AdminAddUserToGroupCommandOutput> = async (c, input) => {
  await requireGroup(c, input.UserPoolId, input.GroupName);
  return (await c.local('AdminAddUserToGroup', input)) as Omit<AdminAddUserToGroupCommandOutput, '$metadata'>;
};
