/**
 * What the Lambda shares with the rest of authstack: the API Gateway REST proxy integration contract (payload
 * format 1.0), from @types/aws-lambda under the short names used here, and the environment variables the handler
 * reads. The local gateway (`src/local/gateway.ts`) builds these events and the supervisor sets these variables.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type { APIGatewayProxyEvent as ProxyEvent, APIGatewayProxyResult as ProxyResult, Context as LambdaContext };

/** The handler's shape: an async Lambda handler for the REST proxy integration (no callback). */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Environment variables the handler reads. The template sets the first two; the local stack sets the
 * overrides so the very same bundle runs against a local Cognito.
 */
export const ENV = {
  userPoolId: 'USER_POOL_ID',
  clientId: 'USER_POOL_CLIENT_ID',
  region: 'AWS_REGION',
  /** Override for the Cognito Identity Provider endpoint (local Cognito). */
  cognitoEndpoint: 'COGNITO_ENDPOINT',
  /** Override for the expected token issuer (default https://cognito-idp.<region>.amazonaws.com/<poolId>). */
  tokenIssuer: 'TOKEN_ISSUER',
  /** Override for the JWKS location (default <issuer>/.well-known/jwks.json). */
  jwksUri: 'JWKS_URI',
  /** Allowed CORS origin (default `*`). */
  corsOrigin: 'CORS_ALLOW_ORIGIN',
  /**
   * Seconds a profile answer is served from the warm function's memory per token (default 10; 0 turns the cache
   * off): the bound on how late a sign-out is seen. The local stack sets 0 unless it is set already.
   */
  profileCacheSeconds: 'PROFILE_CACHE_SECONDS',
  /** The pictures bucket; set only when the stack has pictures on (otherwise /user/picture is a 404). */
  picturesBucket: 'PICTURES_BUCKET',
  /** Base URL the processed pictures are served from (the CDN). */
  picturesUrl: 'PICTURES_URL',
  /** Override for the S3 endpoint (the local S3, path-style). */
  s3Endpoint: 'S3_ENDPOINT',
} as const;

/** The body of `GET /user/profile` (and `POST /user/profile`). */
export interface ProfileBody {
  /** Cognito's username (a UUID when email is an alias). */
  username: string;
  sub: string | null;
  email: string | null;
  email_verified: boolean;
  /** The groups the access token carries (`cognito:groups`); empty when none. */
  groups: string[];
  /** The user's other attributes. */
  attributes: Record<string, string>;
  /** The user's picture URL (null when none); present only when the stack has pictures on. */
  picture?: string | null;
}
