/**
 * The stack, as one typed model: what the template is generated from, what deploy sets, what the local Cognito
 * runs and what `outputs` and `status` describe. Every default is stated here once; the configuration file
 * (`project-config.ts`) and command flags only override them, through `buildStackModel`, a pure function.
 */
import { DEFAULT_CALLBACK_URLS, DEFAULT_LOGOUT_URLS, OAUTH_SCOPES, domainLabel } from './hosted-ui.js';
import { DEFAULT_PASSWORD_POLICY } from './password-policy.js';
import {
  AUTHORIZER_TTL,
  handlerFunctionId,
  parseHandler,
  parseRouteKey,
  type ResourceServerModel,
  type ResourceServerSettings,
  type RouteAccess,
  type RouteAccessSetting,
  type RouteSettings,
} from './routes.js';
import { TRIGGER_TIMEOUT_SECONDS, triggerModels, type TriggerModel, type TriggerName, type TriggerSettings } from './triggers.js';

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** At most this many groups: the template declares one conditional resource per slot. */
export const MAX_GROUPS = 5;

/**
 * The rule each setting's value follows, once, as a whole-value pattern (source text, for a template parameter's
 * AllowedPattern and for a RegExp alike): the template's parameters, the configuration file's check and deploy's
 * flags all apply these.
 */
export const VALUE_PATTERNS = {
  stage: '^[A-Za-z0-9_-]{1,128}$',
  domain: '^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
  hostedZoneId: '^Z[A-Z0-9]{1,31}$',
  corsOrigin: '^(\\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)$',
  group: '^[\\w+=.@-]{1,128}$',
  sesIdentityArn: '^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/.+$',
  sesFromAddress: '^[^\\r\\n]*@[^\\r\\n]+$',
} as const;

/** A value pattern as a RegExp. */
export function valueRule(name: keyof typeof VALUE_PATTERNS): RegExp {
  return new RegExp(VALUE_PATTERNS[name]);
}

export interface PasswordPolicySettings {
  readonly minimumLength: number;
  readonly requireUppercase: boolean;
  readonly requireLowercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
  /** How long an invited user's temporary password works. */
  readonly temporaryPasswordValidityDays: number;
}

/** The configuration's words for MFA (`mfa`, `--mfa`), and Cognito's for the same settings. */
export const MFA_SETTINGS = ['off', 'optional', 'required'] as const;
export type MfaSetting = (typeof MFA_SETTINGS)[number];
export type MfaConfiguration = 'OFF' | 'OPTIONAL' | 'ON';
export const MFA_CONFIGURATION: Readonly<Record<MfaSetting, MfaConfiguration>> = { off: 'OFF', optional: 'OPTIONAL', required: 'ON' };

export interface PoolSettings {
  /** ACTIVE refuses deletion of the pool until it is set to INACTIVE. */
  readonly deletionProtection: 'ACTIVE' | 'INACTIVE';
  readonly passwordPolicy: PasswordPolicySettings;
  /** Multi-factor sign-in with an authenticator app (TOTP): not offered (OFF, the default), OPTIONAL or required (ON). */
  readonly mfa: MfaConfiguration;
  /** Users sign in with their email address, which Cognito verifies. */
  readonly usernameAttributes: readonly ['email'];
  /** A verified SES identity sends the emails; absent: Cognito's own sender. */
  readonly ses?: { readonly identityArn: string; readonly fromAddress?: string };
}

export interface ClientSettings {
  readonly accessTokenValidityMinutes: number;
  readonly idTokenValidityMinutes: number;
  readonly refreshTokenValidityDays: number;
  readonly explicitAuthFlows: readonly string[];
  readonly preventUserExistenceErrors: 'ENABLED';
  readonly enableTokenRevocation: true;
  /** The hosted sign-in's grant: the authorization code (with PKCE, which Cognito honours for any public client). */
  readonly oauthFlows: readonly ['code'];
  readonly oauthScopes: readonly string[];
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
}

interface HostedSignInSettings {
  /** The user pool domain's prefix; absent: `<domainLabel>-<account id>`. */
  readonly domainPrefix?: string;
  /** The stack's part of the default prefix (from the stack name). */
  readonly domainLabel: string;
}

