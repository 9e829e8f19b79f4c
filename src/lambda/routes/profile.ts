import { poolConfig, profileCacheTtlMs, tokenConfig } from '../config.js';
import { BadRequestError, ServiceUnavailableError, UnauthorizedError } from '../errors.js';
import { DEFAULT_PROFILE_CACHE_TTL_MS } from '../profile-cache.js';
import { callCognito, type RouteContext, type RouteHandler } from '../route.js';
import type { ProfileBody } from '../types.js';

/** Real Cognito access tokens are ~1 KB; anything far larger is not one and is refused before parsing. */
const MAX_TOKEN_LENGTH = 8 * 1024;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BEARER = /^Bearer +(\S+) *$/i;

function missingToken(): UnauthorizedError {
  return new UnauthorizedError('MissingToken', 'An access token is required.');
}

export function tokenFromHeader(ctx: RouteContext): string {
  const values = ctx.request.headerValues('authorization');
  if (values.length === 0) throw missingToken();
  if (new Set(values).size > 1) {
    throw new BadRequestError('InvalidRequest', 'Send exactly one Authorization header.', 'Authorization');
  }
  const m = BEARER.exec(values[0]!);
  if (!m) throw missingToken();
  return m[1]!;
}

function tokenFromBody(ctx: RouteContext): string {
  // The original walkthrough posts the token in the body; a client that sends the header instead is served too.
  const text = ctx.request.body;
  if ((text === null || text.trim() === '') && ctx.request.headerValues('authorization').length > 0) {
    return tokenFromHeader(ctx);
  }
  const body = ctx.request.json();
  const token = Object.hasOwn(body, 'access_token') ? body.access_token : undefined;
  if (token === undefined || token === null || token === '') throw missingToken();
  if (typeof token !== 'string') {
    throw new BadRequestError('InvalidField', '"access_token" must be a string.', 'access_token');
  }
  return token;
}

/** The access token verified and, through GetUser (cached), not revoked: its claims and the user. */
export async function signedInUser(ctx: RouteContext, token: string) {
  ctx.request.secrets.push(token);
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
    throw new UnauthorizedError('InvalidToken', 'The access token is invalid.', 'invalid_token');
  }
  const tokens = tokenConfig(ctx.config);
  const pool = poolConfig(ctx.config);
  const ttlMs = profileCacheTtlMs(ctx.config, DEFAULT_PROFILE_CACHE_TTL_MS);
  const verifier = await ctx.tokens();
  const claims = await withinBudget(verifier.verifyAccessToken(token, tokens), ctx.budgetMs());
  // A token can verify and still be revoked (global sign-out): GetUser is the authority, NotAuthorized → 401. Its
  // answer is reused for the same token for up to ttlMs (see profile-cache.ts), within the token's own life.
  const user = await ctx.profiles.get(token, claims.expiresAt, ttlMs, () => callCognito(ctx, (c) => c.getUser(pool, token, ctx.budgetMs())));
  return { claims, user };
}

async function profile(ctx: RouteContext, token: string) {
  const { claims, user } = await signedInUser(ctx, token);
  const { sub, email, email_verified: emailVerified, ...attributes } = user.attributes;
  return {
    status: 200,
    body: {
      username: user.username,
      sub: sub ?? null,
      email: email ?? null,
      email_verified: emailVerified === 'true',
      // The groups the token was issued with (Cognito puts them in cognito:groups; none means no group).
      groups: claims.groups,
      ...profilePicture(ctx, attributes),
    } satisfies ProfileBody,
  };
}

/** With pictures on, `picture` is its own field (null when none); otherwise it stays among the attributes. */
function profilePicture(ctx: RouteContext, attributes: Record<string, string>): Pick<ProfileBody, 'attributes' | 'picture'> {
  if (ctx.config.picturesBucket === undefined) return { attributes };
  const { picture, ...rest } = attributes;
  return { attributes: rest, picture: picture ?? null };
}

/**
 * The first verification may fetch the JWKS, whose own deadline does not know how long this invocation has
 * left: past the budget, the answer is a 503 rather than a Lambda timeout (which API Gateway turns into a 502).
 */
function withinBudget<T>(work: Promise<T>, budgetMs: number | undefined): Promise<T> {
  if (budgetMs === undefined) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ServiceUnavailableError('JwksUnavailable', 'The token signing keys could not be fetched. Try again shortly.')),
      budgetMs,
    );
  });
  // The verification may still settle after the deadline; nobody waits for it then.
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export const getProfile: RouteHandler = async (ctx) => profile(ctx, tokenFromHeader(ctx));

export const postProfile: RouteHandler = async (ctx) => profile(ctx, tokenFromBody(ctx));
