/**
 * Starts and stops the whole local stack of `authstack dev`: the services of the registry (`services/registry.ts`),
 * each after what it needs, stopped in reverse; and, with `watch`, rebuilds the API bundle when its sources change
 * and has the function runtime load it in fresh workers.
 */
import { watch as watchFiles, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

import type { HostedUi } from '../core/hosted-ui.js';
import type { PasswordPolicy } from '../core/password-policy.js';
import { API_FUNCTION_ID, defaultStackModel } from '../core/stack-model.js';
import type { FunctionRuntime } from './functions/runtime.js';
import type { CognitoService } from './services/cognito/index.js';
import type { GatewayService } from './services/gateway/index.js';
import { SERVICES } from './services/registry.js';
import type { StorageService } from './services/storage/index.js';
import type { LocalStackOptions, ServiceContext, ServiceOutput, StartedService } from './services/types.js';

export { PortInUseError, HandlerLoadError } from './errors.js';
export type { LocalStackEvent, LocalStackOptions } from './services/types.js';

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
  /** The local CDN's base URL for profile pictures, when pictures are on. */
  picturesUrl?: string;
  /** Milliseconds from the call to ready. */
  startupMs: number;
  /** What each service serves and contributes, in start order (dev's ready message lists their outputs). */
  services: readonly { name: string; url?: string; outputs: readonly ServiceOutput[] }[];
  stop(): Promise<void>;
}

const WATCH_DEBOUNCE_MS = 100;

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const started = performance.now();
  const emit = opts.onEvent ?? (() => undefined);
  const dataDir = join(opts.dir, 'local');
  const host = opts.host ?? '127.0.0.1';
  const services = opts.services ?? SERVICES;
  const running: { name: string; service: StartedService }[] = [];
  const byName = new Map<string, StartedService>();
  const ctx: ServiceContext = {
    model: opts.model ?? defaultStackModel(),
    options: opts,
    host,
    dataDir,
    emit,
    use<T>(name: string): T {
      const service = byName.get(name);
      if (!service) throw new Error(`the local service "${name}" is not running`);
      return service.provides as T;
    },
    started: () => running,
  };
  const stopAll = async (): Promise<void> => {
    for (const { service } of running.splice(0).reverse()) await service.stop();
  };

  for (const service of services) service.prepare?.(ctx);
  try {
    for (const service of services) {
      const missing = (service.needs ?? []).filter((name) => !byName.has(name));
      if (missing.length > 0) throw new Error(`the local service "${service.name}" needs ${missing.join(', ')}, which must come before it in the registry`);
      const up = await service.start(ctx);
      running.push({ name: service.name, service: up });
      byName.set(service.name, up);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const { cognito } = ctx.use<CognitoService>('cognito');
  const gateway = ctx.use<GatewayService>('gateway');
  const functions = ctx.use<FunctionRuntime>('functions');
  const consoleUrl = byName.get('console')?.url;
  const picturesUrl = (byName.get('storage')?.provides as StorageService | undefined)?.pictures?.cdnUrl;
  const watcher = opts.watch ? watchSources(opts.watch, reload) : undefined;

  async function reload(): Promise<void> {
    emit({ type: 'rebuilding', text: 'rebuilding the handler' });
    try {
      await opts.watch!.rebuild();
      // The rebuilt bundle is loaded afresh (by fresh workers, or under a new URL in this thread); a broken build is
      // reported at once and the last good one serves on.
      await functions.reload(API_FUNCTION_ID);
      version += 1;
      emit({ type: 'reloaded', version, text: `handler reloaded (v${version})` });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      emit({ type: 'reload-failed', error: message, text: `reload failed: ${message}` });
    }
  }
  let version = 0;

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
    ...(consoleUrl ? { consoleUrl } : {}),
    ...(picturesUrl ? { picturesUrl } : {}),
    startupMs: performance.now() - started,
    services: running.map(({ name, service }) => ({ name, ...(service.url ? { url: service.url } : {}), outputs: service.outputs ?? [] })),
    stop() {
      stopping ??= (async () => {
        watcher?.close();
        await stopAll();
      })();
      return stopping;
    },
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