/** A declared function: its code is built on its own and shipped as an asset. */
export interface FunctionModel {
  /** Unique within the stack; `api` is the built-in API. */
  readonly id: string;
  /** The source the bundle is built from, relative to the package (or project) root. */
  readonly entry: string;
  /** `<file>.<export>` inside the bundle, as Lambda names it. */
  readonly handler: string;
  /** Extra environment variables (the stack's own, such as the pool id, are added by whoever runs it). */
  readonly environment: Readonly<Record<string, string>>;
  /** MB. */
  readonly memorySize: number;
  /** Seconds. */
  readonly timeout: number;
  /**
   * A project's own handler: the file (relative to the project) and export it runs, and the group rule of each route
   * it serves (`<METHOD> <path>` → groups; empty: no group rule), which the handler wrapper checks.
   */
  readonly source?: { readonly file: string; readonly export: string; readonly groups: Readonly<Record<string, readonly string[]>> };
  /**
   * A Cognito trigger's function: the trigger it runs. Its bundle is the handler file as it is (no HTTP wrapper), and
   * it gets no pool id in its environment (the event carries it; the pool's LambdaConfig names the function).
   */
  readonly trigger?: TriggerName;
}

/** An API route: a method and path of the REST API, proxied to a function. */
export interface RouteModel {
  /** `ANY` for every method. */
  readonly method: string;
  /** `/` or an API Gateway path such as `/{proxy+}`. */
  readonly path: string;
  readonly functionId: string;
  /** A project's own route: who may call it (absent: the built-in API, which checks tokens itself). */
  readonly access?: RouteAccess;
  /** A project's own route: the handler as the configuration names it (`api/notes.ts#get`). */
  readonly handler?: string;
}

/** The outputs a deployed stack has (`CustomDomainUrl` only while it has a custom domain). */
const STACK_OUTPUTS = [
  'ApiUrl',
  'CustomDomainUrl',
  'UserPoolId',
  'UserPoolClientId',
  'SignInUrl',
  'AuthDomainUrl',
  'OidcIssuer',
  'CallbackUrls',
  'LogoutUrls',
  'Region',
  'FunctionName',
  'LogGroupName',
] as const;
export type StackOutputName = (typeof STACK_OUTPUTS)[number];

/** The outputs that describe the hosted sign-in: both targets' `outputs` have them. */
export const HOSTED_SIGN_IN_OUTPUTS = ['SignInUrl', 'AuthDomainUrl', 'OidcIssuer', 'CallbackUrls', 'LogoutUrls'] as const satisfies readonly StackOutputName[];

export interface StackModel {
  readonly stackName: string;
  /** Absent: the AWS settings' region (profile, environment). */
  readonly region?: string;
  readonly stage: string;
  /** A custom domain for the API; the hosted zone is looked up when not given. */
  readonly domain?: { readonly name: string; readonly hostedZoneId?: string };
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetentionInDays: LogRetentionDays;
  /** `*` or one origin. */
  readonly corsOrigin: string;
  readonly pool: PoolSettings;
  readonly client: ClientSettings;
  readonly hostedSignIn: HostedSignInSettings;
  readonly groups: readonly string[];
  /** The first is the built-in API (`api`). */
  readonly functions: readonly FunctionModel[];
  readonly routes: readonly RouteModel[];
  /** The OAuth 2.0 APIs whose custom scopes routes may ask for; their scopes join the app client's. */
  readonly resourceServers: readonly ResourceServerModel[];
  /** The Cognito authorizer of the project's routes: seconds its answer is kept per token (0: not kept). */
  readonly authorizer: { readonly resultTtlInSeconds: number };
  /** The project's Cognito triggers, each run by a function of `functions`. */
  readonly triggers: readonly TriggerModel[];
  readonly outputs: readonly StackOutputName[];
  /** Profile pictures (a private bucket, a CDN, the processing function); absent when off. */
  readonly pictures?: PicturesModel;
}

/** Profile pictures, when on. */
interface PicturesModel {
  /** Origins a browser may upload from (the bucket's CORS rule). */
  readonly corsOrigins: readonly string[];
  /** The processing function (its own bundle, fired by the bucket's notification). */
  readonly function: FunctionModel;
}

