/**
 * The narrow AWS interfaces deploy, status, logs and destroy use, made from the context's factory for one
 * region. Each service's SDK module loads only when first used.
 */
import type { AwsFactory } from '../core/aws.js';
import type { Context } from '../core/context.js';
import { UserError, errorLine, isUserError } from '../core/errors.js';
import { awsError } from '../aws/errors.js';

/** A factory for `region`: the context's own when it already targets it, else one with the same settings. */
function factoryFor(aws: AwsFactory, region: string | undefined): AwsFactory {
  if (!region || region === aws.settings.region) return aws;
  return aws.withRegion(region);
}

/** Flag, then config file, then the SDK's chain (AWS_REGION, the profile). */
export async function resolveRegion(ctx: Context, configured?: string): Promise<{ region: string; aws: AwsFactory }> {
  const wanted = ctx.global.region ?? configured;
  const aws = factoryFor(ctx.aws, wanted);
  return { region: wanted ?? (await aws.resolveRegion()), aws };
}

export async function services(aws: AwsFactory) {
  const [{ cloudFormation }, { lambda }] = await Promise.all([import('../aws/cloudformation.js'), import('../aws/lambda.js')]);
  return {
    cfn: await cloudFormation(aws),
    lambda: await lambda(aws),
    acm: async () => (await import('../aws/acm.js')).acm(aws),
    route53: async () => (await import('../aws/route53.js')).route53(aws),
    logs: async () => (await import('../aws/logs.js')).logs(aws),
    cognitoAdmin: async () => (await import('../aws/cognito-admin.js')).cognitoAdmin(aws),
    /** The artifact bucket; loaded only when a deploy has something to publish. */
    s3: async () => (await import('../aws/s3.js')).s3(aws),
    /** The credentials' account (STS GetCallerIdentity), for the artifact bucket's name. */
    accountId: async () => (await (await import('../aws/sts.js')).sts(aws)).accountId(),
  };
}

/**
 * What a deploy needs from the AWS settings before it asks or builds anything: a region (flag, config file, the
 * SDK's chain) and credentials the SDK's chain can load (no call to AWS is made). Each one missing is one problem.
 */
export async function checkAwsSettings(ctx: Context, configured?: string): Promise<{ region?: string; problems: UserError[] }> {
  const problems: UserError[] = [];
  let region = ctx.global.region ?? configured;
  if (!region) {
    try {
      region = await ctx.aws.resolveRegion();
    } catch (err) {
      problems.push(isUserError(err) ? err : awsError(err, 'find the region', ctx.aws.settings));
    }
  }
  try {
    const client = await factoryFor(ctx.aws, region).cloudformation();
    await client.config.credentials();
  } catch (err) {
    problems.push(awsError(err, 'load the credentials', ctx.aws.settings));
  }
  return { region, problems };
}

/** One problem as it is; several as one usage error listing each, so one run shows everything to fix. */
export function missingSettings(problems: readonly UserError[], doing: string): UserError | undefined {
  if (problems.length === 0) return undefined;
  if (problems.length === 1) return problems[0];
  return new UserError('usage', `Cannot ${doing}: ${problems.map((p, i) => `(${i + 1}) ${errorLine(p)}`).join(' ')}`, {
    code: 'MissingSettings',
    details: { problems: problems.map((p) => ({ code: p.code, message: errorLine(p) })) },
  });
}
