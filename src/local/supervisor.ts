/**
 * Starts and stops the whole local stack of `authstack dev`: the local Cognito, then the handler bundle
 * (configured through the same environment variables the template sets, plus the local overrides), then the
 * local API Gateway in front of it; and, with `watch`, rebuilds and reloads the handler when its sources change.
 */
import { watch as watchFiles, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ENV, type ProxyHandler } from '../lambda/types.js';
import { startLocalCognito, type LocalClientSettings, type LocalCognito, type LocalPoolSettings } from './cognito.js';
import type { HostedUi } from '../core/hosted-ui.js';
import type { PasswordPolicy } from '../core/password-policy.js';
import { HandlerLoadError } from './errors.js';
import { startGateway, type Gateway, type GatewayRequestLog } from './gateway.js';
import type { MailboxMessage } from './mailbox.js';
import { CONSOLE_PATH, changesUsers, createConsole, isLoopback, type LocalConsole } from './console/server.js';

export { PortInUseError, HandlerLoadError } from './errors.js';

export interface LocalStackOptions {
  /** The folder's `.authstack` dir; the local Cognito keeps its data in `<dir>/local`. */
  dir: string;
  /** Port of the local API. 0 picks a free one. */
  apiPort: number;
  /** Port of the local Cognito. 0 picks a free one. */
  cognitoPort: number;
  /** Start from a fresh user pool (and an empty mailbox). Default false. */
  reset?: boolean;
  /** The built Lambda bundle (`.mjs` exporting `handler`), the same one deploy ships. */
  bundlePath: string;
  /** Rebuild and reload the handler when a file under `srcDir` changes. Default: no watching. */
  watch?: { srcDir: string; rebuild: () => Promise<void> };
  /** Progress for the dev console. Must not throw. */
  onEvent?: (event: LocalStackEvent) => void;
  /** Interface both servers listen on. Default `127.0.0.1`. */
  host?: string;
  /** User pool groups to create when missing (`authstack dev --groups`). */
  groups?: readonly string[];
  /** The API stage name seen by the handler. Default `local`. */
  stage?: string;
  /**
   * Serve the local console (`/_authstack/` on the local Cognito's port). Default: on when `host` is a loopback
   * address, off otherwise; `true` serves it on another interface too, `false` never.
   */
  console?: boolean;
  /** The origin browsers may call the API from (the handler's CORS_ALLOW_ORIGIN). Default: the environment's, or `*`. */
  corsOrigin?: string;
  /** The local app client's hosted sign-in redirect URLs. Default: the loopback URLs `login --browser` uses. */
  oauth?: { callbackUrls?: readonly string[]; logoutUrls?: readonly string[] };
  /** The local pool's and client's settings, from the stack model (`localPool`, `localClient`). Default: the model's defaults. */
  settings?: { pool: LocalPoolSettings; client: LocalClientSettings };
}

export type LocalStackEvent =
  | { type: 'code'; message: MailboxMessage; text: string }
  | { type: 'request'; request: GatewayRequestLog; text: string }
  | { type: 'rebuilding'; text: string }
  | { type: 'reloaded'; version: number; text: string }
  | { type: 'reload-failed'; error: string; text: string };

export interface LocalStack {
  apiUrl: string;
  cognitoEndpoint: string;
  userPoolId: string;
  clientId: string;
  region: string;
  issuer: string;
  jwksUri: string;
  /** The local hosted sign-in (OAuth 2.0 / OpenID Connect endpoints and pages on the local Cognito). */
  hostedUi: HostedUi;
  /** The local user pool's password policy (the template's default). */
  passwordPolicy: PasswordPolicy;
  /** Where the local Cognito keeps its data: `<dir>/local`. */
  dataDir: string;
  /** The local console's page, when it is served. */
  consoleUrl?: string;
  /** Milliseconds from the call to ready. */
  startupMs: number;
  /** One of the function's JSON log lines, parsed (the process's stdout is the caller's): the console shows it. */
  functionLog(entry: Record<string, unknown>): void;
  stop(): Promise<void>;
}

