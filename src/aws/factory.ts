import { UserError } from '../core/errors.js';
import type { AwsFactory, AwsSettings } from '../core/aws.js';


export function createAwsFactory(settings: AwsSettings): AwsFactory {
  const cache = new Map<string, Promise<unknown>>();
  const base = () => ({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    maxAttempts: settings.maxAttempts ?? 5,
    // A connection that opens and then never answers must fail (and be retried), not hang the command: without
    // throwOnRequestTimeout the SDK's HTTP handler only logs a warning when requestTimeout passes.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
  });
  function once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let client = cache.get(key) as Promise<T> | undefined;
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  }
  const factory: AwsFactory = {
    settings,
    cloudformation: () => once('cfn', async () => new (await import('@aws-sdk/client-cloudformation')).CloudFormationClient(base())),
    lambda: () => once('lambda', async () => new (await import('@aws-sdk/client-lambda')).LambdaClient(base())),
    cognito: ({ endpoint, region, local } = {}) =>
      once(`cognito:${endpoint ?? ''}:${region ?? ''}:${local ? 'local' : ''}`, async () => {
        const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
        return new CognitoIdentityProviderClient({
          ...base(),
          ...(endpoint ? { endpoint } : {}),
          ...(region ? { region } : {}),
          ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 } : {}),
        });
      }),
    acm: (region) =>
      once(`acm:${region ?? ''}`, async () => new (await import('@aws-sdk/client-acm')).ACMClient({ ...base(), ...(region ? { region } : {}) })),
    route53: () => once('route53', async () => new (await import('@aws-sdk/client-route-53')).Route53Client(base())),
    logs: () => once('logs', async () => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient(base())),
    withRegion: (region) => createAwsFactory({ ...settings, region }),
    resolveRegion: async () => {
      const client = await factory.cloudformation();
      try {
        return await client.config.region();
      } catch {
        throw new UserError('usage', 'No AWS region is set.', { code: 'NoRegion', hint: 'Pass --region, or set AWS_REGION' });
      }
    },
  };
  return factory;
}
