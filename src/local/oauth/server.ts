/**
 * The local Cognito's OAuth 2.0 / OpenID Connect endpoints: what Cognito serves on a user pool domain (its "user
 * pool endpoints"), on the local Cognito's loopback port with the same paths, parameters, errors and token
 * shapes: `/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`, `/oauth2/userInfo`, `/logout`, the sign-in, sign-up,
 * confirmation and forgot-password pages, and the issuer's `/.well-known/openid-configuration`.
 *
 * Users, passwords and tokens are the local Cognito's own: every page and grant goes through the same operations
 * the API takes (`InitiateAuth`, `SignUp`, ...), so the hosted pages and the SDK see one user pool.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  confirmPage,
  errorPage,
  forgotPasswordPage,
  resetPasswordPage,
  signInPage,
  signUpPage,
  type PageOptions,
} from './pages.js';
import { TokenSigner, accessTokenHash, decodeClaims, pkceMatches } from './tokens.js';

/** An app client's OAuth settings. */
export interface OAuthClient {
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
  dispatch(target: string, req: Record<string, unknown>): Promise<unknown>;
  /** cognito-local's signing key (PEM), which the JWKS publishes. */
  signingKeyPem: string;
  /** The password policy, in words, for the sign-up and reset pages. */
  passwordPolicy: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

export interface OAuthServer {
  /** Serves the request when it is one of the OAuth endpoints or pages; false when it is not ours. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/** Cognito's authorization codes live five minutes; its sign-in session cookie one hour. */
export const CODE_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 60 * 60_000;
export const SESSION_COOKIE = 'cognito';
const CSRF_COOKIE = 'XSRF-TOKEN';
const MAX_FORM = 64 * 1024;

interface AuthorizeRequest {
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

type Params = URLSearchParams;
type Outcome = { ok: AuthorizeRequest } | { redirect: string };

interface OperationError {
  code?: string;
  message?: string;
}

export function createOAuthServer(opts: OAuthServerOptions): OAuthServer {
  const now = opts.now ?? Date.now;
  const { client, baseUrl } = opts;
  const signer = new TokenSigner(opts.signingKeyPem);
  const codes = new Map<string, CodeGrant>();
  const sessions = new Map<string, Session>();
  /** The scopes granted with each refresh token, so refreshed access tokens keep them. */
  const grantedScopes = new Map<string, string[]>();
  const poolPath = new URL(opts.issuer).pathname;

  const errorRedirect = (error: string, description: string): string =>
    `${baseUrl}/error?${new URLSearchParams({ error, error_description: description, client_id: client.clientId })}`;

  /** Cognito's checks of an authorize request, in its order: client, redirect URI, then the rest. */
  const checkAuthorize = (params: Params): Outcome => {
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
      ok: {
        redirectUri,
        scopes,
        state,
        nonce: params.get('nonce') ?? undefined,
        codeChallenge: challenge,
        query: params.toString(),
      },
    };
  };

  /** Issues a code for the signed-in session and returns the redirect that delivers it. */
  const issueCode = (request: AuthorizeRequest, session: Session): string => {
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
  };

  const currentSession = (req: IncomingMessage): Session | undefined => {
    const id = cookies(req)[SESSION_COOKIE];
    const session = id ? sessions.get(id) : undefined;
    if (session && session.expiresAt > now()) return session;
    if (id) sessions.delete(id);
    return undefined;
  };

  const startSession = (res: ServerResponse, session: Omit<Session, 'expiresAt'>): Session => {
    const id = randomBytes(24).toString('base64url');
    const started = { ...session, expiresAt: now() + SESSION_TTL_MS };
    sessions.set(id, started);
    appendCookie(res, `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}`);
    return started;
  };

