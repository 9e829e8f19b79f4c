/**
 * The `users` commands' reach into the user pool: Cognito's admin APIs, with IAM credentials on AWS, or the local
 * Cognito's (which takes dummy credentials) for `authstack dev`.
 */
import type { Context } from '../core/context.js';
import { UserError } from '../core/errors.js';
import type { Target } from '../core/targets.js';
import { userAdminApi, type PoolUser, type UserAdminApi } from '../aws/cognito-admin.js';

export async function userAdmin(ctx: Context, target: Target): Promise<UserAdminApi> {
  if (!target.userPoolId) {
    throw new UserError('usage', 'No target: authstack does not know a user pool id to use.', {
      code: 'NoTarget',
      hint: 'Start the local stack with "authstack dev", deploy with "authstack deploy", or pass --user-pool-id',
    });
  }
  const client = await ctx.aws.cognito({ endpoint: target.cognitoEndpoint, region: target.region || undefined, local: target.kind === 'local' });
  return userAdminApi(client, target.userPoolId, { ...ctx.aws.settings, region: target.region || ctx.aws.settings.region });
}

/** AdminGetUser calls in flight at once for `users list`: well inside Cognito's per-operation request rate. */
export const MFA_LOOKUPS_AT_ONCE = 5;

/**
 * The listed users with their MFA. ListUsers does not return it, so on a pool with MFA optional or required each
 * user is read with AdminGetUser, a few at a time; on a pool with MFA off nobody is asked for a code, every user is
 * `off` and no call is made beyond DescribeUserPool.
 */
export async function withUserMfa(admin: UserAdminApi, users: readonly PoolUser[], atOnce = MFA_LOOKUPS_AT_ONCE): Promise<PoolUser[]> {
  if (users.length === 0) return [];
  if ((await admin.poolMfa()) === 'OFF') return users.map((u) => ({ ...u, mfa: 'off' }));
  const out: PoolUser[] = users.map((u) => ({ ...u }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < out.length) {
      const user = out[next++]!;
      const mfa = await admin.userMfa(user.username);
      if (mfa) user.mfa = mfa;
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, out.length) }, worker));
  return out;
}
