/**
 * One interface for every service of the local stack (the mailbox, the local Cognito, its hosted sign-in, the
 * function runtime, the API gateway, the console, and whatever comes next): each names the services it needs,
 * starts from the stack model and what those provide, and says what it serves. `registry.ts` lists them in start
 * order; the supervisor starts them through that list only and stops them in reverse.
 */
import type { FunctionModel, StackModel } from '../../core/stack-model.js';
import type { LocalClientSettings, LocalPoolSettings } from '../cognito.js';
import type { GatewayRequestLog } from '../gateway.js';
import type { MailboxMessage } from '../mailbox.js';

export interface LocalStackOptions {
  /** The folder's `.authstack` dir; the local Cognito keeps its data in `<dir>/local`. */
  dir: string;
  /** Port of the local API. 0 picks a free one. */
  apiPort: number;
  /** Port of the local Cognito. 0 picks a free one. */
  cognitoPort: number;
  /** Start from a fresh user pool (and an empty mailbox). Default false. */
  reset?: boolean;
  /** The built API bundle (`.mjs` exporting `handler`), the same one deploy ships. */
  bundlePath: string;
  /**
   * Run that bundle in this thread through the `createHandler({ env, log })` it exports, not in workers: for
   * authstack's own API bundle only (`dev` sets it; functions/in-thread.ts says why). Default false.
   */
  apiInThread?: boolean;
  /** The picture processing function's built bundle (its `index.mjs`, photon's `.wasm` beside it); needed when the model has pictures on. */
  picturesBundlePath?: string;
  /** Port of the local S3 (pictures on). 0 picks a free one. Default 0. */
  storagePort?: number;
  /** The built bundle (`.mjs`) of each other function of the model (those without a `source`). */
  bundleFor?: (fn: FunctionModel) => Promise<string> | string;
  /**
   * How the project's own handlers (functions with a `source`) are built: from the wrapper entry deploy ships,
   * with source maps; with `watch`, each rebuilt when a file it uses changes and reloaded in fresh workers.
   */
  handlers?: { projectDir: string; outDir: string; wrapperPath: string; watch?: boolean };
  /** The stack model: its functions, routes, pool and client. Default: the model's defaults. */
  model?: StackModel;
  /** The services to start, in order. Default: the registry's (`services/registry.ts`). */
  services?: readonly LocalService[];
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
  /** What a function wrote, one or more lines (during the request `requestId`, or at load). */
  | { type: 'log'; functionId: string; requestId?: string; text: string }
  | { type: 'rebuilding'; text: string }
  | { type: 'reloaded'; version: number; text: string }
  | { type: 'reload-failed'; error: string; text: string }
  /** A project handler file rebuilt after an edit; its functions serve the new code from the next request. */
  | { type: 'handler-rebuilt'; file: string; functionIds: readonly string[]; ms: number; text: string }
  /** A project handler file that no longer compiles (`file:line:column: message`); the last good build serves on. */
  | { type: 'handler-build-failed'; file: string; error: string; text: string };

export interface ServiceContext {
  /** The stack model the local stack runs: the same one deploy ships. */
  readonly model: StackModel;
  /** The options the local stack was started with. */
  readonly options: LocalStackOptions;
  /** Interface every server listens on. */
  readonly host: string;
  /** `<dir>/local`: where local services keep their data. */
  readonly dataDir: string;
  /** Reports progress to `dev`'s log. Must not throw. */
  emit(event: LocalStackEvent): void;
  /** What a service started earlier (one of `needs`) provides. */
  use<T>(name: string): T;
  /** Every service started so far, in start order (the console lists their panels). */
  started(): readonly { name: string; service: StartedService }[];
}

/** A line of `dev`'s ready message, e.g. `API      http://127.0.0.1:3000   (try: authstack health)`. */
export interface ServiceOutput {
  label: string;
  value: string;
  note?: string;
  /** Shown in colour (the URLs people open). */
  highlight?: boolean;
}

/** A panel of the local console: a title and the JSON it shows, read when the page asks. */
export interface ConsolePanel {
  id: string;
  title: string;
  read(): unknown;
}

export interface StartedService<P = unknown> {
  /** Where it serves, if it serves HTTP. */
  url?: string;
  /** Its lines in `dev`'s ready message. */
  outputs?: readonly ServiceOutput[];
  /** Its panels in the local console. */
  consolePanels?: readonly ConsolePanel[];
  /** What services started after it may `use`. */
  provides?: P;
  stop(): Promise<void> | void;
}

export interface LocalService<P = unknown> {
  /** Unique in the registry; what others name in `needs`. */
  name: string;
  /** Services that must have started before this one. */
  needs?: readonly string[];
  /**
   * Called for every service before any starts, to begin slow work that needs nothing of the others (booting
   * worker threads). Must not throw; its failures surface in `start`.
   */
  prepare?(ctx: ServiceContext): void;
  start(ctx: ServiceContext): Promise<StartedService<P>>;
}

/** Declares a service (only for the types). */
export function defineService<P>(service: LocalService<P>): LocalService<P> {
  return service;
}
