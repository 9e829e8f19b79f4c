/**
 * Access-token verification with aws-jwt-verify. Loaded lazily by the profile route only. One `TokenVerifier` lives
 * as long as the handler (the whole execution environment), so the JWKS is fetched once and then served from memory
 * across invocations.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { FetchError, JwksValidationError, JwtBaseError, JwtExpiredError, ParameterValidationError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { TokenConfig } from './config.js';
import { MisconfiguredError, ServiceUnavailableError, UnauthorizedError } from './errors.js';

const JWKS_TIMEOUT_MS = 3_000;
const MAX_JWKS_BYTES = 512 * 1024;

export interface AccessTokenClaims {
  sub: string;
  username: string | undefined;
  clientId: string;
  /** When the token expires (its `exp`), in epoch milliseconds; 0 when it has none. */
  expiresAt: number;
  /** `cognito:groups`: the user's groups when the token was issued; empty when none. */
  groups: string[];
}

export interface TokenVerifier {
  /** Resolves with the claims of a valid access token; rejects with an `HttpError` (401, 503 or 500). */
  verifyAccessToken(token: string, config: TokenConfig): Promise<AccessTokenClaims>;
}

/**
 * aws-jwt-verify's own fetcher only speaks https; a local Cognito publishes its JWKS over http on loopback. This one
 * speaks both, with a hard response deadline so a hung JWKS endpoint becomes a 503, not a Lambda timeout.
 */
export const jwksFetcher: Fetcher = {
  fetch(uri) {
    return new Promise<ArrayBuffer>((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        reject(new FetchError(uri, 'invalid JWKS URI'));
        return;
      }
      const request = url.protocol === 'http:' ? httpRequest : url.protocol === 'https:' ? httpsRequest : undefined;
      if (!request) {
        reject(new FetchError(uri, `unsupported protocol ${url.protocol}`));
        return;
      }
      const req = request(url, { method: 'GET', timeout: JWKS_TIMEOUT_MS }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail(new FetchError(uri, `status ${res.statusCode}, expected 200`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_JWKS_BYTES) fail(new FetchError(uri, 'JWKS too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const buf = Buffer.concat(chunks);
          resolve(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
        });
        res.on('error', (err) => fail(new FetchError(uri, err.message)));
      });
      const deadline = setTimeout(() => fail(new FetchError(uri, `no response within ${JWKS_TIMEOUT_MS} ms`)), JWKS_TIMEOUT_MS);
      deadline.unref();
      function fail(err: Error): void {
        clearTimeout(deadline);
        req.destroy();
        reject(err);
      }
      req.on('timeout', () => fail(new FetchError(uri, 'socket timeout')));
      req.on('error', (err) => fail(err instanceof FetchError ? err : new FetchError(uri, err.message)));
      req.end();
    });
  },
};

type SingleVerifier = ReturnType<typeof createSingle>;

function createSingle(issuer: string, jwksUri: string, clientId: string, jwksCache: SimpleJwksCache) {
  return JwtVerifier.create(
    {
      issuer,
      jwksUri,
      // Cognito access tokens carry no `aud`; the app client is in `client_id`, checked below.
      audience: null,
      customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'access', clientId }),
    },
    { jwksCache },
  );
}

function unauthorized(err: unknown): UnauthorizedError {
  return err instanceof JwtExpiredError
    ? new UnauthorizedError('TokenExpired', 'The access token has expired.', 'invalid_token')
    : new UnauthorizedError('InvalidToken', 'The access token is invalid.', 'invalid_token');
}

/**
 * The `iss` a token claims, only to pick its verifier (which then checks it against the signature's key). A plain
 * JSON.parse of the payload: the verifier parses the token again with its prototype-safe parser, and that parse
 * (with a reviver) costs a fifth of a verification; doing it twice cost a quarter of our throughput.
 */
function claimedIssuer(token: string): unknown {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' ? (payload as { iss?: unknown }).iss : undefined;
  } catch {
    return undefined;
  }
}

export function createTokenVerifier(options: { fetcher?: Fetcher } = {}): TokenVerifier {
  const jwksCache = new SimpleJwksCache({ fetcher: options.fetcher ?? jwksFetcher });
  const verifiers = new Map<string, SingleVerifier>();

  function verifierFor(issuer: string, jwksUri: string, clientId: string): SingleVerifier {
    const key = `${issuer}\n${jwksUri}\n${clientId}`;
    let v = verifiers.get(key);
    if (!v) {
      v = createSingle(issuer, jwksUri, clientId, jwksCache);
      verifiers.set(key, v);
    }
    return v;
  }

  return {
    async verifyAccessToken(token, config) {
      const iss = claimedIssuer(token);
      // Pick the verifier by the claimed issuer; the verifier then checks that claim against the signature's key.
      const match = config.issuers.find((i) => i.issuer === iss);
      if (!match) throw unauthorized(undefined);
      try {
        const payload = await verifierFor(match.issuer, match.jwksUri, config.clientId).verify(token);
        return {
          sub: String(payload.sub ?? ''),
          username: typeof payload.username === 'string' ? payload.username : undefined,
          clientId: config.clientId,
          expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : 0,
          groups: Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'].filter((g): g is string => typeof g === 'string') : [],
        };
      } catch (err) {
        if (err instanceof FetchError || err instanceof JwksValidationError) {
          throw new ServiceUnavailableError('JwksUnavailable', 'The token signing keys could not be fetched. Try again shortly.');
        }
        if (err instanceof ParameterValidationError) throw new MisconfiguredError(`token verifier: ${err.message}`);
        if (err instanceof JwtBaseError) throw unauthorized(err);
        throw err;
      }
    },
  };
}
