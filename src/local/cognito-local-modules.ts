/**
 * The parts of cognito-local 5.3 the local Cognito is composed from, loaded lazily and typed by the narrow
 * shapes we use. We deliberately skip its `createDefaultServer`: that loads aws-sdk v2 (for Lambda triggers),
 * @aws-crypto (for the custom email sender) and express, which together triple the start-up time, and it sends
 * codes to a console box instead of our mailbox.
 */

export interface CognitoLocalContext {
  readonly logger: CognitoLocalLogger;
}

export interface CognitoLocalLogger {
  child(bindings: unknown): CognitoLocalLogger;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface Attribute {
  Name: string;
  Value?: string;
}

export interface LocalUser {
  Attributes: Attribute[];
  Enabled: boolean;
  Username: string;
  UserStatus: string;
  Password: string;
  ConfirmationCode?: string;
  RefreshTokens: string[];
  UserLastModifiedDate: Date;
  [key: string]: unknown;
}

export type { PasswordPolicy } from '../core/password-policy.js';
import type { PasswordPolicy } from '../core/password-policy.js';

interface UserPoolOptions {
  Id: string;
  UsernameAttributes?: string[];
  AutoVerifiedAttributes?: string[];
  Policies?: { PasswordPolicy?: PasswordPolicy & { TemporaryPasswordValidityDays?: number } };
  [key: string]: unknown;
}

export interface AppClient {
  ClientId: string;
  UserPoolId: string;
  ExplicitAuthFlows?: string[];
  PreventUserExistenceErrors?: string;
  AccessTokenValidity?: number;
  TokenValidityUnits?: { AccessToken?: string };
  [key: string]: unknown;
}

export interface UserPoolService {
  readonly options: UserPoolOptions;
  getUserByUsername(ctx: CognitoLocalContext, username: string): Promise<LocalUser | null>;
  getUserByRefreshToken(ctx: CognitoLocalContext, refreshToken: string): Promise<LocalUser | null>;
  listUsers(ctx: CognitoLocalContext): Promise<LocalUser[]>;
  saveUser(ctx: CognitoLocalContext, user: LocalUser): Promise<void>;
  listUserGroupMembership(ctx: CognitoLocalContext, user: LocalUser): Promise<readonly string[]>;
  listGroups(ctx: CognitoLocalContext): Promise<readonly { GroupName: string }[]>;
  storeRefreshToken(ctx: CognitoLocalContext, refreshToken: string, user: LocalUser): Promise<void>;
}

interface CognitoService {
  getUserPool(ctx: CognitoLocalContext, userPoolId: string): Promise<UserPoolService>;
  getUserPoolForClientId(ctx: CognitoLocalContext, clientId: string): Promise<UserPoolService>;
  getAppClient(ctx: CognitoLocalContext, clientId: string): Promise<AppClient | null>;
}

export type MessageSource = 'AdminCreateUser' | 'Authentication' | 'ForgotPassword' | 'ResendCode' | 'SignUp' | 'UpdateUserAttribute' | 'VerifyUserAttribute';

interface DeliveryDetails {
  AttributeName: string;
  DeliveryMedium: string;
  Destination: string;
}

interface Messages {
  deliver(
    ctx: CognitoLocalContext,
    source: MessageSource,
    clientId: string | null,
    userPoolId: string,
    user: LocalUser,
    code: string,
    clientMetadata: Record<string, string> | undefined,
    deliveryDetails: DeliveryDetails,
  ): Promise<void>;
}

export interface TokenSet {
  AccessToken: string;
  IdToken: string;
  RefreshToken: string;
}

export interface TokenGenerator {
  generate(
    ctx: CognitoLocalContext,
    user: LocalUser,
    groups: readonly string[],
    client: AppClient,
    clientMetadata: Record<string, string> | undefined,
    source: string,
  ): Promise<TokenSet>;
}

export type Route = (ctx: CognitoLocalContext, req: unknown) => Promise<unknown>;

export interface Services {
  clock: { get(): Date };
  cognito: CognitoService;
  config: Record<string, unknown>;
  messages: Messages;
  otp: () => string;
  tokenGenerator: TokenGenerator;
  triggers: { enabled(trigger: string): boolean };
}

export interface CognitoLocalModules {
  Router: (services: Services) => (target: string) => Route;
  CognitoError: new (code: string, message: string) => Error & { code: string };
  UnsupportedError: new (message?: string) => Error;
  createCognitoService(dataDirectory: string, clock: { get(): Date }, ctx: CognitoLocalContext): Promise<CognitoService>;
  createTokenGenerator(clock: { get(): Date }, triggers: Services['triggers'], issuerDomain: string): TokenGenerator;
  attributesAppend(attributes: Attribute[] | undefined, ...toAppend: Attribute[]): Attribute[];
  publicJwk: Record<string, string>;
  publicKeyPem: string;
  /** cognito-local's signing key (public in its package: the local stack signs nothing secret). */
  privateKeyPem: string;
}

let loading: Promise<CognitoLocalModules> | undefined;

/** Imports only the cognito-local modules we compose (once per process). */
export function loadCognitoLocal(): Promise<CognitoLocalModules> {
  loading ??= load();
  return loading;
}

async function load(): Promise<CognitoLocalModules> {
  // Deep imports: cognito-local has no "exports" map, and its index pulls in the default server we avoid.
  const [router, errors, cognitoService, userPoolService, stormDb, tokenGenerator, keys, privateKey] = await Promise.all([
    import('cognito-local/lib/server/Router.js'),
    import('cognito-local/lib/errors.js'),
    import('cognito-local/lib/services/cognitoService.js'),
    import('cognito-local/lib/services/userPoolService.js'),
    import('cognito-local/lib/services/dataStore/stormDb.js'),
    import('cognito-local/lib/services/tokenGenerator.js'),
    import('cognito-local/lib/keys/cognitoLocal.public.json', { with: { type: 'json' } }),
    import('cognito-local/lib/keys/cognitoLocal.private.json', { with: { type: 'json' } }),
  ]);
  const publicKey = keys.default as unknown as { jwk: Record<string, string>; pem: string };
  // biome-ignore lint/suspicious/noExplicitAny: crossing into untyped CJS
  type Any = any;
  return {
    Router: router.Router as unknown as CognitoLocalModules['Router'],
    CognitoError: errors.CognitoError as unknown as CognitoLocalModules['CognitoError'],
    UnsupportedError: errors.UnsupportedError as unknown as CognitoLocalModules['UnsupportedError'],
    async createCognitoService(dataDirectory, clock, ctx) {
      const dataStores = new stormDb.StormDBDataStoreFactory(dataDirectory);
      const factory = new cognitoService.CognitoServiceFactoryImpl(
        dataDirectory,
        dataStores,
        new userPoolService.UserPoolServiceFactoryImpl(clock as Any, dataStores),
      );
      return (await factory.create(ctx as Any, {} as Any)) as unknown as CognitoService;
    },
    createTokenGenerator(clock, triggers, issuerDomain) {
      return new tokenGenerator.JwtTokenGenerator(clock as Any, triggers as Any, {
        IssuerDomain: issuerDomain,
      }) as unknown as TokenGenerator;
    },
    attributesAppend: userPoolService.attributesAppend as unknown as CognitoLocalModules['attributesAppend'],
    publicJwk: publicKey.jwk,
    publicKeyPem: publicKey.pem,
    privateKeyPem: (privateKey.default as unknown as { pem: string }).pem,
  };
}
