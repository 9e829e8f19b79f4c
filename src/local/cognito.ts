/**
 * The local Cognito: cognito-local's own services and router, composed in-process behind a small HTTP server of
 * ours, with our mailbox as the message sender and our operations (`cognito/operations/`, one file each, found
 * through `cognito/registry.ts`) in front where cognito-local differs from Cognito.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

import { newCode } from './cognito/codes.js';
import { REVOCATIONS_FILE, createOperationContext } from './cognito/context.js';
import { SerializationException, ServiceUnavailableException, UnknownOperationException, asCognitoError, type CognitoError } from './cognito/errors.js';
import { syncPoolMfa } from './cognito/pool-mfa.js';
import { LocalTriggers, withTriggerScope } from './cognito/triggers.js';
import { cognitoLocalTriggers, customMessage, preTokenGeneration } from './cognito/trigger-points.js';
import { createDispatch, type Dispatch } from './cognito/registry.js';
import {
  loadCognitoLocal,
  type CognitoLocalContext,
  type CognitoLocalLogger,
  type CognitoLocalModules,
  type MessageSource,
  type Services,
} from './cognito-local-modules.js';
import { withOrigins } from './cognito-tokens.js';
import { closeServer, listen } from './errors.js';
import { TOO_LARGE, cors, readBody, sendJsonText, splitUrl } from './http/index.js';
import { realClock } from '../core/clock.js';
import { writeFileAtomic } from '../core/files.js';
import { MAILBOX_FILE, Mailbox, type MailboxKind, type MailboxMessage } from './mailbox.js';
import { createOAuthServer, type OAuthServer, type OAuthServerOptions } from './oauth/server.js';
import type { HostedUi } from '../core/hosted-ui.js';
import { describePasswordPolicy, type PasswordPolicy } from '../core/password-policy.js';
import { cognitoPasswordPolicy, defaultStackModel, type StackModel } from '../core/stack-model.js';

/** cognito-local names its pools `local_...` and its ARNs `arn:aws:cognito-idp:local:...`; the SDK accepts it. */
export const LOCAL_REGION = 'local';

export interface LocalCognitoOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to listen on. Default `127.0.0.1`: the local stack is never reachable from the network. */
  host?: string;
  /** Where the pool, its users, the mailbox and the recorded ids live (the folder's `.authstack/local`). */
  dataDir: string;
  /** Wipe the data dir's pool, users and mailbox first, for a fresh user pool. Default false. */
  reset?: boolean;
  /** The local Cognito's time (code expiry, token times). Default: the system clock. Tests pass a fake one. */
  clock?: { get(): Date };
  /** Groups the pool must have (the template's `UserGroups`); created when missing, never removed. */
  groups?: readonly string[];
  /** Called for every message a real Cognito would have sent, once it is in the mailbox. */
  onCode?: (message: MailboxMessage) => void;
  /** The app client's hosted sign-in URLs. Default: the client's (`client`). */
  oauth?: { callbackUrls?: readonly string[]; logoutUrls?: readonly string[] };
  /** The pool's and the client's settings (`localPool`, `localClient` of the stack model). Default: the model's defaults. */
  settings?: { pool: LocalPoolSettings; client: LocalClientSettings };
  /** Called after every operation that succeeded (API, hosted pages or `dispatch`), with its name. Must not throw. */
  onOperation?: (target: string) => void;
  /** The mailbox the pool's messages go to. Default: one opened on `dataDir`. */
  mailbox?: Mailbox;
  /**
   * Serve the hosted sign-in on the same port. Default true; the local stack mounts it as a service of its own
   * (`hostedSignIn()` gives what it needs).
   */
  hostedSignIn?: boolean;
  /** The project's Cognito triggers; their function runtime is attached once it runs. Default: none. */
  triggers?: LocalTriggers;
}

/** A handler for extra routes on the local Cognito's server; false when the request is not its. */
type LocalRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface LocalCognito {
  /** The endpoint to give the Cognito Identity Provider client, e.g. `http://127.0.0.1:9229`. */
  endpoint: string;
  region: typeof LOCAL_REGION;
  userPoolId: string;
  clientId: string;
  /** The `iss` of the tokens: `http://127.0.0.1:<port>/<userPoolId>`. */
  issuer: string;
  jwksUri: string;
  mailbox: Mailbox;
  /** The hosted sign-in (OAuth 2.0 / OpenID Connect endpoints), served on `endpoint` as on a pool domain. */
  hostedUi: HostedUi;
  /** The pool's password policy (the configuration's, as deployed). */
  passwordPolicy: PasswordPolicy;
  /** Runs a Cognito operation in-process, exactly as a request to the endpoint would (errors carry Cognito's `code`). */
  dispatch(target: string, req: Record<string, unknown>): Promise<unknown>;
  /** Serves extra routes on this server, ahead of Cognito's own (the hosted sign-in, the local console). */
  mount(route: LocalRoute): void;
  /** What the hosted sign-in needs of this pool to serve its endpoints. */
  hostedSignIn(): OAuthServerOptions;
  /** The project's Cognito triggers this pool fires. */
  triggers: LocalTriggers;
  close(): Promise<void>;
}

