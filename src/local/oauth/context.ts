/**
 * What the hosted sign-in's endpoints share: the options, the clock, the codes and sign-in sessions in flight,
 * and the steps several endpoints take (checking an authorize request, issuing a code, starting a session,
 * minting the tokens of a grant, rendering a page).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { realClock } from '../../core/clock.js';
import { appendCookie, cookies, sendHtml, withQuery, type Params } from './http.js';
import type { PageOptions } from './pages.js';
import { TokenSigner, accessTokenHash } from './tokens.js';

/** An app client's OAuth settings. */
interface OAuthClient {
  clientId: string;
  callbackUrls: readonly string[];
  logoutUrls: readonly string[];
  scopes: readonly string[];
}

export interface OAuthServerOptions {
  /** The URL the endpoints are served at (the local Cognito's endpoint), e.g. `http://127.0.0.1:9229`. */
  baseUrl: string;
  /** The pool's issuer: `<baseUrl>/<userPoolId>`. */
  issuer: string;
  jwksUri: string;
  client: OAuthClient;
  /** Runs a Cognito operation with the local Cognito's behaviour; fails with an error carrying Cognito's `code`. */
  dispatch(target: string, req: Record<string, unknown>, via?: { tokenSource?: 'HostedAuth' }): Promise<unknown>;
  /** cognito-local's signing key (PEM), which the JWKS publishes. */
  signingKeyPem: string;
  /** The password policy, in words, for the sign-up and reset pages. */
  passwordPolicy: string;
  /** Milliseconds since the epoch: the local Cognito's clock. Default the system's. */
  now?: () => number;
}

/** Cognito's authorization codes live five minutes; its sign-in session cookie one hour. */
export const CODE_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 60 * 60_000;
export const SESSION_COOKIE = 'cognito';
export const CSRF_COOKIE = 'XSRF-TOKEN';

/** An authorize request that passed Cognito's checks, carried through the pages by its query string. */
export interface AuthorizeRequest {
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  query: string;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  refreshToken: string;
  expiresAt: number;
}

interface Session {
  refreshToken: string;
  username: string;
  expiresAt: number;
}

type Outcome = { ok: AuthorizeRequest } | { redirect: string };

export type Page = (o: PageOptions & { policy: string }) => string;

export interface OAuthContext {
  readonly opts: OAuthServerOptions;
  readonly client: OAuthClient;
  readonly baseUrl: string;
  now(): number;
  readonly codes: Map<string, CodeGrant>;
  readonly sessions: Map<string, Session>;
  /** The scopes granted with each refresh token, so refreshed access tokens keep them. */
  readonly grantedScopes: Map<string, string[]>;
  /** The path of the pool's issuer, under which its discovery document is. */
  readonly poolPath: string;
  /** Cognito's error page, for what cannot be sent back to the client. */
  errorRedirect(error: string, description: string): string;
  /** Cognito's checks of an authorize request, in its order: client, redirect URI, then the rest. */
  checkAuthorize(params: Params): Outcome;
  /** Issues a code for the signed-in session and returns the redirect that delivers it. */
  issueCode(request: AuthorizeRequest, session: Session): string;
  currentSession(req: IncomingMessage): Session | undefined;
  startSession(res: ServerResponse, session: Omit<Session, 'expiresAt'>): Session;
  /** The tokens for a grant: InitiateAuth's, with the granted scopes in the access token and nonce in the ID token. */
  tokensFor(refreshToken: string, scopes: string[], nonce?: string, via?: { tokenSource?: 'HostedAuth' }): Promise<Record<string, unknown>>;
  render(req: IncomingMessage, res: ServerResponse, request: AuthorizeRequest, page: Page, extra?: Partial<PageOptions>, status?: number): void;
}

