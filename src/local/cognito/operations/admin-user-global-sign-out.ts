/** AdminUserGlobalSignOut (not in cognito-local): GlobalSignOut on the administrator's word. */
import type { AdminUserGlobalSignOutCommandInput, AdminUserGlobalSignOutCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { UserNotFoundException } from '../errors.js';

export const adminUserGlobalSignOut: Operation<AdminUserGlobalSignOutCommandInput, AdminUserGlobalSignOutCommandOutput> = async (c, input) => {
  const pool = await c.poolById(input.UserPoolId);
  const user = await c.findUser(pool, input.Username);
  if (!user) throw new UserNotFoundException();
  const sub = user.Attributes.find((a) => a.Name === 'sub')?.Value;
  await pool.saveUser(c.ctx, { ...user, RefreshTokens: [] });
  if (sub) await c.revocations.signOut(sub, c.now());
  return {};
};
