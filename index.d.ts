// The authstack package's public types: route handlers and the configuration. Hand-written so that an installed
// package needs no other type package; test/unit/public-api.test-d.ts checks them against the source's.

/** The claims of the token API Gateway's Cognito authorizer admitted, flattened to strings (`cognito:groups`: "a,b"). */
export type AuthorizerClaims = Readonly<Record<string, string>>;

/** The REST API's Lambda proxy event (payload format 1.0) as a route's handler receives it. */
export interface RouteEvent {
  body: string | null;
  headers: Record<string, string | undefined>;
  multiValueHeaders: Record<string, string[] | undefined>;
  httpMethod: string;
  isBase64Encoded: boolean;
  path: string;
  pathParameters: Record<string, string | undefined> | null;
  queryStringParameters: Record<string, string | undefined> | null;
  multiValueQueryStringParameters: Record<string, string[] | undefined> | null;
  stageVariables: Record<string, string | undefined> | null;
  /** The route's declared path, such as `/notes/{id}`. */
  resource: string;
  requestContext: {
    accountId: string;
    apiId: string;
    /** On a protected route, the admitted token's claims. */
    authorizer: { claims: AuthorizerClaims } | null | undefined;
    httpMethod: string;
    path: string;
    protocol: string;
    requestId: string;
    requestTimeEpoch: number;
    resourceId: string;
    resourcePath: string;
    stage: string;
    identity: { sourceIp: string; userAgent: string | null; [key: string]: unknown };
    [key: string]: unknown;
  };
}

/** What a route's handler returns. */
export interface RouteResult {
  statusCode: number;
  headers?: { [header: string]: boolean | number | string };
  multiValueHeaders?: { [header: string]: Array<boolean | number | string> };
  body: string;
  isBase64Encoded?: boolean;
}

/** The Lambda context object. */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
  [key: string]: unknown;
}

/** A route's handler, as `"handler": "api/notes.ts#get"` names it. */
export type RouteHandler = (event: RouteEvent, context: LambdaContext) => Promise<RouteResult>;

/** Who may call a route. */
export type RouteAccess = 'public' | 'signed-in' | { readonly scopes: readonly string[] } | { readonly groups: readonly string[] };

export interface RouteConfig {
  /** `<file relative to the project>#<export>`, e.g. `api/notes.ts#get`. */
  readonly handler: string;
  readonly access: RouteAccess;
}

export interface ResourceServerConfig {
  readonly name?: string;
  /** Scope name → description; a route asks for `<identifier>/<scope name>`. */
  readonly scopes: Readonly<Record<string, string>>;
}

/** The contents of authstack.config.json (every key optional; the README lists each with its default). */
export interface AuthstackConfig {
  $schema?: string;
  stackName?: string;
  region?: string;
  stage?: string;
  domain?: string;
  hostedZoneId?: string;
  logRetentionInDays?: 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180 | 365 | 400 | 545 | 731 | 1096 | 1827 | 2192 | 2557 | 2922 | 3288 | 3653;
  corsOrigin?: string;
  groups?: readonly string[];
  passwordPolicy?: { minimumLength?: number; requireUppercase?: boolean; requireLowercase?: boolean; requireNumbers?: boolean; requireSymbols?: boolean };
  deletionProtection?: 'ACTIVE' | 'INACTIVE';
  sesIdentityArn?: string;
  sesFromAddress?: string;
  accessTokenValidityMinutes?: number;
  idTokenValidityMinutes?: number;
  refreshTokenValidityDays?: number;
  callbackUrls?: readonly string[];
  logoutUrls?: readonly string[];
  authDomainPrefix?: string;
  memorySize?: number;
  timeout?: number;
  /** `"<METHOD> <path>"` → handler and access, e.g. `"GET /notes/{id}": { "handler": "api/notes.ts#get", "access": "signed-in" }`. */
  routes?: Readonly<Record<string, RouteConfig>>;
  /** Resource servers by identifier, for scope rules. */
  resourceServers?: Readonly<Record<string, ResourceServerConfig>>;
  /** Seconds the routes' authorizer keeps its answer per token (default 300, at most 3600; 0: not kept). */
  authorizerCacheSeconds?: number;
  /** Profile pictures: a private bucket, a CDN and the processing function (default false). */
  pictures?: boolean | { corsOrigins?: readonly string[] };
}

/** Types a configuration object (editor completion and errors); returns it unchanged. */
export declare function defineConfig(config: AuthstackConfig): AuthstackConfig;