export function createOAuthContext(opts: OAuthServerOptions): OAuthContext {
  const now = opts.now ?? realClock.now;
  const { client, baseUrl } = opts;
  const signer = new TokenSigner(opts.signingKeyPem);
  const codes = new Map<string, CodeGrant>();
  const sessions = new Map<string, Session>();

  const errorRedirect = (error: string, description: string): string =>
    `${baseUrl}/error?${new URLSearchParams({ error, error_description: description, client_id: client.clientId })}`;

  const csrfFor = (req: IncomingMessage, res: ServerResponse): string => {
    let csrf = cookies(req)[CSRF_COOKIE];
    if (!csrf) {
      csrf = randomBytes(18).toString('base64url');
      appendCookie(res, `${CSRF_COOKIE}=${csrf}; Path=/; HttpOnly; SameSite=Lax`);
    }
    return csrf;
  };

  return {
    opts,
    client,
    baseUrl,
    now,
    codes,
    sessions,
    grantedScopes: new Map(),
    poolPath: new URL(opts.issuer).pathname,
    errorRedirect,

    checkAuthorize(params) {
      const clientId = params.get('client_id');
      if (!clientId || clientId !== client.clientId) {
        return { redirect: errorRedirect('invalid_request', 'The client_id is not a client of this user pool.') };
      }
      const redirectUri = params.get('redirect_uri') ?? '';
      if (!client.callbackUrls.includes(redirectUri)) {
        return { redirect: errorRedirect('redirect_mismatch', 'The redirect_uri is not a callback URL of the client.') };
      }
      const state = params.get('state') ?? undefined;
      const back = (error: string, description: string): Outcome => ({
        redirect: withQuery(redirectUri, { error, error_description: description, ...(state === undefined ? {} : { state }) }),
      });
      const responseType = params.get('response_type');
      if (responseType === 'token') return back('unauthorized_client', 'The client is not allowed the implicit grant.');
      if (responseType !== 'code') return back('unsupported_response_type', 'response_type must be code.');
      const requested = params.get('scope');
      const scopes = requested === null ? [...client.scopes] : requested.split(/[ +]/).filter(Boolean);
      if (scopes.length === 0 || scopes.some((scope) => !client.scopes.includes(scope))) {
        return back('invalid_scope', 'A requested scope is not allowed for the client.');
      }
      const challenge = params.get('code_challenge') ?? undefined;
      const method = params.get('code_challenge_method') ?? undefined;
      if (challenge !== undefined || method !== undefined) {
        if (method !== 'S256') return back('invalid_request', 'code_challenge_method must be S256.');
        if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
          return back('invalid_request', 'code_challenge must be a base64url SHA-256 of the code verifier.');
        }
      }
      return {
        ok: { redirectUri, scopes, state, nonce: params.get('nonce') ?? undefined, codeChallenge: challenge, query: params.toString() },
      };
    },

    issueCode(request, session) {
      const code = randomUUID();
      codes.set(code, {
        clientId: client.clientId,
        redirectUri: request.redirectUri,
        scopes: request.scopes,
        nonce: request.nonce,
        codeChallenge: request.codeChallenge,
        refreshToken: session.refreshToken,
        expiresAt: now() + CODE_TTL_MS,
      });
      for (const [key, grant] of codes) if (grant.expiresAt <= now()) codes.delete(key);
      return withQuery(request.redirectUri, { code, ...(request.state === undefined ? {} : { state: request.state }) });
    },

    currentSession(req) {
      const id = cookies(req)[SESSION_COOKIE];
      const session = id ? sessions.get(id) : undefined;
      if (session && session.expiresAt > now()) return session;
      if (id) sessions.delete(id);
      return undefined;
    },

    startSession(res, session) {
      const id = randomBytes(24).toString('base64url');
      const started = { ...session, expiresAt: now() + SESSION_TTL_MS };
      sessions.set(id, started);
      appendCookie(res, `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}`);
      return started;
    },

    async tokensFor(refreshToken, scopes, nonce, via) {
      const result = (await opts.dispatch(
        'InitiateAuth',
        { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: client.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } },
        via,
      )) as { AuthenticationResult: { AccessToken: string; IdToken: string; ExpiresIn?: number } };
      const auth = result.AuthenticationResult;
      const accessToken = signer.resign(auth.AccessToken, (claims) => {
        claims.scope = scopes.join(' ');
      });
      const body: Record<string, unknown> = { access_token: accessToken, expires_in: auth.ExpiresIn ?? 3600, token_type: 'Bearer' };
      if (scopes.includes('openid')) {
        body.id_token = signer.resign(auth.IdToken, (claims) => {
          claims.at_hash = accessTokenHash(accessToken);
          if (nonce !== undefined) claims.nonce = nonce;
        });
      }
      return body;
    },

    render(req, res, request, page, extra = {}, status = 200) {
      const html = page({ query: request.query, csrf: csrfFor(req, res), ...extra, policy: opts.passwordPolicy });
      sendHtml(res, status, html);
    },
  };
}
