import type { UserProfile } from './cognito.js';
import type { LambdaConfig } from './config.js';
import { mapCognitoError } from './cognito-errors.js';
import type { ApiRequest } from './request.js';
import type { ProfileCache } from './profile-cache.js';
import type { Headers } from './response.js';
import type { TokenVerifier } from './tokens.js';

/** Type-only: the module itself is loaded with `import()` on first use, never by health. */
export type CognitoModule = typeof import('./cognito.js');

export interface RouteContext {
  readonly request: ApiRequest;
  readonly config: LambdaConfig;
  /** Milliseconds an upstream call may take before the Lambda would time out; undefined outside Lambda. */
  budgetMs(): number | undefined;
  cognito(): Promise<CognitoModule>;
  tokens(): Promise<TokenVerifier>;
  /** GetUser answers per token, kept for the handler's lifetime (the warm function). */
  readonly profiles: ProfileCache<UserProfile>;
}

interface RouteResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Headers;
}

export type RouteHandler = (ctx: RouteContext) => Promise<RouteResult>;

/**
 * Runs a Cognito call and turns its failure into the mapped HTTP error. Unknown failures are rethrown untouched, to
 * be logged and answered as a generic 500 by the handler.
 */
export async function callCognito<T>(ctx: RouteContext, call: (cognito: CognitoModule) => Promise<T>): Promise<T> {
  const cognito = await ctx.cognito();
  try {
    return await call(cognito);
  } catch (err) {
    throw mapCognitoError(err, ctx.request.secrets) ?? err;
  }
}
