/**
 * AWS failures as the user should see them: one line saying what went wrong and what to do next. The service
 * modules pass every error they do not handle themselves through `awsError`.
 */
import { UserError } from '../core/errors.js';

/** The fields of an SDK v3 error (service exception or client-side failure) that we look at. */
interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
  hostname?: string;
}

const CREDENTIALS = new Set(['CredentialsProviderError', 'TokenProviderError']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired', 'InvalidGrantException']);
const INVALID_KEYS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'AuthFailure',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'NotAuthorizedException']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function errorName(err: unknown): string {
  const e = err as SdkErrorLike | undefined;
  return e?.name && e.name !== 'Error' ? e.name : (e?.Code ?? e?.code ?? e?.name ?? '');
}

/** Where a call went, for the messages: the settings' region and profile, and the service module's name. */
export interface AwsCallSettings {
  region?: string;
  profile?: string;
  /** The service ("CloudFormation"): names the endpoint when a network error carries no host (ECONNRESET). */
  service?: string;
}

/**
 * Turns any error from an AWS call into a `UserError`; `what` names the call in words ("describe the stack").
 * An error that already is a `UserError` passes through.
 */
export function awsError(err: unknown, what: string, settings: AwsCallSettings = {}): UserError {
  if (err instanceof UserError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const name = errorName(err);
  const message = (e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const profile = settings.profile ? ` (profile ${settings.profile})` : '';
  const netCode = networkCode(err);

  if (CREDENTIALS.has(name) || /Could not load credentials|Unable to load credentials|credentials? .*not found/i.test(message)) {
    if (/sso|token is expired|session .*expired/i.test(message)) return expired(err, profile);
    return new UserError('auth', `No AWS credentials found${profile}.`, {
      code: 'NoCredentials',
      cause: err,
      hint: 'Run "aws configure" or "aws sso login", set AWS_PROFILE or pass --profile',
    });
  }
  if (EXPIRED.has(name) || /expired/i.test(name) || /(token|session|credentials?) (has |have )?expired|is expired/i.test(message)) {
    return expired(err, profile);
  }
  if (/Region is missing/i.test(message)) {
    return new UserError('usage', 'No AWS region is set.', { code: 'NoRegion', cause: err, hint: 'Pass --region, or set AWS_REGION' });
  }
  if (INVALID_KEYS.has(name)) {
    return new UserError('auth', `AWS rejected the credentials${profile}: ${message}`, {
      code: 'InvalidCredentials',
      cause: err,
      hint: 'Check the access key (aws sts get-caller-identity), or pick another profile with --profile',
    });
  }
  if (DENIED.has(name) || /is not authorized to perform/i.test(message)) {
    return new UserError('auth', `AWS denied permission to ${what}: ${message}`, {
      code: 'AccessDenied',
      cause: err,
      hint: "Use credentials whose IAM policy allows it (see the README's IAM section), or another --profile",
    });
  }
  if (THROTTLED.has(name) || e.$metadata?.httpStatusCode === 429) {
    const attempts = e.$metadata?.attempts;
    return new UserError('aws', `AWS kept throttling the request to ${what}${attempts ? ` (gave up after ${attempts} attempts)` : ''}.`, {
      code: 'Throttled',
      cause: err,
      hint: 'Wait a minute and run the command again; nothing was lost',
    });
  }
  if (netCode || name === 'TimeoutError' || name === 'RequestTimeout') {
    const endpoint = endpointOf(err, settings);
    if (netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') {
      return new UserError('network', `Cannot resolve the AWS endpoint${endpoint} to ${what}.`, {
        code: 'Unreachable',
        cause: err,
        hint: `Check that the region${settings.region ? ` "${settings.region}"` : ''} is a real AWS region, AWS_ENDPOINT_URL if you set it, and your network`,
      });
    }
    const reason = netCode === 'ECONNREFUSED' ? 'connection refused' : netCode ? netCode : 'timed out';
    return new UserError('network', `Cannot reach the AWS endpoint${endpoint} to ${what} (${reason}).`, {
      code: 'Unreachable',
      cause: err,
      hint: 'Check your network (and AWS_ENDPOINT_URL if you set it), then run the command again: it is safe to repeat',
    });
  }
  if (name) {
    return new UserError('aws', `Could not ${what}: ${name === 'ValidationError' ? '' : `${name}: `}${message}`, { code: name, cause: err });
  }
  return new UserError('aws', `Could not ${what}: ${message}`, { code: 'AwsError', cause: err });
}

function expired(err: unknown, profile: string): UserError {
  return new UserError('auth', `Your AWS session has expired${profile}.`, {
    code: 'ExpiredSession',
    cause: err,
    hint: 'Log in again ("aws sso login", or refresh the session token) and run the command again',
  });
}

/** The first value `pick` finds on the error or its causes (the SDK wraps Node's socket errors). */
function inCauses<T>(err: unknown, pick: (e: SdkErrorLike) => T | undefined): T | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const found = pick(e as SdkErrorLike);
    if (found !== undefined) return found;
    e = (e as SdkErrorLike).cause;
  }
  return undefined;
}

function networkCode(err: unknown): string | undefined {
  return inCauses(err, (e) => [e.code, e.name].find((v): v is string => typeof v === 'string' && NETWORK.has(v)));
}

/**
 * " <host>" when the error names it (DNS failures do), else " for <service> in <region>" from what the call
 * knows, so a reset connection still says which endpoint it was.
 */
function endpointOf(err: unknown, settings: AwsCallSettings): string {
  const host = inCauses(err, (e) => (typeof e.hostname === 'string' ? e.hostname : undefined));
  if (host) return ` ${host}`;
  return `${settings.service ? ` for ${settings.service}` : ''}${settings.region ? ` in ${settings.region}` : ''}`;
}

/** Runs one AWS call, mapping its failure to a `UserError`. */
export async function call<T>(what: string, fn: () => Promise<T>, settings?: AwsCallSettings): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsError(err, what, settings);
  }
}
