/**
 * The API Gateway REST proxy integration contract (payload format 1.0), as far as authstack uses it.
 * Shared by the Lambda handler and the local gateway (`src/local/gateway.ts`), which builds these events.
 */
export interface ProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: ProxyRequestContext;
  body: string | null;
  isBase64Encoded: boolean;
}

export interface ProxyRequestContext {
  requestId: string;
  stage: string;
  httpMethod: string;
  path: string;
  resourcePath?: string;
  accountId?: string;
  apiId?: string;
  protocol?: string;
  requestTime?: string;
  requestTimeEpoch?: number;
  identity: { sourceIp: string; userAgent?: string | null; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  body: string;
  isBase64Encoded?: boolean;
}

/** The subset of the Lambda context object the handler reads. */
export interface LambdaContext {
  awsRequestId: string;
  functionName?: string;
  getRemainingTimeInMillis?: () => number;
}

export type ProxyHandler = (event: ProxyEvent, context: LambdaContext) => Promise<ProxyResult>;

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
} as const;
