import { UserError } from '../core/errors.js';
import type { AwsFactory, AwsSettings } from '../core/aws.js';

export function createAwsFactory(settings: AwsSettings): AwsFactory {
  const cache = new Map<string, Promise<unknown>>();
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = () => ({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    maxAttempts: settings.maxAttempts ?? 5,
    // A connection that opens and then never answers must fail (and be retried), not hang the command: without
    // throwOnRequestTimeout the SDK's HTTP handler only logs a warning when requestTimeout passes.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
  function once<T extends Sendable>(key: string, make: () => Promise<T>): Promise<T> {
    let client = cache.get(key) as Promise<T> | undefined;
    if (!client) {
      client = make().then((made) => watched(made, settings, timeoutMs));
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
    acm: (region) => once(`acm:${region ?? ''}`, async () => new (await import('@aws-sdk/client-acm')).ACMClient({ ...base(), ...(region ? { region } : {}) })),
    route53: () => once('route53', async () => new (await import('@aws-sdk/client-route-53')).Route53Client(base())),
    logs: () => once('logs', async () => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient(base())),
    s3: () => once('s3', async () => new (await import('@aws-sdk/client-s3')).S3Client({ ...base(), ...(settings.endpoint ? { forcePathStyle: true } : {}) })),
    sts: () => once('sts', async () => new (await import('@aws-sdk/client-sts')).STSClient(base())),
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

/** Per attempt; the SDK's own default is to wait for ever on an open connection that never answers. */
const DEFAULT_TIMEOUT_MS = 30_000;

type Sendable = { send(command: unknown, options?: unknown): Promise<unknown> };

/**
 * Every call of the client is tied to Ctrl-C (the settings' signal) and reported when slow. Each call links its
 * own controller to the signal and unlinks it when done, so a long deploy's many calls never pile listeners onto it.
 */
function watched<T extends Sendable>(client: T, settings: AwsSettings, timeoutMs: number): T {
  const send = client.send.bind(client);
  client.send = (async (command: { constructor: { name: string } }, options?: { abortSignal?: AbortSignal }) => {
    const signals = [settings.signal, options?.abortSignal].filter((s): s is AbortSignal => s !== undefined);
    const controller = new AbortController();
    const abort = () => controller.abort();
    for (const s of signals) {
      if (s.aborted) controller.abort();
      else s.addEventListener('abort', abort, { once: true });
    }
    let done: (() => void) | undefined;
    const slow = settings.onSlowCall
      ? setTimeout(() => {
          const service = String((client as { config?: { serviceId?: string } }).config?.serviceId ?? 'AWS');
          done = settings.onSlowCall!({ service, operation: command.constructor.name.replace(/Command$/, ''), limitMs: timeoutMs });
        }, 1000)
      : undefined;
    slow?.unref();
    try {
      return await send(command, { ...options, abortSignal: controller.signal });
    } finally {
      clearTimeout(slow);
      done?.();
      for (const s of signals) s.removeEventListener('abort', abort);
    }
  }) as T['send'];
  return client;
}
