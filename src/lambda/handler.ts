/**
 * The Lambda entry point for API Gateway's REST proxy integration (payload format 1.0): event → request → route →
 * response. Everything heavy (the Cognito SDK, the JWT verifier) is loaded on first use by the routes that need it.
 */
import { readConfig, type LambdaConfig } from './config.js';
import { HttpError, MethodNotAllowedError, MisconfiguredError } from './errors.js';
import { createLogger, stdoutSink, type LogSink } from './log.js';
import { checkBody, toRequest, type ApiRequest } from './request.js';
import { createProfileCache, type ProfileCacheOptions } from './profile-cache.js';
import { errorResult, jsonResult, preflightResult } from './response.js';
import type { UserProfile } from './cognito.js';
import type { CognitoModule, RouteContext } from './route.js';
import { match } from './router.js';
import type { TokenVerifier } from './tokens.js';
import type { LambdaContext, ProxyEvent, ProxyHandler, ProxyResult } from './types.js';

export interface HandlerOptions {
  /** Where configuration is read from, on every invocation. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go. Default: stdout, one JSON object per line. */
  readonly log?: LogSink;
  /** A monotonic clock in milliseconds, for latency. Default: `performance.now`. */
  readonly now?: () => number;
  /** The token verifier to use. Default: one created on first use and kept for the handler's lifetime. */
  readonly tokens?: () => Promise<TokenVerifier>;
  /** The profile cache's size and wall clock. Default: 1,000 tokens, `Date.now`. */
  readonly profileCache?: ProfileCacheOptions;
}

/** Time kept back from the Lambda deadline so that a slow upstream still gets a proper 503 answer out. */
const DEADLINE_MARGIN_MS = 500;

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load().catch((err: unknown) => {
      value = undefined;
      throw err;
    });
    return value;
  };
}

function errorCode(err: unknown): string {
  return err instanceof HttpError ? err.code : 'InternalError';
}

export function createHandler(options: HandlerOptions = {}): ProxyHandler {
  const sink = options.log;
  // A failing log sink (a closed stdout) must never turn an answer into a failure.
  const log = createLogger((line, requestId) => {
    try {
      (sink ?? stdoutSink)(line, requestId);
    } catch {
      /* nothing sensible left to do */
    }
  });
  const now = options.now ?? (() => performance.now());
  const cognito = once<CognitoModule>(() => import('./cognito.js'));
  const tokens = options.tokens ?? once<TokenVerifier>(async () => (await import('./tokens.js')).createTokenVerifier());
  const profiles = createProfileCache<UserProfile>(options.profileCache);

  async function dispatch(request: ApiRequest, config: LambdaConfig, context: LambdaContext | undefined): Promise<ProxyResult> {
    const found = match(request.method, request.path, { pictures: config.picturesBucket !== undefined });
    if (request.method === 'OPTIONS') return preflightResult(found.allow, config.corsOrigin);
    const handler = found.handler;
    if (!handler) throw new MethodNotAllowedError(found.allow);
    checkBody(request);
    const ctx: RouteContext = {
      request,
      config,
      budgetMs: () => {
        const left = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
        return typeof left === 'number' && Number.isFinite(left) ? Math.max(1, left - DEADLINE_MARGIN_MS) : undefined;
      },
      cognito,
      tokens,
      profiles,
    };
    const result = await handler(ctx);
    return jsonResult(result.status, result.body, config.corsOrigin, result.headers);
  }

  return async (event: ProxyEvent, context: LambdaContext): Promise<ProxyResult> => {
    const started = now();
    const requestId = typeof context?.awsRequestId === 'string' ? context.awsRequestId : '';
    const config = readConfig(options.env ?? process.env);
    let request: ApiRequest | undefined;
    let result: ProxyResult;
    let failure: unknown;
    try {
      request = toRequest(event, requestId);
      result = await dispatch(request, config, context);
    } catch (err) {
      failure = err;
      if (err instanceof MisconfiguredError) log.error(requestId, 'misconfigured', new Error(err.detail));
      else if (!(err instanceof HttpError)) log.error(requestId, 'unexpected error', err, request?.secrets);
      result = errorResult(err, config.corsOrigin);
    }
    log.request({
      method: request?.method ?? '',
      path: request?.path ?? '',
      status: result.statusCode,
      latencyMs: Math.round((now() - started) * 1000) / 1000,
      requestId,
      ...(request?.apiRequestId ? { apiRequestId: request.apiRequestId } : {}),
      ...(failure !== undefined ? { error: errorCode(failure) } : {}),
    });
    return result;
  };
}

/** The handler Lambda invokes (`index.handler` in the bundle). */
export const handler: ProxyHandler = createHandler();