/** The `pictures` setting as an object (`true` is `{}`). */
interface PicturesSettings {
  /** Origins a browser may upload from. Default: `corsOrigin` when it names one, else the callback URLs' origins. */
  readonly corsOrigins?: readonly string[];
}

export const PICTURES_FUNCTION_ID = 'pictures';
/** The processing function: decoding a 12 MP photo in WebAssembly wants memory (and the CPU that comes with it). */
const PICTURES_DEFAULTS = { entry: 'src/functions/pictures/handler.ts', handler: 'index.handler', memorySize: 1024, timeout: 60 } as const;

/** The built-in API function's id. */
export const API_FUNCTION_ID = 'api';

/** The defaults, once. */
export const DEFAULTS = {
  stackName: 'authstack',
  stage: 'prod',
  throttling: { rateLimit: 50, burstLimit: 100 },
  logRetentionInDays: 7,
  corsOrigin: '*',
  pool: {
    deletionProtection: 'ACTIVE',
    passwordPolicy: {
      minimumLength: DEFAULT_PASSWORD_POLICY.MinimumLength,
      requireUppercase: DEFAULT_PASSWORD_POLICY.RequireUppercase,
      requireLowercase: DEFAULT_PASSWORD_POLICY.RequireLowercase,
      requireNumbers: DEFAULT_PASSWORD_POLICY.RequireNumbers,
      requireSymbols: DEFAULT_PASSWORD_POLICY.RequireSymbols,
      temporaryPasswordValidityDays: 7,
    },
    mfa: 'OFF',
    usernameAttributes: ['email'],
  },
  client: {
    accessTokenValidityMinutes: 60,
    idTokenValidityMinutes: 60,
    refreshTokenValidityDays: 30,
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    preventUserExistenceErrors: 'ENABLED',
    enableTokenRevocation: true,
    oauthFlows: ['code'],
    oauthScopes: OAUTH_SCOPES,
    callbackUrls: DEFAULT_CALLBACK_URLS,
    logoutUrls: DEFAULT_LOGOUT_URLS,
  },
  api: { entry: 'src/lambda/handler.ts', handler: 'index.handler', memorySize: 256, timeout: 10 },
} as const satisfies {
  stackName: string;
  stage: string;
  throttling: StackModel['throttling'];
  logRetentionInDays: LogRetentionDays;
  corsOrigin: string;
  pool: PoolSettings;
  client: ClientSettings;
  api: Omit<FunctionModel, 'id' | 'environment'>;
};

/** What a project may set: each absent value takes its default. The config file and flags produce one of these. */
export interface StackSettings {
  stackName?: string;
  region?: string;
  stage?: string;
  domain?: string;
  hostedZoneId?: string;
  logRetentionInDays?: LogRetentionDays;
  corsOrigin?: string;
  groups?: readonly string[];
  passwordPolicy?: Partial<Omit<PasswordPolicySettings, 'temporaryPasswordValidityDays'>>;
  deletionProtection?: 'ACTIVE' | 'INACTIVE';
  /** Two-factor sign-in with TOTP. Default `off`. */
  mfa?: MfaSetting;
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
  /** The project's own routes, `<METHOD> <path>` → handler and access. */
  routes?: Readonly<Record<string, RouteSettings>>;
  /** Resource servers by identifier, for scope rules. */
  resourceServers?: Readonly<Record<string, ResourceServerSettings>>;
  /** Seconds the routes' authorizer keeps its answer per token (default 300, at most 3600; 0 turns it off). */
  authorizerCacheSeconds?: number;
  /** Profile pictures on (`true` or settings) or off (`false`, the default). */
  pictures?: boolean | PicturesSettings;
  /** The project's Cognito triggers: trigger name → handler (`auth/pre-sign-up.ts#handler`). */
  triggers?: TriggerSettings;
}

