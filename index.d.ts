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
  /** The project's Cognito triggers: trigger name → handler, e.g. `{ "preSignUp": "auth/pre-sign-up.ts#handler" }`. */
  triggers?: TriggersConfig;
}

/** The Cognito triggers authstack wires. */
export type TriggerName = 'preSignUp' | 'postConfirmation' | 'preAuthentication' | 'postAuthentication' | 'preTokenGeneration' | 'customMessage';
export type TriggersConfig = Partial<Readonly<Record<TriggerName, string>>>;

/** Types a configuration object (editor completion and errors); returns it unchanged. */
export declare function defineConfig(config: AuthstackConfig): AuthstackConfig;

// The events Cognito sends the project's triggers and the answers it reads (the Cognito developer guide's trigger pages).

/** Every trigger event's common part. */
export interface TriggerEventBase<Source extends string> {
  version: string;
  triggerSource: Source;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
}

type StringMap = Record<string, string>;

export interface PreSignUpEvent extends TriggerEventBase<'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser' | 'PreSignUp_ExternalProvider'> {
  request: { userAttributes: StringMap; validationData: StringMap | null; clientMetadata?: StringMap };
  response: { autoConfirmUser: boolean; autoVerifyEmail: boolean; autoVerifyPhone: boolean };
}

export interface PostConfirmationEvent extends TriggerEventBase<'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword'> {
  request: { userAttributes: StringMap; clientMetadata?: StringMap };
  response: Record<string, never>;
}

export interface PreAuthenticationEvent extends TriggerEventBase<'PreAuthentication_Authentication'> {
  request: { userAttributes: StringMap; validationData?: StringMap; userNotFound?: boolean };
  response: Record<string, never>;
}

export interface PostAuthenticationEvent extends TriggerEventBase<'PostAuthentication_Authentication'> {
  request: { userAttributes: StringMap; newDeviceUsed: boolean; clientMetadata?: StringMap };
  response: Record<string, never>;
}

/** A claim's value in a V2 answer: a string, number, boolean, or a list or object of them. */
export type ClaimValue = string | number | boolean | ClaimValue[] | { [key: string]: ClaimValue };

export interface PreTokenGenerationV2Event
  extends TriggerEventBase<
    | 'TokenGeneration_HostedAuth'
    | 'TokenGeneration_Authentication'
    | 'TokenGeneration_NewPasswordChallenge'
    | 'TokenGeneration_AuthenticateDevice'
    | 'TokenGeneration_RefreshTokens'
  > {
  request: {
    userAttributes: StringMap;
    scopes: string[];
    groupConfiguration: { groupsToOverride: string[]; iamRolesToOverride: string[]; preferredRole: string | null };
    clientMetadata?: StringMap;
  };
  response: {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration?: { claimsToAddOrOverride?: Record<string, ClaimValue>; claimsToSuppress?: string[] };
      accessTokenGeneration?: {
        claimsToAddOrOverride?: Record<string, ClaimValue>;
        claimsToSuppress?: string[];
        scopesToAdd?: string[];
        scopesToSuppress?: string[];
      };
      groupOverrideDetails?: { groupsToOverride?: string[]; iamRolesToOverride?: string[]; preferredRole?: string };
    } | null;
  };
}

export interface CustomMessageEvent
  extends TriggerEventBase<
    | 'CustomMessage_SignUp'
    | 'CustomMessage_AdminCreateUser'
    | 'CustomMessage_ResendCode'
    | 'CustomMessage_ForgotPassword'
    | 'CustomMessage_UpdateUserAttribute'
    | 'CustomMessage_VerifyUserAttribute'
    | 'CustomMessage_Authentication'
  > {
  request: { userAttributes: StringMap; codeParameter: string; linkParameter: string; usernameParameter: string | null; clientMetadata?: StringMap };
  response: { smsMessage: string | null; emailMessage: string | null; emailSubject: string | null };
}

/** A trigger's handler: the event in, the (changed) event out. */
export type TriggerHandler<E> = (event: E, context: unknown) => Promise<E> | E;
