import type { Context } from '../core/context.js';
import { UserError } from '../core/errors.js';
import type { Target } from '../core/targets.js';

/** Values that override the recorded target (from the commands' flags; each also has an environment variable). */
export interface TargetOverrides {
  apiUrl?: string;
  userPoolId?: string;
  userPoolClientId?: string;
  cognitoEndpoint?: string;
}

/**
 * The stack the auth commands talk to: flags over environment over the target recorded in `.authstack/` by
 * `authstack dev` or `authstack deploy`.
 */
export async function resolveTarget(ctx: Context, flags: TargetOverrides, needs: { api?: boolean; cognito?: boolean } = {}): Promise<Target> {
  const recorded = await ctx.state.target(ctx.global.target);
  const env = ctx.env;
  const apiUrl = flags.apiUrl ?? env.AUTHSTACK_API_URL;
  const clientId = flags.userPoolClientId ?? env.AUTHSTACK_USER_POOL_CLIENT_ID;
  const userPoolId = flags.userPoolId ?? env.AUTHSTACK_USER_POOL_ID;
  const cognitoEndpoint = flags.cognitoEndpoint ?? env.AUTHSTACK_COGNITO_ENDPOINT;
  const overridden = [apiUrl, clientId, userPoolId, cognitoEndpoint].some((v) => v !== undefined);
  // The kind says whose Cognito this is (the local one has a mailbox and takes dummy credentials), so it
  // stays the recorded one unless the Cognito endpoint itself is pointed elsewhere.
  const sameCognito = recorded !== undefined && (cognitoEndpoint === undefined || cognitoEndpoint === recorded.cognitoEndpoint);
  const target: Target = {
    name: recorded && !overridden ? recorded.name : 'custom',
    kind: sameCognito ? recorded.kind : 'aws',
    apiUrl: (apiUrl ?? recorded?.apiUrl ?? '').replace(/\/+$/, ''),
    region: ctx.global.region ?? recorded?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '',
    userPoolId: userPoolId ?? recorded?.userPoolId ?? '',
    clientId: clientId ?? recorded?.clientId ?? '',
    cognitoEndpoint: cognitoEndpoint ?? recorded?.cognitoEndpoint,
    localDataDir: sameCognito ? recorded.localDataDir : undefined,
    stackName: recorded?.stackName,
    customDomainUrl: apiUrl === undefined ? recorded?.customDomainUrl : undefined,
    hostedUi: sameCognito ? recorded.hostedUi : undefined,
    passwordPolicy: sameCognito && (userPoolId === undefined || userPoolId === recorded.userPoolId) ? recorded.passwordPolicy : undefined,
  };
  if (needs.api && !target.apiUrl) throw noTarget('an API URL', '--api-url');
  if (needs.cognito) {
    if (!target.clientId) throw noTarget('a user pool client id', '--user-pool-client-id');
    if (!target.region && !target.cognitoEndpoint) {
      throw new UserError('usage', 'No AWS region for Cognito.', { code: 'NoRegion', hint: 'Pass --region or set AWS_REGION' });
    }
  }
  return target;
}

function noTarget(what: string, flag: string): UserError {
  return new UserError('usage', `No target: authstack does not know ${what} to use.`, {
    code: 'NoTarget',
    hint: `Start the local stack with "authstack dev", deploy with "authstack deploy", or pass ${flag}`,
  });
}

/** A short description of the target for progress lines, e.g. `local (http://127.0.0.1:3000)`. */
export function describeTarget(target: Target): string {
  return target.name === 'custom' ? target.apiUrl || target.clientId : `${target.name} (${target.apiUrl})`;
}
