import type { OperationContext } from './context.js';
import { ResourceNotFoundException } from './errors.js';

/** The pool's group a group call names, as Cognito checks it: ResourceNotFoundException when it has none such. */
export async function requireGroup(c: OperationContext, userPoolId: unknown, groupName: unknown): Promise<void> {
  const pool = await c.poolById(userPoolId);
  // Not getGroupByGroupName: it fails on a pool that has no groups at all.
  const groups = await pool.listGroups(c.ctx);
  if (!groups.some((g) => g.GroupName === groupName)) throw new ResourceNotFoundException('Group not found.');
}
