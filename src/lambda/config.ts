import { ENV } from './types.js';
import { MisconfiguredError } from './errors.js';

/** The handler's configuration, read from the environment on every invocation (cheap, and never stale). */
export interface LambdaConfig {
  readonly region: string | undefined;
  readonly userPoolId: string | undefined;
  readonly clientId: string | undefined;
  /** Cognito endpoint override (a local Cognito); undefined means the SDK's regional default. */
  readonly cognitoEndpoint: string | undefined;
  /** Token issuer override; default `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  readonly tokenIssuer: string | undefined;
  /** JWKS location override; default `<issuer>/.well-known/jwks.json`. */
  readonly jwksUri: string | undefined;
  /** Allowed CORS origin; default `*`. Undefined when the configured value could not be a header value. */
  readonly corsOrigin: string | undefined;
  /** Seconds a profile answer may be served from memory, as configured (see `profileCacheTtlMs`). */
  readonly profileCacheSeconds: string | undefined;
  /** The pictures bucket; undefined when pictures are off. */
  readonly picturesBucket: string | undefined;
  readonly picturesUrl: string | undefined;
  /** S3 endpoint override (the local S3); with it, the credentials in the same environment sign. */
  readonly s3Endpoint: string | undefined;
  readonly s3Credentials: Credentials | undefined;
  /** Beside a Cognito endpoint override (the local Cognito): the credentials in the same environment sign. */
  readonly cognitoCredentials: Credentials | undefined;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What the Cognito routes need: all present, or `MisconfiguredError`. */
export interface PoolConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly cognitoEndpoint: string | undefined;
  readonly credentials: Credentials | undefined;
}

interface TokenIssuer {
  readonly issuer: string;
  readonly jwksUri: string;
}

export interface TokenConfig {
  /** Accepted issuers, each with where its signing keys are published. */
  readonly issuers: readonly TokenIssuer[];
  readonly clientId: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/**
 * Only beside an endpoint override: on AWS the SDK finds the role's credentials itself. Locally they come from the
 * environment the handler was given, which is not the process's when dev runs the handler in its own thread.
 */
function endpointCredentials(env: Env, endpoint: string): Credentials | undefined {
  const accessKeyId = value(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = value(env, 'AWS_SECRET_ACCESS_KEY');
  const sessionToken = value(env, 'AWS_SESSION_TOKEN');
  if (!value(env, endpoint) || !accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export function readConfig(env: Env = process.env): LambdaConfig {
  const cors = value(env, ENV.corsOrigin) ?? '*';
  return {
    region: value(env, ENV.region),
    userPoolId: value(env, ENV.userPoolId),
    clientId: value(env, ENV.clientId),
    cognitoEndpoint: value(env, ENV.cognitoEndpoint),
    tokenIssuer: value(env, ENV.tokenIssuer),
    jwksUri: value(env, ENV.jwksUri),
    // A value with control characters or spaces would let the environment inject headers; refuse it outright.
    corsOrigin: /^[\x21-\x7e]+$/.test(cors) ? cors : undefined,
    profileCacheSeconds: value(env, ENV.profileCacheSeconds),
    picturesBucket: value(env, ENV.picturesBucket),
    picturesUrl: value(env, ENV.picturesUrl)?.replace(/\/+$/, ''),
    s3Endpoint: value(env, ENV.s3Endpoint),
    s3Credentials: endpointCredentials(env, ENV.s3Endpoint),
    cognitoCredentials: endpointCredentials(env, ENV.cognitoEndpoint),
  };
}

/** The longest a sign-out may go unseen, bounded well inside an access token's shortest life (5 minutes). */
const MAX_PROFILE_CACHE_SECONDS = 60;

/** How long the profile route may serve an answer from memory: the configured seconds, or 10 s by default. */
export function profileCacheTtlMs(config: LambdaConfig, defaultMs: number): number {
  if (config.profileCacheSeconds === undefined) return defaultMs;
  const seconds = Number(config.profileCacheSeconds);
  if (!/^\d+(\.\d+)?$/.test(config.profileCacheSeconds) || seconds > MAX_PROFILE_CACHE_SECONDS) {
    throw new MisconfiguredError(`${ENV.profileCacheSeconds} must be a number of seconds from 0 to ${MAX_PROFILE_CACHE_SECONDS}`);
  }
  return seconds * 1000;
}

export function poolConfig(config: LambdaConfig): PoolConfig {
  const missing = [
    [ENV.region, config.region],
    [ENV.userPoolId, config.userPoolId],
    [ENV.clientId, config.clientId],
  ]
    .filter(([, v]) => !v)
    .map(([name]) => name);
  if (missing.length > 0) throw new MisconfiguredError(`missing environment variable(s): ${missing.join(', ')}`);
  return {
    region: config.region!,
    userPoolId: config.userPoolId!,
    clientId: config.clientId!,
    cognitoEndpoint: config.cognitoEndpoint,
    credentials: config.cognitoCredentials,
  };
}

/**
 * Without an override, both issuer formats Cognito can put in `iss` are accepted: the original
 * `cognito-idp.<region>` one and the newer `issuer-cognito-idp.<region>` one (aws-jwt-verify's CognitoJwtVerifier
 * does the same). An override names the single issuer a local Cognito uses.
 */
export function tokenConfig(config: LambdaConfig): TokenConfig {
  const pool = poolConfig(config);
  const issuers = config.tokenIssuer
    ? [config.tokenIssuer.replace(/\/+$/, '')]
    : ['cognito-idp', 'issuer-cognito-idp'].map((host) => `https://${host}.${pool.region}.amazonaws.com/${pool.userPoolId}`);
  return {
    issuers: issuers.map((issuer) => ({ issuer, jwksUri: config.jwksUri ?? `${issuer}/.well-known/jwks.json` })),
    clientId: pool.clientId,
  };
}
