import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { ACMClient } from '@aws-sdk/client-acm';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

export interface AwsSettings {
  /** `--region`; otherwise the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's region). */
  region?: string;
  /** `--profile`; otherwise AWS_PROFILE or the default profile. */
  profile?: string;
  env: NodeJS.ProcessEnv;
  /** Attempts per call, throttling and network errors included. Default 5. */
  maxAttempts?: number;
}

/**
 * The one place AWS clients are made: region, profile, retries and endpoints are set here. The SDK modules are
 * loaded only when a command first asks for a client, so commands that never talk to AWS start fast. Endpoint
 * overrides (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`) are honoured by the SDK itself.
 */
export interface CognitoClientOptions {
  /** Another endpoint (the local Cognito, an AWS-compatible service). */
  endpoint?: string;
  /** The region of the user pool, when it is not the settings' region. */
  region?: string;
  /**
   * Sign with dummy credentials: the local Cognito checks none, and a laptop without AWS credentials must still
   * be able to call its admin APIs.
   */
  local?: boolean;
}

export interface AwsFactory {
  readonly settings: AwsSettings;
  cloudformation(): Promise<CloudFormationClient>;
  lambda(): Promise<LambdaClient>;
  /** Cognito; see CognitoClientOptions. */
  cognito(options?: CognitoClientOptions): Promise<CognitoIdentityProviderClient>;
  acm(region?: string): Promise<ACMClient>;
  route53(): Promise<Route53Client>;
  logs(): Promise<CloudWatchLogsClient>;
  /** The region clients use, resolved through the SDK's chain. */
  resolveRegion(): Promise<string>;
  /** The same settings in another region (a stack that lives elsewhere than the profile's default). */
  withRegion(region: string): AwsFactory;
}

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
        const { UserError } = await import('../cli/errors.js');
        throw new UserError('usage', 'No AWS region is set.', { code: 'NoRegion', hint: 'Pass --region, or set AWS_REGION' });
      }
    },
  };
  return factory;
}