  /** The tokens for a grant: InitiateAuth's, with the granted scopes in the access token and nonce in the ID token. */
  const tokensFor = async (refreshToken: string, scopes: string[], nonce?: string): Promise<Record<string, unknown>> => {
    const result = (await opts.dispatch('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: client.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    })) as { AuthenticationResult: { AccessToken: string; IdToken: string; ExpiresIn?: number } };
    const auth = result.AuthenticationResult;
    const accessToken = signer.resign(auth.AccessToken, (claims) => {
      claims.scope = scopes.join(' ');
    });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: auth.ExpiresIn ?? 3600,
      token_type: 'Bearer',
    };
    if (scopes.includes('openid')) {
      body.id_token = signer.resign(auth.IdToken, (claims) => {
        claims.at_hash = accessTokenHash(accessToken);
        if (nonce !== undefined) claims.nonce = nonce;
      });
    }
    return body;
  };

  const pageOptions = (req: IncomingMessage, res: ServerResponse, request: AuthorizeRequest, extra: Partial<PageOptions> = {}): PageOptions => {
    let csrf = cookies(req)[CSRF_COOKIE];
    if (!csrf) {
      csrf = randomBytes(18).toString('base64url');
      appendCookie(res, `${CSRF_COOKIE}=${csrf}; Path=/; HttpOnly; SameSite=Lax`);
    }
    return { query: request.query, csrf, ...extra };
  };

  const render = (
    req: IncomingMessage,
    res: ServerResponse,
    request: AuthorizeRequest,
    page: (o: PageOptions & { policy: string }) => string,
    extra: Partial<PageOptions> = {},
    status = 200,
  ): void => {
    const html = page({ ...pageOptions(req, res, request, extra), policy: opts.passwordPolicy });
    sendHtml(res, status, html);
  };

  /** Signs in with the password through InitiateAuth; on success the session starts and the code goes back. */
  const signIn = async (req: IncomingMessage, res: ServerResponse, request: AuthorizeRequest, form: Params): Promise<void> => {
    const username = (form.get('username') ?? '').trim();
    try {
      const result = (await opts.dispatch('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: client.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: form.get('password') ?? '' },
      })) as { AuthenticationResult?: { RefreshToken?: string } };
      const refreshToken = result.AuthenticationResult?.RefreshToken;
      if (!refreshToken) throw Object.assign(new Error('This sign-in needs a step the local pages do not offer.'), { code: 'NotSupported' });
      const session = startSession(res, { refreshToken, username });
      redirect(res, issueCode(request, session));
    } catch (error) {
      const { code, message } = error as OperationError;
      if (code === 'UserNotConfirmedException') {
        return redirect(res, `${baseUrl}/confirmUser?${withUsername(request.query, username)}`);
      }
      render(req, res, request, signInPage, { username, error: message ?? 'Sign-in failed.' }, 400);
    }
  };

  const pages: Record<string, { get: (o: PageOptions & { policy: string }) => string; post?: PostHandler }> = {
    '/login': { get: signInPage, post: signIn },
    '/signup': {
      get: signUpPage,
      async post(req, res, request, form) {
        const username = (form.get('username') ?? '').trim();
        try {
          await opts.dispatch('SignUp', {
            ClientId: client.clientId,
            Username: username,
            Password: form.get('password') ?? '',
            UserAttributes: [{ Name: 'email', Value: username }],
          });
          redirect(res, `${baseUrl}/confirmUser?${withUsername(request.query, username)}`);
        } catch (error) {
          render(req, res, request, signUpPage, { username, error: messageOf(error) }, 400);
        }
      },
    },
    '/confirmUser': {
      get: confirmPage,
      async post(req, res, request, form) {
        const username = (form.get('username') ?? '').trim();
        try {
          if (form.get('action') === 'resend') {
            await opts.dispatch('ResendConfirmationCode', { ClientId: client.clientId, Username: username });
            return render(req, res, request, confirmPage, { username, notice: 'We sent a new code.' });
          }
          await opts.dispatch('ConfirmSignUp', {
            ClientId: client.clientId,
            Username: username,
            ConfirmationCode: (form.get('code') ?? '').trim(),
          });
          render(req, res, request, signInPage, { username, notice: 'Your account is confirmed. Sign in to continue.' });
        } catch (error) {
          render(req, res, request, confirmPage, { username, error: messageOf(error) }, 400);
        }
      },
    },
    '/forgotPassword': {
      get: forgotPasswordPage,
      async post(req, res, request, form) {
        const username = (form.get('username') ?? '').trim();
        try {
          await opts.dispatch('ForgotPassword', { ClientId: client.clientId, Username: username });
          redirect(res, `${baseUrl}/confirmForgotPassword?${withUsername(request.query, username)}`);
        } catch (error) {
          render(req, res, request, forgotPasswordPage, { username, error: messageOf(error) }, 400);
        }
      },
    },
    '/confirmForgotPassword': {
      get: resetPasswordPage,
      async post(req, res, request, form) {
        const username = (form.get('username') ?? '').trim();
        try {
          await opts.dispatch('ConfirmForgotPassword', {
            ClientId: client.clientId,
            Username: username,
            ConfirmationCode: (form.get('code') ?? '').trim(),
            Password: form.get('password') ?? '',
          });
          render(req, res, request, signInPage, { username, notice: 'Your password is changed. Sign in with it.' });
        } catch (error) {
          render(req, res, request, resetPasswordPage, { username, error: messageOf(error) }, 400);
        }
      },
    },
  };