/** Credentials the Lambda runtime always provides; the SDK in the handler needs some, Cognito-local ignores them. */
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } as const;
const WATCH_DEBOUNCE_MS = 100;

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const started = performance.now();
  const emit = opts.onEvent ?? (() => undefined);
  const dataDir = join(opts.dir, 'local');
  const host = opts.host ?? '127.0.0.1';
  let localConsole: LocalConsole | undefined;

  const cognito: LocalCognito = await startLocalCognito({
    port: opts.cognitoPort,
    host,
    dataDir,
    reset: opts.reset,
    groups: opts.groups,
    oauth: opts.oauth,
    settings: opts.settings,
    onCode: (message) => {
      localConsole?.notify('mailbox');
      emit({ type: 'code', message, text: `code for ${message.to}: ${message.code}` });
    },
    onOperation: (target) => {
      if (changesUsers(target)) localConsole?.notify('users');
    },
  });

  // The handler runs in this process, so its configuration is this process's environment, as in Lambda.
  const restoreEnv = setEnv({
    [ENV.userPoolId]: cognito.userPoolId,
    [ENV.clientId]: cognito.clientId,
    [ENV.region]: cognito.region,
    [ENV.cognitoEndpoint]: cognito.endpoint,
    [ENV.tokenIssuer]: cognito.issuer,
    [ENV.jwksUri]: cognito.jwksUri,
    ...(process.env.AWS_ACCESS_KEY_ID ? {} : LOCAL_CREDENTIALS),
    // The profile cache protects AWS's shared Cognito quota, which the local Cognito does not have: locally a
    // sign-out is seen at once, unless PROFILE_CACHE_SECONDS is set to try the AWS behaviour.
    ...(process.env[ENV.profileCacheSeconds] === undefined ? { [ENV.profileCacheSeconds]: '0' } : {}),
    ...(opts.corsOrigin === undefined ? {} : { [ENV.corsOrigin]: opts.corsOrigin }),
  });

  let version = 0;
  const bundleUrl = pathToFileURL(opts.bundlePath).href;
  const loadHandler = async (): Promise<ProxyHandler> => {
    // ESM caches modules by URL: a new query string is the only way to get the rebuilt code.
    const url = version === 0 ? bundleUrl : `${bundleUrl}?v=${version}`;
    let mod: { handler?: unknown; default?: { handler?: unknown } };
    try {
      mod = (await import(url)) as typeof mod;
    } catch (error) {
      throw new HandlerLoadError(opts.bundlePath, error instanceof Error ? error.message : String(error));
    }
    const handler = mod.handler ?? mod.default?.handler;
    if (typeof handler !== 'function') throw new HandlerLoadError(opts.bundlePath, 'it does not export `handler`');
    return handler as ProxyHandler;
  };

  let gateway: Gateway;
  try {
    gateway = await startGateway({
      port: opts.apiPort,
      host,
      stage: opts.stage,
      loadHandler,
      onRequest: (request) => {
        localConsole?.recordRequest({ at: new Date().toISOString(), ...request });
        emit({
          type: 'request',
          request,
          text: `${request.method} ${request.path} ${request.status} ${request.ms.toFixed(1)} ms${
            request.error ? ` (${request.error})` : request.errorCode ? ` ${request.errorCode}` : ''
          }`,
        });
      },
    });
  } catch (error) {
    restoreEnv();
    await cognito.close();
    throw error;
  }

  // Unauthenticated user administration: only on a loopback interface, unless asked for explicitly.
  if (opts.console ?? isLoopback(host)) {
    localConsole = createConsole({
      dispatch: cognito.dispatch,
      userPoolId: cognito.userPoolId,
      mailbox: cognito.mailbox,
      apiUrl: gateway.url,
      allowRemote: !isLoopback(host),
    });
    cognito.mount(localConsole.handle);
  }

  const watcher = opts.watch ? watchSources(opts.watch, reload) : undefined;

  async function reload(): Promise<void> {
    emit({ type: 'rebuilding', text: 'rebuilding the handler' });
    try {
      await opts.watch!.rebuild();
      version += 1;
      // Load now rather than on the next request, so a broken build is reported at once.
      await loadHandler();
      gateway.reload();
      emit({ type: 'reloaded', version, text: `handler reloaded (v${version})` });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      emit({ type: 'reload-failed', error: message, text: `reload failed: ${message}` });
    }
  }

  let stopping: Promise<void> | undefined;
  return {
    apiUrl: gateway.url,
    cognitoEndpoint: cognito.endpoint,
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    region: cognito.region,
    issuer: cognito.issuer,
    jwksUri: cognito.jwksUri,
    hostedUi: cognito.hostedUi,
    passwordPolicy: cognito.passwordPolicy,
    dataDir,
    ...(localConsole ? { consoleUrl: `${cognito.endpoint}${CONSOLE_PATH}` } : {}),
    startupMs: performance.now() - started,
    functionLog: (entry) => localConsole?.recordFunctionLog(entry),
    stop() {
      stopping ??= (async () => {
        watcher?.close();
        localConsole?.close();
        await Promise.all([gateway.close(), cognito.close()]);
        restoreEnv();
      })();
      return stopping;
    },
  };
}

/** Sets variables and returns how to put back what was there before. */
function setEnv(values: Record<string, string>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(values)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Calls `onChange` once per burst of changes (editors write several times per save), never two at once. */
function watchSources(watch: { srcDir: string }, onChange: () => Promise<void>): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const fire = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = onChange().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        fire();
      }
    });
  };
  const watcher = watchFiles(watch.srcDir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(fire, WATCH_DEBOUNCE_MS);
  });
  watcher.on('close', () => clearTimeout(timer));
  return watcher;
}