/** Layers of settings as one (later ones win, key by key, the password policy's rules too). */
export function buildStackSettings(...layers: readonly StackSettings[]): StackSettings {
  const s: StackSettings = {};
  for (const { passwordPolicy, ...rest } of layers) {
    // `--pictures` (true) turns pictures on without dropping the configuration's settings for them.
    const keepPictures = rest.pictures === true && typeof s.pictures === 'object' ? s.pictures : undefined;
    Object.assign(s, definedOnly(rest));
    if (keepPictures) s.pictures = keepPictures;
    if (passwordPolicy) s.passwordPolicy = { ...s.passwordPolicy, ...definedOnly(passwordPolicy) };
  }
  return s;
}

/** The model for these settings (later ones win, key by key): pure, so the template and the local stack agree. */
export function buildStackModel(...layers: readonly StackSettings[]): StackModel {
  const s = buildStackSettings(...layers);
  const stackName = s.stackName ?? DEFAULTS.stackName;
  const domain = s.domain ? { name: s.domain, ...(s.hostedZoneId ? { hostedZoneId: s.hostedZoneId } : {}) } : undefined;
  const resourceServers: ResourceServerModel[] = Object.entries(s.resourceServers ?? {}).map(([identifier, server]) => ({
    identifier,
    name: server.name ?? identifier,
    scopes: Object.entries(server.scopes).map(([name, description]) => ({ name, description })),
  }));
  const user = userRoutes(s.routes ?? {}, { memorySize: s.memorySize ?? DEFAULTS.api.memorySize, timeout: s.timeout ?? DEFAULTS.api.timeout });
  const triggers = triggerModels(s.triggers);
  const ses = s.sesIdentityArn ? { identityArn: s.sesIdentityArn, ...(s.sesFromAddress ? { fromAddress: s.sesFromAddress } : {}) } : undefined;
  return {
    stackName,
    ...(s.region ? { region: s.region } : {}),
    stage: s.stage ?? DEFAULTS.stage,
    ...(domain ? { domain } : {}),
    throttling: { ...DEFAULTS.throttling },
    logRetentionInDays: s.logRetentionInDays ?? DEFAULTS.logRetentionInDays,
    corsOrigin: s.corsOrigin ?? DEFAULTS.corsOrigin,
    pool: {
      deletionProtection: s.deletionProtection ?? DEFAULTS.pool.deletionProtection,
      passwordPolicy: { ...DEFAULTS.pool.passwordPolicy, ...s.passwordPolicy },
      mfa: s.mfa ? MFA_CONFIGURATION[s.mfa] : DEFAULTS.pool.mfa,
      usernameAttributes: DEFAULTS.pool.usernameAttributes,
      ...(ses ? { ses } : {}),
    },
    client: {
      ...DEFAULTS.client,
      oauthScopes: [...DEFAULTS.client.oauthScopes, ...resourceServers.flatMap((r) => r.scopes.map((scope) => `${r.identifier}/${scope.name}`))],
      accessTokenValidityMinutes: s.accessTokenValidityMinutes ?? DEFAULTS.client.accessTokenValidityMinutes,
      idTokenValidityMinutes: s.idTokenValidityMinutes ?? DEFAULTS.client.idTokenValidityMinutes,
      refreshTokenValidityDays: s.refreshTokenValidityDays ?? DEFAULTS.client.refreshTokenValidityDays,
      callbackUrls: [...(s.callbackUrls ?? DEFAULTS.client.callbackUrls)],
      logoutUrls: [...(s.logoutUrls ?? DEFAULTS.client.logoutUrls)],
    },
    hostedSignIn: { ...(s.authDomainPrefix ? { domainPrefix: s.authDomainPrefix } : {}), domainLabel: domainLabel(stackName) },
    groups: [...(s.groups ?? [])],
    functions: [
      {
        id: API_FUNCTION_ID,
        entry: DEFAULTS.api.entry,
        handler: DEFAULTS.api.handler,
        environment: {},
        memorySize: s.memorySize ?? DEFAULTS.api.memorySize,
        timeout: s.timeout ?? DEFAULTS.api.timeout,
      },
      ...user.functions,
      ...triggers.map((t) => triggerFunction(t, s.memorySize ?? DEFAULTS.api.memorySize)),
    ],
    // The built-in API is one proxy: its handler routes its paths itself. The project's routes follow.
    routes: [{ method: 'ANY', path: '/', functionId: API_FUNCTION_ID }, { method: 'ANY', path: '/{proxy+}', functionId: API_FUNCTION_ID }, ...user.routes],
    resourceServers,
    authorizer: { resultTtlInSeconds: s.authorizerCacheSeconds ?? AUTHORIZER_TTL.default },
    triggers,
    outputs: [...STACK_OUTPUTS],
    ...(s.pictures ? { pictures: picturesModel(s) } : {}),
  };
}

