/**
 * The narrow AWS interfaces deploy, status, logs and destroy use, made from the context's factory for one
 * region. Each service's SDK module loads only when first used.
 */
import type { AwsFactory } from '../core/aws.js';
import type { Context } from '../core/context.js';

/** A factory for `region`: the context's own when it already targets it, else one with the same settings. */
export function factoryFor(aws: AwsFactory, region: string | undefined): AwsFactory {
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
  };
}
