/**
 * `authstack login --browser`: the OAuth 2.0 authorization code flow with PKCE and a loopback redirect (RFC 8252,
 * as `gh auth login` and cloud CLIs do it), against the target's hosted sign-in: Cognito's on AWS, the local
 * Cognito's under `authstack dev`. The session is saved exactly as `login` saves it.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { Context } from '../core/context.js';
import { UserError, interruptedError } from '../core/errors.js';
import type { HostedUi } from '../core/hosted-ui.js';
import { secondsSetting } from '../core/parse.js';
import { sessionKey, type Session } from '../core/sessions.js';
import type { Target } from '../core/targets.js';

export interface BrowserLoginOptions {
  /** Try to open the system browser. Default true; the URL is printed either way. */
  open?: boolean;
  /** Give up waiting for the redirect after this long. Default 5 minutes (`AUTHSTACK_LOGIN_TIMEOUT` seconds). */
  timeoutMs?: number;
  /** Opens a URL in the user's browser; resolves false when none could be started. Default: the platform's opener. */
  openUrl?: (url: string) => Promise<boolean>;
}

export interface BrowserLogin {
  session: Session;
  /** The authorize URL the user was sent to. */
  url: string;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export async function browserLogin(ctx: Context, target: Target, opts: BrowserLoginOptions = {}): Promise<BrowserLogin> {
  const ui = target.hostedUi;
  if (!ui) {
    throw new UserError('usage', `The target ${target.name} has no hosted sign-in recorded.`, {
      code: 'NoHostedSignIn',
      hint: target.kind === 'local' ? 'Restart authstack dev with this version' : 'Deploy the stack again with this version (authstack deploy)',
    });
  }
  const redirectUri = loopbackCallback(ui);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const url = `${ui.domainUrl}/oauth2/authorize?${new URLSearchParams({
    client_id: target.clientId,
    response_type: 'code',
    scope: ui.scopes.join(' '),
    redirect_uri: redirectUri,
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })}`;

  const redirect = new URL(redirectUri);
  const server = await listenLoopback(Number(redirect.port));
  try {
    const callback = waitForCallback(ctx, server, redirect.pathname, state, timeoutOf(ctx, opts));
    const opened = opts.open === false ? false : await (opts.openUrl ?? ((u: string) => openInBrowser(u, ctx.env.BROWSER)))(url);
    ctx.out.info(
      opened ? `Opened the sign-in page in your browser. If it did not appear, open:\n  ${url}` : `Open this URL in a browser to sign in:\n  ${url}`,
    );
    ctx.out.info(ctx.out.c.dim(`Waiting for the sign-in to come back to ${redirectUri} (Ctrl-C to stop)…`));
    const code = await callback;
    const session = await exchangeCode(ctx, ui, target.clientId, { code, redirectUri, verifier, nonce });
    await ctx.sessions.set(sessionKey(target), session);
    return { session, url };
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** The first callback URL the CLI can listen on: plain HTTP on a loopback host, with a port. */
function loopbackCallback(ui: HostedUi): string {
  const found = ui.callbackUrls.find((candidate) => {
    try {
      const url = new URL(candidate);
      return url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname) && url.port !== '';
    } catch {
      return false;
    }
  });
  if (!found) {
    throw new UserError('usage', "None of the app client's callback URLs is a loopback URL authstack can listen on.", {
      code: 'NoLoopbackCallback',
      hint: 'Deploy (or start authstack dev) with --callback-url http://localhost:47651/callback (the default) among the callback URLs',
    });
  }
  return found;
}

function timeoutOf(ctx: Context, opts: BrowserLoginOptions): number {
  if (opts.timeoutMs !== undefined) return opts.timeoutMs;
  return secondsSetting(ctx.env, 'AUTHSTACK_LOGIN_TIMEOUT') ?? DEFAULT_TIMEOUT_MS;
}

function listenLoopback(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new UserError('local', `Port ${port} on 127.0.0.1, where the sign-in comes back to, is in use.`, {
              code: 'PortInUse',
              hint: 'Finish or stop the other authstack login --browser, or what else listens there',
            })
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Resolves with the code the hosted sign-in redirects back with; fails on its error, Ctrl-C or the time limit. */
function waitForCallback(ctx: Context, server: Server, path: string, state: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(
        new UserError('auth', `No sign-in came back within ${Math.round(timeoutMs / 1000)} s.`, {
          code: 'LoginTimeout',
          hint: 'Run authstack login --browser again and finish signing in in the browser',
        }),
      );
    }, timeoutMs);
    const onAbort = (): void => {
      finish();
      reject(interruptedError());
    };
    const finish = (): void => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      server.off('request', onRequest);
    };
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== path) return page(res, 404, 'Not found', 'This is where authstack waits for the sign-in.');
      const params = url.searchParams;
      // A request without our state is not the answer to our request (another tab, a stale link): keep waiting.
      if (params.get('state') !== state) return page(res, 400, 'Sign-in not recognised', 'Start again with authstack login --browser.');
      finish();
      const error = params.get('error');
      const code = params.get('code');
      if (error || !code) {
        page(res, 400, 'Sign-in failed', `${error ?? 'no code'}: ${params.get('error_description') ?? ''}`);
        return reject(
          new UserError(
            'auth',
            `The hosted sign-in answered ${error ?? 'without a code'}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}.`,
            {
              code: 'HostedSignInError',
            },
          ),
        );
      }
      page(res, 200, 'Signed in', 'You are signed in to authstack. You can close this window and go back to the terminal.');
      resolve(code);
    };
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    server.on('request', onRequest);
  });
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · authstack</title></head><body style="font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto"><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
  res.end(html);
}

async function exchangeCode(
  ctx: Context,
  ui: HostedUi,
  clientId: string,
  grant: { code: string; redirectUri: string; verifier: string; nonce: string },
): Promise<Session> {
  let res: Response;
  try {
    res = await ctx.fetch(`${ui.domainUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: grant.code,
        redirect_uri: grant.redirectUri,
        code_verifier: grant.verifier,
      }),
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]),
    });
  } catch (error) {
    if (ctx.signal.aborted) throw interruptedError();
    throw new UserError('network', `Cannot reach the token endpoint ${ui.domainUrl}/oauth2/token.`, { code: 'Unreachable', cause: error });
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof body.access_token !== 'string') {
    throw new UserError('auth', `The token endpoint refused the code: ${String(body.error ?? res.status)}.`, { code: 'TokenExchangeFailed' });
  }
  const idToken = typeof body.id_token === 'string' ? body.id_token : undefined;
  const claims = idToken ? decodeClaims(idToken) : {};
  if (idToken && claims.nonce !== grant.nonce) {
    throw new UserError('auth', 'The ID token does not carry the nonce of this sign-in; refusing it.', { code: 'NonceMismatch' });
  }
  const username = String(claims.email ?? claims['cognito:username'] ?? decodeClaims(body.access_token).username ?? '');
  return {
    username,
    accessToken: body.access_token,
    idToken,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresAt: ctx.clock.now() + (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000,
  };
}

function decodeClaims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The platform's way to open a URL ($BROWSER first); false when nothing could be started. */
function openInBrowser(url: string, browser: string | undefined): Promise<boolean> {
  const [command, args] = browser
    ? [browser, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
