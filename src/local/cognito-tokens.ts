/**
 * The local Cognito's tokens as Cognito issues them with token revocation on (our template's setting): every
 * sign-in starts an *origin* (`origin_jti`, `auth_time`) that its access, ID and refresh tokens carry, and that
 * every refresh keeps. RevokeToken revokes an origin; GlobalSignOut revokes everything a user had. The checks use
 * aws-jwt-verify against the local key, as an app's own back end would.
 */
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';

import type { TokenGenerator, TokenSet } from './cognito-local-modules.js';
import { isRecord, readJsonFile, writeFileAtomic } from '../core/files.js';

/** The sign-in that a token descends from. */
interface Origin {
  jti: string;
  /** Seconds since the epoch: when the user last authenticated. */
  authTime: number;
}

/**
 * cognito-local's generator (six arguments, as its own targets pass) with a seventh: the origin a refresh keeps
 * (a fresh one for a sign-in).
 */
export interface OriginTokenGenerator extends TokenGenerator {
  generate(...args: [...Parameters<TokenGenerator['generate']>, origin?: Origin]): Promise<TokenSet>;
}

/**
 * Wraps cognito-local's generator so that every token it hands out, through our flows or its own (admin sign-in,
 * new-password challenge), carries `origin_jti` and the origin's `auth_time`, re-signed with the same key.
 */
export function withOrigins(generator: TokenGenerator, privateKeyPem: string, customise?: TokenCustomiser): OriginTokenGenerator {
  const key = createPrivateKey(privateKeyPem);
  return {
    async generate(ctx, user, groups, client, clientMetadata, source, origin) {
      const tokens = await generator.generate(ctx, user, groups, client, clientMetadata, source);
      const from = origin ?? { jti: randomUUID(), authTime: Number(payloadOf(tokens.AccessToken).auth_time) };
      const access = payloadOf(tokens.AccessToken);
      const id = payloadOf(tokens.IdToken);
      // The pre token generation trigger's changes, to both tokens, before the origin is stamped (it may not change it).
      const changes = await customise?.({
        user,
        groups,
        client,
        clientMetadata,
        source,
        scopes: String(access.scope ?? '')
          .split(' ')
          .filter(Boolean),
      });
      changes?.access(access);
      changes?.id(id);
      // One header for all three: cognito-local signs its refresh token without the key id verifiers look up.
      const header = tokens.AccessToken.split('.')[0]!;
      const stamp = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
        signJwt(header, { ...payload, origin_jti: from.jti, auth_time: from.authTime, ...extra }, key);
      return {
        AccessToken: stamp(access),
        IdToken: stamp(id),
        // Cognito's refresh tokens are opaque; ours say which client they belong to, as Cognito knows.
        RefreshToken: stamp(payloadOf(tokens.RefreshToken), { client_id: client.ClientId }),
      };
    },
  };
}

/** Changes to the claims of tokens about to be issued (the pre token generation trigger's), or undefined. */
export type TokenCustomiser = (input: {
  user: Parameters<TokenGenerator['generate']>[1];
  groups: readonly string[];
  client: Parameters<TokenGenerator['generate']>[3];
  clientMetadata: Record<string, string> | undefined;
  source: string;
  scopes: readonly string[];
}) => Promise<{ id(claims: Record<string, unknown>): void; access(claims: Record<string, unknown>): void } | undefined>;

export interface AccessClaims {
  sub: string;
  client_id: string;
  username: string;
  jti: string;
  origin_jti?: string;
  iat: number;
  exp: number;
}

export interface RefreshClaims {
  jti: string;
  exp: number;
  client_id?: string;
  origin: Origin;
}

/** Why a token was refused, in Cognito's words. */
export class TokenRefused extends Error {}

/** aws-jwt-verify's own expiry check reads the system time; ours reads the local Cognito's clock instead. */
const NO_EXPIRY_SECONDS = 100 * 365 * 24 * 3600;

/** What the checker uses of aws-jwt-verify, loaded with the first token it checks. */
interface Jwt {
  verifier: { verifySync(token: string, props: { graceSeconds: number }): unknown };
  validateCognitoJwtFields: typeof import('aws-jwt-verify/cognito-verifier').validateCognitoJwtFields;
  JwtExpiredError: typeof import('aws-jwt-verify/error').JwtExpiredError;
}

/**
 * aws-jwt-verify set up for the local issuer, with the local key already in its cache (no fetch). Expiry is
 * judged by `now` (milliseconds), the clock the tokens were issued by, so a test on a fake clock sees them expire.
 * aws-jwt-verify is loaded with the first token checked, not when dev starts.
 */