  const token = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    }
    const form = await readForm(req);
    if (!form) return oauthError(res, 400, 'invalid_request', 'The request body is too large.');
    const clientId = form.get('client_id') ?? basicClientId(req.headers.authorization);
    if (clientId !== client.clientId) return oauthError(res, 400, 'invalid_client', 'Client authentication failed.');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const grant = codes.get(code);
      codes.delete(code); // single use, whatever comes of this attempt
      const verifier = form.get('code_verifier');
      const valid =
        grant !== undefined &&
        grant.expiresAt > now() &&
        grant.clientId === clientId &&
        grant.redirectUri === form.get('redirect_uri') &&
        (grant.codeChallenge === undefined ? verifier === null : verifier !== null && pkceMatches(verifier, grant.codeChallenge));
      if (!valid) return oauthError(res, 400, 'invalid_grant');
      try {
        const body = await tokensFor(grant.refreshToken, grant.scopes, grant.nonce);
        grantedScopes.set(grant.refreshToken, grant.scopes);
        return sendJson(res, 200, { ...body, refresh_token: grant.refreshToken }, { 'cache-control': 'no-store', pragma: 'no-cache' });
      } catch {
        return oauthError(res, 400, 'invalid_grant');
      }
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      try {
        const body = await tokensFor(refreshToken, grantedScopes.get(refreshToken) ?? [...client.scopes]);
        return sendJson(res, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
      } catch {
        return oauthError(res, 400, 'invalid_grant');
      }
    }
    if (grantType === 'client_credentials') return oauthError(res, 400, 'unauthorized_client');
    return oauthError(res, 400, 'unsupported_grant_type');
  };

