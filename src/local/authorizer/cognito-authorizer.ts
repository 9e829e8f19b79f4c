/**
 * API Gateway's COGNITO_USER_POOLS authorizer, locally, for the project's own routes: what the gateway asks before
 * it invokes a protected route's function. Pure apart from the JWKS it is given (or fetches once from the local
 * pool): the clock is injected, so a test moves time instead of waiting.
 *
 * As API Gateway does (developer guide, "Control access to REST APIs using Amazon Cognito user pools as an
 * authorizer", and "Integrate a REST API with an Amazon Cognito user pool"):
 * - the token is the `Authorization` header (the authorizer's identity source), taken as it is or after a
 *   `Bearer ` prefix (the console's own authorizer test sends `Bearer <token>`);
 * - a method without OAuth scopes accepts the pool's ID token only; a method with scopes accepts an access token
 *   carrying at least one of them;
 * - a missing or invalid token (signature, issuer, expiry, token_use, app client) is 401 `{"message":"Unauthorized"}`;
 *   a valid access token without any of the method's scopes is 403; the function is not invoked either way;
 * - on success the claims reach the function as `requestContext.authorizer.claims`, every value a string;
 * - the answer for a token is kept for the authorizer's TTL (AuthorizerResultTtlInSeconds, default 300 s, 0 off):
 *   within it a token is not checked again (so, as on AWS, a token that expired or was signed out within the TTL
 *   still passes until the cached answer ends; Cognito's authorizer never checks sign-outs at all).
 */
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { RouteAccess } from '../../core/routes.js';
import { flattenClaims } from './claims.js';
import { gatewayError, type GatewayAnswer } from './responses.js';

export interface LocalAuthorizerOptions {
  /** The pool's issuer (`iss`), e.g. `http://127.0.0.1:9229/local_abc`. */
  readonly issuer: string;
  /** Where the pool publishes its keys; fetched on first use and when a token names an unknown key. */
  readonly jwksUri: string;
  /** The app clients whose tokens the API accepts (ID token `aud`, access token `client_id`). */
  readonly clientIds: readonly string[];
  /** Seconds an answer is kept per token; default 300, 0 keeps nothing. */
  readonly ttlSeconds?: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** The CORS origin the function answers with (its `Access-Control-Allow-Origin`). */
  readonly corsOrigin: string;
  /** Reads the JWKS; default: fetch over http(s). */
  readonly loadJwks?: (uri: string) => Promise<Jwks>;
}

type AuthorizerResult = { readonly ok: true; readonly claims: Readonly<Record<string, string>> } | { readonly ok: false; readonly response: GatewayAnswer };

/** A route's check: public routes need none. */
export interface LocalAuthorizer {
  authorize(access: RouteAccess, headers: Readonly<Record<string, string | undefined>>): Promise<AuthorizerResult>;
}

const DEFAULT_TTL_SECONDS = 300;
/** aws-jwt-verify's own expiry check reads the system time; ours reads the injected clock instead. */
const NO_EXPIRY_SECONDS = 100 * 365 * 24 * 3600;
const MAX_CACHED = 1000;

async function fetchJwks(uri: string): Promise<Jwks> {
  const res = await fetch(uri, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`JWKS ${uri}: status ${res.status}`);
  return (await res.json()) as Jwks;
}

/** The token in an Authorization header value, as API Gateway reads it: raw, or after `Bearer `. */
function tokenFromHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const token = /^bearer /i.test(value) ? value.slice(7) : value;
  return token === '' ? undefined : token;
}

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

export function createLocalAuthorizer(options: LocalAuthorizerOptions): LocalAuthorizer {
  const ttlMs = (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
  const loadJwks = options.loadJwks ?? fetchJwks;
  // aws-jwt-verify is loaded with the first token to check, not when dev starts.
  let libraryLoading: ReturnType<typeof loadLibrary> | undefined;
  const loadLibrary = async () => {
    const [{ JwtVerifier }, { validateCognitoJwtFields }, { KidNotFoundInJwksError }] = await Promise.all([
      import('aws-jwt-verify'),
      import('aws-jwt-verify/cognito-verifier'),
      import('aws-jwt-verify/error'),
    ]);
    return {
      verifier: JwtVerifier.create({ issuer: options.issuer, audience: null, jwksUri: options.jwksUri }),
      validateCognitoJwtFields,
      KidNotFoundInJwksError,
    };
  };
  const library = () => (libraryLoading ??= loadLibrary());
  let jwksLoaded: Promise<void> | undefined;
  let lastRefetch = -Infinity;
  const cache = new Map<string, { until: number; payload: Record<string, unknown> }>();
  const unauthorized = () => ({ ok: false as const, response: gatewayError(401, options.corsOrigin) });

  const load = () =>
    (jwksLoaded ??= Promise.all([library(), loadJwks(options.jwksUri)]).then(
      ([{ verifier }, jwks]) => void verifier.cacheJwks(jwks),
      (err: unknown) => {
        jwksLoaded = undefined;
        throw err;
      },
    ));

  /** The token's claims if it is valid in every way for this kind of token; undefined otherwise (fail closed). */
  async function verify(token: string, tokenUse: 'id' | 'access'): Promise<Record<string, unknown> | undefined> {
    const key = `${tokenUse} ${token}`;
    const cached = cache.get(key);
    if (cached && cached.until > options.now()) return cached.payload;
    cache.delete(key);
    let payload: Record<string, unknown>;
    try {
      await load();
      const { verifier, validateCognitoJwtFields, KidNotFoundInJwksError } = await library();
      try {
        payload = verifier.verifySync(token, { graceSeconds: NO_EXPIRY_SECONDS }) as Record<string, unknown>;
      } catch (err) {
        // A key the pool added since: fetch once more, at most every 10 s, as aws-jwt-verify does.
        if (!(err instanceof KidNotFoundInJwksError) || options.now() - lastRefetch < 10_000) throw err;
        lastRefetch = options.now();
        jwksLoaded = undefined;
        await load();
        payload = verifier.verifySync(token, { graceSeconds: NO_EXPIRY_SECONDS }) as Record<string, unknown>;
      }
      validateCognitoJwtFields(payload as never, { tokenUse, clientId: [...options.clientIds] });
    } catch {
      return undefined;
    }
    if (!(typeof payload.exp === 'number' && payload.exp * 1000 > options.now())) return undefined;
    if (ttlMs > 0) {
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(key, { until: options.now() + ttlMs, payload });
    }
    return payload;
  }

  return {
    async authorize(access, headers) {
      if (access.kind === 'public') return { ok: true, claims: {} };
      const token = tokenFromHeader(header(headers, 'authorization'));
      if (!token) return unauthorized();
      if (access.kind === 'scopes') {
        const payload = await verify(token, 'access');
        if (!payload) return unauthorized();
        const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
        if (!access.scopes.some((s) => granted.includes(s))) return { ok: false, response: gatewayError(403, options.corsOrigin) };
        return { ok: true, claims: flattenClaims(payload) };
      }
      // Signed-in and group routes: the ID token (the group rule itself is the function wrapper's).
      const payload = await verify(token, 'id');
      return payload ? { ok: true, claims: flattenClaims(payload) } : unauthorized();
    },
  };
}