/** The user pool's settings for the model, as CreateUserPool takes them: the deployed pool's. */
export function localPool(model: StackModel) {
  return {
    PoolName: 'authstack-local',
    UsernameAttributes: [...model.pool.usernameAttributes],
    AutoVerifiedAttributes: ['email'],
    UsernameConfiguration: { CaseSensitive: false },
    Policies: { PasswordPolicy: cognitoPasswordPolicy(model.pool.passwordPolicy) },
    Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }],
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    MfaConfiguration: model.pool.mfa,
  };
}
export type LocalPoolSettings = ReturnType<typeof localPool>;

/** The app client's settings for the model, as CreateUserPoolClient takes them: the deployed client's. */
export function localClient(model: StackModel) {
  const client = model.client;
  return {
    ClientName: 'authstack-local-cli',
    GenerateSecret: false,
    ExplicitAuthFlows: [...client.explicitAuthFlows],
    PreventUserExistenceErrors: client.preventUserExistenceErrors,
    EnableTokenRevocation: client.enableTokenRevocation,
    AccessTokenValidity: client.accessTokenValidityMinutes,
    IdTokenValidity: client.idTokenValidityMinutes,
    RefreshTokenValidity: client.refreshTokenValidityDays,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: [...client.oauthFlows],
    AllowedOAuthScopes: [...client.oauthScopes],
    SupportedIdentityProviders: ['COGNITO'],
    CallbackURLs: [...client.callbackUrls],
    LogoutURLs: [...client.logoutUrls],
  };
}
export type LocalClientSettings = ReturnType<typeof localClient>;

/** The files of the data dir, relative to it. `reset` removes exactly these. */
export const DATA_FILES = {
  cognitoDb: 'cognito',
  pool: 'pool.json',
  mailbox: MAILBOX_FILE,
  revocations: REVOCATIONS_FILE,
} as const;

interface PoolRecord {
  userPoolId: string;
  clientId: string;
}

const KINDS: Record<MessageSource, MailboxKind> = {
  SignUp: 'signup',
  ResendCode: 'resend',
  ForgotPassword: 'forgot',
  AdminCreateUser: 'admin-create',
  UpdateUserAttribute: 'update-attribute',
  VerifyUserAttribute: 'verify-attribute',
  Authentication: 'mfa',
};

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_BODY = 1024 * 1024;