function picturesModel(s: StackSettings): PicturesModel {
  const settings = typeof s.pictures === 'object' ? s.pictures : {};
  const corsOrigin = s.corsOrigin ?? DEFAULTS.corsOrigin;
  const callbackOrigins = (s.callbackUrls ?? DEFAULTS.client.callbackUrls).map((u) => new URL(u).origin);
  const corsOrigins = settings.corsOrigins ?? (corsOrigin !== '*' ? [corsOrigin] : [...new Set(callbackOrigins)]);
  return {
    corsOrigins: [...corsOrigins],
    function: { id: PICTURES_FUNCTION_ID, ...PICTURES_DEFAULTS, environment: {} },
  };
}

function accessOf(setting: RouteAccessSetting): RouteAccess {
  if (setting === 'public' || setting === 'signed-in') return { kind: setting };
  return 'scopes' in setting ? { kind: 'scopes', scopes: [...setting.scopes] } : { kind: 'groups', groups: [...setting.groups] };
}

/** The project's routes and the functions they imply: one per handler export, in the order first named. */
function userRoutes(
  routes: Readonly<Record<string, RouteSettings>>,
  limits: { memorySize: number; timeout: number },
): { functions: FunctionModel[]; routes: RouteModel[] } {
  const functions = new Map<string, { file: string; export: string; groups: Record<string, readonly string[]> }>();
  const out: RouteModel[] = [];
  for (const [key, route] of Object.entries(routes)) {
    const parsed = parseRouteKey(key);
    const source = parseHandler(route.handler);
    if (!parsed || !source) continue;
    const id = handlerFunctionId(route.handler);
    const access = accessOf(route.access);
    const fn = functions.get(id) ?? { ...source, groups: {} };
    fn.groups[`${parsed.method} ${parsed.path}`] = access.kind === 'groups' ? access.groups : [];
    functions.set(id, fn);
    out.push({ method: parsed.method, path: parsed.path, functionId: id, access, handler: route.handler });
  }
  const fns = [...functions].map(
    ([id, source]): FunctionModel => ({
      id,
      entry: source.file,
      handler: `index.${source.export}`,
      environment: {},
      memorySize: limits.memorySize,
      timeout: limits.timeout,
      source,
    }),
  );
  return { functions: fns, routes: out };
}

/** A trigger's function: the handler file bundled as it is, with Cognito's time limit as its timeout. */
function triggerFunction(trigger: TriggerModel, memorySize: number): FunctionModel {
  const source = parseHandler(trigger.handler)!;
  return {
    id: trigger.functionId,
    entry: source.file,
    handler: `index.${source.export}`,
    environment: {},
    memorySize,
    timeout: TRIGGER_TIMEOUT_SECONDS,
    trigger: trigger.name,
  };
}

/** The entries whose value is set: an absent setting and one set to undefined both keep the layer below. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The model with every default: what a project without a configuration file deploys and runs. */
export function defaultStackModel(): StackModel {
  return buildStackModel();
}

/** The built-in API function of a model. */
export function apiFunction(model: StackModel): FunctionModel {
  const fn = model.functions.find((f) => f.id === API_FUNCTION_ID);
  if (!fn) throw new Error('the stack model has no api function');
  return fn;
}

/** The pool's password policy in Cognito's spelling (`PasswordPolicyType`). */
export function cognitoPasswordPolicy(policy: PasswordPolicySettings) {
  return {
    MinimumLength: policy.minimumLength,
    RequireUppercase: policy.requireUppercase,
    RequireLowercase: policy.requireLowercase,
    RequireNumbers: policy.requireNumbers,
    RequireSymbols: policy.requireSymbols,
    TemporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
  };
}
