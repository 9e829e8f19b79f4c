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
  const recorded = await recordedTarget(ctx);
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
    picturesUrl: apiUrl === undefined ? recorded?.picturesUrl : undefined,
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
  // Which stack a command talks to is never a guess: said once, on stderr (so --json's stdout stays one document).
  ctx.out.info(ctx.out.c.dim(`${TARGET_LINE} ${describeTarget(target)}`));
  return target;
}

/** How the line naming the target a command uses starts. */
const TARGET_LINE = 'target:';

/**
 * The recorded target the flags name: `--target`, else `--stack` (the target `deploy --stack` recorded under the
 * stack's name), else the current one. Both flags naming different stacks is a usage error.
 */
async function recordedTarget(ctx: Context): Promise<Target | undefined> {
  const { target, stack, stackExplicit } = ctx.global;
  if (!stackExplicit) return ctx.state.target(target);
  if (target !== undefined && target !== stack) {
    throw new UserError('usage', `--target ${target} and --stack ${stack} name different targets.`, { code: 'UsageError', hint: 'Pass one of them' });
  }
  const file = await ctx.state.readTargets();
  const found = file.targets[stack] ?? Object.values(file.targets).find((t) => t.stackName === stack);
  if (found) return found;
  throw new UserError('usage', `No target for the stack ${stack}: it was not deployed from this project.`, {
    code: 'UnknownTarget',
    hint: `Deploy it with "authstack deploy --stack ${stack}", or point at it with --api-url and --user-pool-client-id${
      Object.keys(file.targets).length ? ` (known targets: ${Object.keys(file.targets).join(', ')})` : ''
    }`,
  });
}

function noTarget(what: string, flag: string): UserError {
  return new UserError('usage', `No target: authstack does not know ${what} to use.`, {
    code: 'NoTarget',
    hint: `Start the local stack with "authstack dev", deploy with "authstack deploy", or pass ${flag}`,
  });
}

/** A short description of the target for progress lines, e.g. `local (http://127.0.0.1:3000)`. */
export function describeTarget(target: Target): string {
  if (target.name === 'custom') return `custom (${target.apiUrl || `client ${target.clientId}`})`;
  const what = target.kind === 'local' ? 'authstack dev' : target.stackName ? `stack ${target.stackName}` : 'deployed';
  return `${target.name} (${what}, ${target.apiUrl || `client ${target.clientId}`})`;
}
