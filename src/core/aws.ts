/**
 * What the rest of the code needs to know of the AWS client factory (`src/aws/factory.ts` makes the real one).
 * Types only: the SDK modules load when a client is first asked for.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { ACMClient } from '@aws-sdk/client-acm';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';

export interface AwsSettings {
  /** `--region`; otherwise the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's region). */
  region?: string;
  /** `--profile`; otherwise AWS_PROFILE or the default profile. */
  profile?: string;
  env: NodeJS.ProcessEnv;
  /** Attempts per call, throttling and network errors included. Default 5. */
  maxAttempts?: number;
  /**
   * How long one attempt may wait for AWS to answer before it is cut (and retried). Default 30 s; users set it
   * with `AUTHSTACK_AWS_TIMEOUT` (seconds).
   */
  timeoutMs?: number;
  /** Ctrl-C: aborts every call in flight, and every later one at once (the SDK's retries included). */
  signal?: AbortSignal;
  /**
   * Told when a call has been waiting for a second (`waiting`), and when it ends (the returned function), so the
   * CLI can show what it waits for instead of silence.
   */
  onSlowCall?: (call: { service: string; operation: string; limitMs: number }) => () => void;
  /**
   * One endpoint for every client (an AWS-compatible service on this machine, such as moto); S3 is then addressed
   * path-style. Absent: AWS's own endpoints (or the SDK's `AWS_ENDPOINT_URL`).
   */
  endpoint?: string;
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
  /** The artifact bucket's client. */
  s3(): Promise<S3Client>;
  /** For the account id only (GetCallerIdentity). */
  sts(): Promise<STSClient>;
  /** The region clients use, resolved through the SDK's chain. */
  resolveRegion(): Promise<string>;
  /** The same settings in another region (a stack that lives elsewhere than the profile's default). */
  withRegion(region: string): AwsFactory;
}