  /**
   * Cognito's /oauth2/revoke: a form with the refresh token (and the client id, or Basic authentication); an empty
   * 200 when revoked, and with it every token of that sign-in, as RevokeToken does.
   */
  const revoke = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    }
    const form = await readForm(req);
    const token = form?.get('token');
    if (!token) return oauthError(res, 400, 'invalid_request');
    const clientId = form?.get('client_id') ?? basicClientId(req.headers.authorization);
    if (clientId !== client.clientId) return oauthError(res, 400, 'invalid_client');
    try {
      await opts.dispatch('RevokeToken', { ClientId: clientId, Token: token });
    } catch (error) {
      const code = (error as { code?: string }).code;
      return oauthError(res, 400, code === 'UnsupportedTokenTypeException' ? 'unsupported_token_type' : 'invalid_request');
    }
    res.writeHead(200, { 'cache-control': 'no-store' }).end();
  };

  const userInfo = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return bearerError(res, 'invalid_request', 'Access token is missing.');
    const accessToken = match[1]!;
    const scopes = String(decodeClaims(accessToken)?.scope ?? '').split(' ');
    let user: { Username: string; UserAttributes?: { Name: string; Value?: string }[] };
    try {
      user = (await opts.dispatch('GetUser', { AccessToken: accessToken })) as typeof user;
    } catch (error) {
      return bearerError(res, 'invalid_token', messageOf(error));
    }
    if (!scopes.includes('openid') && !scopes.includes('aws.cognito.signin.user.admin')) {
      return bearerError(res, 'insufficient_scope', 'The access token does not have the openid scope.', 403);
    }
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? '']));
    const emailScoped = scopes.includes('email') || scopes.includes('aws.cognito.signin.user.admin');
    const info: Record<string, string> = { sub: attributes.sub ?? '' };
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'sub') continue;
      if ((name === 'email' || name === 'email_verified') && !emailScoped) continue;
      if (name !== 'email' && name !== 'email_verified' && !scopes.includes('profile')) continue;
      info[name] = value;
    }
    info.username = user.Username;
    sendJson(res, 200, info);
  };

  const logout = (req: IncomingMessage, res: ServerResponse, params: Params): void => {
    if (params.get('client_id') !== client.clientId) {
      return redirect(res, errorRedirect('invalid_request', 'The client_id is not a client of this user pool.'));
    }
    const logoutUri = params.get('logout_uri');
    let target: string;
    if (logoutUri !== null) {
      if (!client.logoutUrls.includes(logoutUri)) {
        return redirect(res, errorRedirect('redirect_mismatch', 'The logout_uri is not a sign-out URL of the client.'));
      }
      target = logoutUri;
    } else {
      // Sign out and sign in again: the parameters of an authorize request.
      const outcome = checkAuthorize(params);
      if ('redirect' in outcome) return redirect(res, outcome.redirect);
      target = `${baseUrl}/login?${outcome.ok.query}`;
    }
    const id = cookies(req)[SESSION_COOKIE];
    if (id) sessions.delete(id);
    appendCookie(res, `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    redirect(res, target);
  };

  const discovery = (): Record<string, unknown> => ({
    issuer: opts.issuer,
    authorization_endpoint: `${baseUrl}/oauth2/authorize`,
    token_endpoint: `${baseUrl}/oauth2/token`,
    userinfo_endpoint: `${baseUrl}/oauth2/userInfo`,
    end_session_endpoint: `${baseUrl}/logout`,
    jwks_uri: opts.jwksUri,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
  });

  const route = async (req: IncomingMessage, res: ServerResponse, path: string, params: Params): Promise<void> => {
    const method = req.method ?? 'GET';
    if (path === `${poolPath}/.well-known/openid-configuration`) return sendJson(res, 200, discovery());
    if (path === '/oauth2/token') return method === 'POST' ? token(req, res) : oauthError(res, 405, 'invalid_request');
    if (path === '/oauth2/revoke') return method === 'POST' ? revoke(req, res) : oauthError(res, 405, 'invalid_request');
    if (path === '/oauth2/userInfo') return userInfo(req, res);
    if (path === '/logout') return logout(req, res, params);
    if (path === '/error') {
      return sendHtml(res, 400, errorPage(params.get('error') ?? 'invalid_request', params.get('error_description') ?? ''));
    }
    const outcome = checkAuthorize(params);
    if ('redirect' in outcome) return redirect(res, outcome.redirect);
    const request = outcome.ok;
    if (path === '/oauth2/authorize') {
      const session = currentSession(req);
      return session ? redirect(res, issueCode(request, session)) : redirect(res, `${baseUrl}/login?${request.query}`);
    }
    const page = pages[path]!;
    if (method === 'GET') return render(req, res, request, page.get, { username: params.get('username') ?? undefined });
    const form = await readForm(req);
    const csrf = cookies(req)[CSRF_COOKIE];
    if (!form || !csrf || form.get('_csrf') !== csrf) {
      return render(req, res, request, page.get, { error: 'Your session expired. Please try again.' }, 403);
    }
    await page.post!(req, res, request, form);
  };

  const paths = new Set(['/oauth2/authorize', '/oauth2/token', '/oauth2/revoke', '/oauth2/userInfo', '/logout', '/error', ...Object.keys(pages)]);

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', baseUrl);
      const path = url.pathname;
      const method = req.method ?? 'GET';
      if (method === 'OPTIONS') return false; // the local Cognito answers CORS preflights for every path
      const ours = paths.has(path) || (method === 'GET' && path === `${poolPath}/.well-known/openid-configuration`);
      if (!ours) return false;
      if (method !== 'GET' && method !== 'POST') {
        sendJson(res, 405, { error: 'invalid_request' });
        return true;
      }
      route(req, res, path, url.searchParams).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: messageOf(error) });
        else res.destroy();
      });
      return true;
    },
  };
}

type PostHandler = (req: IncomingMessage, res: ServerResponse, request: AuthorizeRequest, form: Params) => Promise<void>;

function messageOf(error: unknown): string {
  const message = (error as OperationError | undefined)?.message;
  return typeof message === 'string' && message ? message : 'Something went wrong.';
}

function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}

function withUsername(query: string, username: string): string {
  const params = new URLSearchParams(query);
  params.set('username', username);
  return params.toString();
}

/** The client id of `Authorization: Basic base64(client_id:secret)`. */
function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  return decodeURIComponent(decoded.split(':', 1)[0] ?? '');
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function appendCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('set-cookie');
  res.setHeader('set-cookie', [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), cookie]);
}

function readForm(req: IncomingMessage): Promise<Params | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_FORM ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    // Single-page apps call the token, userInfo and discovery endpoints from the browser, as on Cognito.
    'access-control-allow-origin': '*',
    ...headers,
  });
  res.end(text);
}

function oauthError(res: ServerResponse, status: number, error: string, description?: string): void {
  sendJson(res, status, description ? { error, error_description: description } : { error });
}

function bearerError(res: ServerResponse, error: string, description: string, status = 401): void {
  res.setHeader('www-authenticate', `Bearer error="${error}", error_description="${description.replace(/"/g, "'")}"`);
  sendJson(res, status, { error, error_description: description });
}
