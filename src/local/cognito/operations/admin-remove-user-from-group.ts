/** AdminRemoveUserFromGroup: as AdminAddUserToGroup, ResourceNotFoundException for a group the pool lacks. */
import type { AdminRemoveUserFromGroupCommandInput, AdminRemoveUserFromGroupCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { requireGroup } from '../groups.js';

export const adminRemoveUserFromGroup: Operation<AdminRemoveUserFromGroupCommandInput, AdminRemoveUserFromGroupCommandOutput> = async (c, input) => {
  await requireGroup(c, input.UserPoolId, input.GroupName);
  return (await c.local('AdminRemoveUserFromGroup', input)) as Omit<AdminRemoveUserFromGroupCommandOutput, '$metadata'>;
};