export async function startLocalCognito(opts: LocalCognitoOptions): Promise<LocalCognito> {
  const host = opts.host ?? '127.0.0.1';
  const { dataDir } = opts;
  const modulesLoading = loadCognitoLocal();
  const given = opts.settings ?? defaultSettings();
  // dev's --callback-url / --logout-url win over the configuration's, on the client as on its hosted pages.
  const settings = {
    pool: given.pool,
    client: {
      ...given.client,
      CallbackURLs: [...(opts.oauth?.callbackUrls ?? given.client.CallbackURLs)],
      LogoutURLs: [...(opts.oauth?.logoutUrls ?? given.client.LogoutURLs)],
    },
  };
  if (opts.reset) await wipe(dataDir);
  await mkdir(join(dataDir, DATA_FILES.cognitoDb), { recursive: true });

  let jwks = '';
  let oauth: OAuthServer | undefined;
  const routes: LocalRoute[] = [];
  let dispatch: Dispatch | undefined;
  const server = createServer((req, res) => {
    if (routes.some((route) => route(req, res)) || oauth?.handle(req, res)) return;
    handle(req, res, dispatch, jwks);
  });
  // Longer than any client's idle timeout (undici's 4 s, browsers'), as the gateway's: the client closes an idle
  // connection first, so no request races the server closing it (a fetch-based client saw that as a network error).
  server.keepAliveTimeout = 60_000;
  const port = await listen(server, opts.port, host, 'cognito');
  const issuerDomain = `http://${host}:${port}`;

  try {
    const modules = await modulesLoading;
    const ctx: CognitoLocalContext = { logger: silentLogger };
    const clock = opts.clock ?? { get: () => new Date(realClock.now()) };
    const userTriggers = opts.triggers ?? new LocalTriggers({ triggers: [], region: LOCAL_REGION });
    // cognito-local's own targets fire pre sign-up and post confirmation through ours; its token generator fires none.
    const triggers = cognitoLocalTriggers(userTriggers);
    const mailbox = opts.mailbox ?? (await Mailbox.open(dataDir));
    const tokens = withOrigins(modules.createTokenGenerator(clock, { enabled: () => false }, issuerDomain), modules.privateKeyPem, (input) =>
      preTokenGeneration(userTriggers, input),
    );
    const services: Services = {
      clock,
      cognito: await modules.createCognitoService(join(dataDir, DATA_FILES.cognitoDb), clock, ctx),
      config: { UserPoolDefaults: {}, TokenConfig: { IssuerDomain: issuerDomain } },
      messages: {
        async deliver(_ctx, source, clientId, poolId, user, code, metadata, details) {
          // A user the pre sign-up trigger confirmed gets no sign-up code.
          if (source === 'SignUp' && user.UserStatus === 'CONFIRMED') return;
          const custom = await customMessage(userTriggers, { source, userPoolId: poolId, clientId, user, code, clientMetadata: metadata });
          const message: MailboxMessage = {
            to: details.Destination,
            username: user.Username,
            code,
            kind: KINDS[source] ?? 'signup',
            at: clock.get().toISOString(),
            ...(custom?.subject === undefined ? {} : { subject: custom.subject }),
            ...(custom?.text === undefined ? {} : { text: custom.text }),
          };
          await mailbox.deliver(message);
          opts.onCode?.(message);
        },
      },
      otp: newCode,
      tokenGenerator: tokens,
      triggers,
    };
    const hostedUi: HostedUi = {
      domainUrl: issuerDomain,
      callbackUrls: [...settings.client.CallbackURLs],
      logoutUrls: [...settings.client.LogoutURLs],
      scopes: [...settings.client.AllowedOAuthScopes],
    };
    const { userPoolId, clientId } = await ensurePool(modules, services, ctx, dataDir, settings);
    const context = await createOperationContext({ modules, services, ctx, issuer: `${issuerDomain}/${userPoolId}`, dataDir, tokens, triggers: userTriggers });
    const operations = createDispatch(context);
    for (const GroupName of opts.groups ?? []) {
      // CreateGroup would overwrite an existing group (and its creation date): only missing ones are created.
      const exists = await operations('GetGroup', { UserPoolId: userPoolId, GroupName }).then(
        () => true,
        () => false,
      );
      if (!exists) await operations('CreateGroup', { UserPoolId: userPoolId, GroupName });
    }
    const onOperation = opts.onOperation ?? (() => undefined);
    const run: Dispatch = async (target, req) => {
      const output = await operations(target, req);
      onOperation(target);
      return output;
    };
    dispatch = run;
    jwks = JSON.stringify({ keys: [modules.publicJwk] });
    const hostedSignIn = (): OAuthServerOptions => ({
      baseUrl: issuerDomain,
      issuer: `${issuerDomain}/${userPoolId}`,
      jwksUri: `${issuerDomain}/${userPoolId}/.well-known/jwks.json`,
      client: { clientId, ...hostedUi },
      // The hosted pages' calls fire the triggers as the hosted sign-in (pre token generation's HostedAuth).
      dispatch: (target, req, via) => withTriggerScope({ hosted: true, ...via }, () => run(target, req)),
      signingKeyPem: modules.privateKeyPem,
      passwordPolicy: describePasswordPolicy(settings.pool.Policies.PasswordPolicy),
      now: context.now,
    });
    if (opts.hostedSignIn !== false) oauth = createOAuthServer(hostedSignIn());
    return {
      endpoint: issuerDomain,
      region: LOCAL_REGION,
      userPoolId,
      clientId,
      issuer: `${issuerDomain}/${userPoolId}`,
      jwksUri: `${issuerDomain}/${userPoolId}/.well-known/jwks.json`,
      mailbox,
      hostedUi,
      passwordPolicy: settings.pool.Policies.PasswordPolicy,
      dispatch: run,
      mount: (route) => void routes.push(route),
      hostedSignIn,
      triggers: userTriggers,
      async close() {
        await closeServer(server);
        await mailbox.flush();
      },
    };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}

function defaultSettings(): { pool: LocalPoolSettings; client: LocalClientSettings } {
  const model = defaultStackModel();
  return { pool: localPool(model), client: localClient(model) };
}

/** Reuses the pool and client recorded in the data dir when they still exist, else creates and records them. */
async function ensurePool(
  modules: CognitoLocalModules,
  services: Services,
  ctx: CognitoLocalContext,
  dataDir: string,
  settings: { pool: LocalPoolSettings; client: LocalClientSettings },
): Promise<PoolRecord> {
  const recordFile = join(dataDir, DATA_FILES.pool);
  const route = modules.Router(services);
  const recorded = await readPoolRecord(recordFile);
  if (recorded) {
    const exists = await services.cognito.getUserPool(ctx, recorded.userPoolId).then(
      () => true,
      () => false,
    );
    const client = exists ? await services.cognito.getAppClient(ctx, recorded.clientId) : null;
    if (client?.UserPoolId === recorded.userPoolId) {
      // A data dir from an older authstack, or made with other settings, keeps its users; its pool and client take
      // today's settings (e.g. SRP allowed, the password policy and token lifetimes of the configuration).
      const { ClientName: _name, GenerateSecret: _secret, ...clientSettings } = settings.client;
      if (
        Object.entries(clientSettings).some(([key, value]) => JSON.stringify((client as unknown as Record<string, unknown>)[key]) !== JSON.stringify(value))
      ) {
        await route('UpdateUserPoolClient')(ctx, { ...clientSettings, UserPoolId: recorded.userPoolId, ClientId: recorded.clientId });
      }
      const pool = (await services.cognito.getUserPool(ctx, recorded.userPoolId)) as unknown as { options: { Policies?: unknown } };
      if (JSON.stringify(pool.options.Policies) !== JSON.stringify(settings.pool.Policies)) {
        await route('UpdateUserPool')(ctx, { UserPoolId: recorded.userPoolId, Policies: settings.pool.Policies });
      }
      const options = (await services.cognito.getUserPool(ctx, recorded.userPoolId)).options;
      await syncPoolMfa(route, ctx, recorded.userPoolId, options, settings.pool.MfaConfiguration);
      return recorded;
    }
  }
  const pool = (await route('CreateUserPool')(ctx, settings.pool)) as { UserPool: { Id: string } };
  await syncPoolMfa(route, ctx, pool.UserPool.Id, {}, settings.pool.MfaConfiguration);
  const client = (await route('CreateUserPoolClient')(ctx, { ...settings.client, UserPoolId: pool.UserPool.Id })) as {
    UserPoolClient: { ClientId: string };
  };
  const record = { userPoolId: pool.UserPool.Id, clientId: client.UserPoolClient.ClientId };
  await writeFileAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return record;
}

async function readPoolRecord(file: string): Promise<PoolRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as Partial<PoolRecord>;
    return typeof record.userPoolId === 'string' && typeof record.clientId === 'string'
      ? { userPoolId: record.userPoolId, clientId: record.clientId }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Removes only what the local Cognito wrote: the data dir may be shared with other state. */
async function wipe(dataDir: string): Promise<void> {
  await Promise.all(Object.values(DATA_FILES).map((name) => rm(join(dataDir, name), { recursive: true, force: true })));
}

function handle(req: IncomingMessage, res: ServerResponse, dispatch: Dispatch | undefined, jwks: string): void {
  if (cors(req, res, { methods: 'GET,POST,OPTIONS' })) return;
  const { path } = splitUrl(req.url);
  if (req.method === 'GET') {
    if (path === '/health') return sendJsonText(res, 200, '{"ok":true}', requestIdHeader());
    // The issuer's openid-configuration is the hosted sign-in's (oauth/server.ts).
    if (/^\/[\w-]+\/\.well-known\/jwks\.json$/.test(path) && jwks) return sendJsonText(res, 200, jwks, requestIdHeader());
    return sendJsonText(res, 404, '{"message":"Not Found"}', requestIdHeader());
  }
  if (req.method !== 'POST' || path !== '/') return sendJsonText(res, 404, '{"message":"Not Found"}', requestIdHeader());

  const header = req.headers['x-amz-target'];
  const target = typeof header === 'string' && header.startsWith(TARGET_PREFIX) ? header.slice(TARGET_PREFIX.length) : '';
  readBody(req, { limit: MAX_BODY, drain: true }).then(
    (body) => {
      if (!target) return sendError(res, new UnknownOperationException());
      if (body === TOO_LARGE) return sendError(res, new SerializationException('Request body too large', 413));
      if (!dispatch) return sendError(res, new ServiceUnavailableException());
      let input: Record<string, unknown>;
      try {
        const text = body.toString('utf8');
        input = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        return sendError(res, new SerializationException('The request body is not valid JSON'));
      }
      dispatch(target, input).then(
        (output) => sendJsonText(res, 200, JSON.stringify(output ?? {}, epochSeconds), { ...requestIdHeader(), 'content-type': AMZ_JSON }),
        (error: unknown) => sendError(res, asCognitoError(error)),
      );
    },
    () => res.destroy(),
  );
}

const AMZ_JSON = 'application/x-amz-json-1.1';

/** Cognito's JSON protocol sends dates as epoch seconds. */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? Math.floor(raw.getTime() / 1000) : value;
}

const requestIdHeader = () => ({ 'x-amzn-requestid': randomUUID() });

function sendError(res: ServerResponse, error: CognitoError): void {
  sendJsonText(res, error.status, JSON.stringify(error.body()), { ...requestIdHeader(), 'content-type': AMZ_JSON, 'x-amzn-errortype': error.code });
}

const silentLogger: CognitoLocalLogger = {
  child: () => silentLogger,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
