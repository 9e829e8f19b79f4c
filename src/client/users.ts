/**
 * The `users` commands' reach into the user pool: Cognito's admin APIs, with IAM credentials on AWS, or the local
 * Cognito's (which takes dummy credentials) for `authstack dev`.
 */
import type { Context } from '../core/context.js';
import { UserError } from '../core/errors.js';
import type { Target } from '../core/targets.js';
import { userAdminApi, type UserAdminApi } from '../aws/cognito-admin.js';

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