export function tokenChecker(issuer: string, publicJwk: Record<string, string>, now: () => number) {
  let loading: Promise<Jwt> | undefined;
  const library = (): Promise<Jwt> =>
    (loading ??= Promise.all([import('aws-jwt-verify'), import('aws-jwt-verify/cognito-verifier'), import('aws-jwt-verify/error')]).then(
      ([{ JwtVerifier }, { validateCognitoJwtFields }, { JwtExpiredError }]) => {
        const verifier = JwtVerifier.create({ issuer, audience: null, jwksUri: `${issuer}/.well-known/jwks.json` });
        verifier.cacheJwks({ keys: [publicJwk as never] });
        return { verifier, validateCognitoJwtFields, JwtExpiredError };
      },
    ));

  const check = async (token: unknown, kind: 'Access' | 'Refresh', ignoreExpiry = false): Promise<Record<string, unknown>> => {
    if (typeof token !== 'string' || token === '') throw new TokenRefused(`Invalid ${kind} Token`);
    const { verifier, JwtExpiredError } = await library();
    let payload: Record<string, unknown>;
    try {
      payload = verifier.verifySync(token, { graceSeconds: NO_EXPIRY_SECONDS }) as Record<string, unknown>;
    } catch (error) {
      throw new TokenRefused(error instanceof JwtExpiredError ? `${kind} Token has expired` : `Invalid ${kind} Token`);
    }
    if (!ignoreExpiry && !(typeof payload.exp === 'number' && payload.exp * 1000 > now())) {
      throw new TokenRefused(`${kind} Token has expired`);
    }
    return payload;
  };

  return {
    /** The claims of a valid, unexpired access token of this issuer (revocation is the caller's check). */
    async access(token: unknown): Promise<AccessClaims> {
      const payload = await check(token, 'Access');
      try {
        (await library()).validateCognitoJwtFields(payload as never, { tokenUse: 'access', clientId: null });
      } catch {
        throw new TokenRefused('Invalid Access Token');
      }
      if (typeof payload.sub !== 'string' || typeof payload.client_id !== 'string') {
        throw new TokenRefused('Invalid Access Token');
      }
      return payload as unknown as AccessClaims;
    },

    /** The claims of a valid refresh token of this issuer, unexpired unless `ignoreExpiry`. */
    async refresh(token: unknown, opts: { ignoreExpiry?: boolean } = {}): Promise<RefreshClaims> {
      const payload = await check(token, 'Refresh', opts.ignoreExpiry);
      // An access or ID token is not a refresh token, though signed with the same key.
      if ('token_use' in payload || typeof payload.jti !== 'string') throw new TokenRefused('Invalid Refresh Token');
      return {
        jti: payload.jti,
        exp: Number(payload.exp),
        client_id: typeof payload.client_id === 'string' ? payload.client_id : undefined,
        origin: {
          // Refresh tokens from before origins were kept are their own origin.
          jti: typeof payload.origin_jti === 'string' ? payload.origin_jti : payload.jti,
          authTime: Number(payload.auth_time ?? payload.iat),
        },
      };
    },
  };
}

export type TokenChecker = ReturnType<typeof tokenChecker>;

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function signJwt(header: string, payload: Record<string, unknown>, key: KeyObject): string {
  const unsigned = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

interface RevocationRecord {
  /** Global sign-outs: user `sub` → when (ms). Tokens issued before are revoked. */
  signedOut: Record<string, number>;
  /** Revoked origins: `origin_jti` → until when (ms) the record matters (no token of it lives longer). */
  origins: Record<string, number>;
}

/** One day past a refresh token's expiry, no access or ID token of its origin can still be valid. */
const ORIGIN_RECORD_MARGIN_MS = 24 * 60 * 60 * 1000;

/** Sign-outs and revoked origins, kept on disk so tokens stay revoked across restarts of `authstack dev`. */
export class Revocations {
  private constructor(
    private readonly file: string,
    private readonly record: RevocationRecord,
  ) {}

  static async open(file: string): Promise<Revocations> {
    // A corrupt file is reported and kept, as every other store does: replacing it would silently undo sign-outs.
    const stored = await readJsonFile(file, 'sign-out record of the local Cognito', isStoredRevocations);
    if (stored === undefined) return new Revocations(file, { signedOut: {}, origins: {} });
    // The first format held only the sign-outs, keyed by sub.
    const record =
      'signedOut' in stored && isRecord(stored.signedOut) ? (stored as RevocationRecord) : { signedOut: stored as Record<string, number>, origins: {} };
    return new Revocations(file, record);
  }

  signedOutAt(sub: string): number | undefined {
    return this.record.signedOut[sub];
  }

  isRevoked(origin: string | undefined): boolean {
    return origin !== undefined && this.record.origins[origin] !== undefined;
  }

  async signOut(sub: string, at: number): Promise<void> {
    this.record.signedOut[sub] = at;
    await this.save(at);
  }

  async revokeOrigin(origin: string, refreshExpiresAt: number, now: number): Promise<void> {
    this.record.origins[origin] = refreshExpiresAt + ORIGIN_RECORD_MARGIN_MS;
    await this.save(now);
  }

  private async save(now: number): Promise<void> {
    for (const [origin, until] of Object.entries(this.record.origins)) {
      if (until < now) delete this.record.origins[origin];
    }
    await writeFileAtomic(this.file, JSON.stringify(this.record), { mode: 0o600 });
  }
}

const isNumberMap = (value: unknown): value is Record<string, number> => isRecord(value) && Object.values(value).every((at) => typeof at === 'number');

function isStoredRevocations(value: unknown): value is RevocationRecord | Record<string, number> {
  if (!isRecord(value)) return false;
  if ('signedOut' in value || 'origins' in value) return isNumberMap(value.signedOut) && isNumberMap(value.origins);
  return isNumberMap(value);
}
