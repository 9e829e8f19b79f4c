/** GlobalSignOut: every refresh token of the user, and every access token issued so far, are revoked. */
import type { GlobalSignOutCommandInput, GlobalSignOutCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { UserNotFoundException } from '../errors.js';

export const globalSignOut: Operation<GlobalSignOutCommandInput, GlobalSignOutCommandOutput> = async (c, input) => {
  const claims = await c.verifyAccessToken(input.AccessToken);
  const pool = await c.poolForClient(claims.client_id);
  const user = await pool.getUserByUsername(c.ctx, claims.username);
  if (!user) throw new UserNotFoundException();
  await pool.saveUser(c.ctx, { ...user, RefreshTokens: [] });
  await c.revocations.signOut(claims.sub, c.now());
  return {};
};
