import { randomBytes } from 'node:crypto';
import type { Context } from '../core/context.js';
import { UserError, errorLine } from '../core/errors.js';
import type { Target } from '../core/targets.js';
import { checkHealth } from '../core/health.js';
import { apiErrorOf, callApi, unreachableBecause, type ApiResponse } from './api.js';
import { authenticate, cognitoClient, cognitoError, cognitoSend } from './auth.js';

export interface SmokeOptions {
  /** Email template; `{id}` is replaced by a unique id. Required against AWS (Cognito mails the code). */
  email?: string;
  /** API base URLs to check (e.g. the custom domain and the execute-api URL). Default: the target's. */
  urls: string[];
  /**
   * Reads the latest confirmation code sent to an address, for a target whose codes land in a local mailbox
   * (the command passes the local stack's reader; the client layer knows nothing of the local stack). Without
   * it, the user is confirmed with AdminConfirmSignUp.
   */
  readCode?: (email: string) => Promise<string | undefined>;
  /** How long to wait for the local mailbox to receive the code. Default 5 s. */
  mailboxTimeoutMs?: number;
  /**
   * A route of the project that only a signed-in user may call (`protectedRoute` picks one from the project's
   * routes): smoke checks API Gateway's authorizer refuses it no token and a bad token, and admits the user.
   * Absent: those checks are skipped, with a note.
   */
  protectedRoute?: ProtectedRoute;
  /** How long to wait for the processing function to publish the smoke picture (pictures on). Default 60 s. */
  pictureTimeoutMs?: number;
}

/** A signed-in route as smoke calls it: the method and a path with every parameter filled in. */
export interface ProtectedRoute {
  readonly method: string;
  /** As declared: `/notes/{id}`. */
  readonly route: string;
  /** As called: `/notes/smoke`. */
  readonly path: string;
}

/** The value a path parameter gets in smoke's call: the handler answers what it answers for it (404 is fine). */
const PARAMETER_VALUE = 'smoke';

/**
 * The route smoke checks the authorizer on: a GET (or ANY) route open to any signed-in user (the ID token, API
 * Gateway's default; scope and group routes would refuse the smoke user for reasons of their own), one without
 * path parameters first, else the first with each parameter filled in.
 */
export function protectedRoute(routes: readonly { method: string; path: string; access?: { kind: string } }[]): ProtectedRoute | undefined {
  const candidates = routes.filter((r) => r.access?.kind === 'signed-in' && (r.method === 'GET' || r.method === 'ANY'));
  const pick = candidates.find((r) => !r.path.includes('{')) ?? candidates[0];
  if (!pick) return undefined;
  return { method: 'GET', route: pick.path, path: pick.path.replace(/\{[^}]+\}/g, PARAMETER_VALUE) };
}

export interface SmokeStep {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  message?: string;
}

export interface SmokeReport {
  ok: boolean;
  target: string;
  username?: string;
  steps: SmokeStep[];
  failedStep?: string;
  totalMs: number;
}

class StepFailure extends Error {}

/**
 * Proves a target works end to end with authentication: health, sign-up of a unique user, confirmation,
 * login, profile, negative checks, and a cleanup that runs whatever failed. `onStep` reports each step as
 * it ends, for live output.
 */
export async function runSmoke(ctx: Context, target: Target, options: SmokeOptions, onStep: (s: SmokeStep) => void = () => undefined): Promise<SmokeReport> {
  const started = performance.now();
  const steps: SmokeStep[] = [];
  const local = target.kind === 'local';
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const template = options.email ?? (local ? 'smoke+{id}@authstack.test' : undefined);
  if (!template) {
    throw new UserError('usage', 'Smoke tests against AWS need an email address you own (Cognito mails the code at sign-up).', {
      code: 'NoEmail',
      hint: "Pass --email 'you+{id}@example.com'",
    });
  }
  const username = template.includes('{id}') ? template.replaceAll('{id}', id) : template;
  const password = `Sm0ke!${randomBytes(12).toString('base64url')}a1`;
  let failed = false;
  let created = false;
  let signupTried = false;
  let accessToken = '';
  let idToken = '';

  const step = async (name: string, fn: () => Promise<string | void>): Promise<void> => {
    if (failed) {
      const s: SmokeStep = { name, status: 'skipped', ms: 0, message: 'an earlier step failed' };
      steps.push(s);
      onStep(s);
      return;
    }
    const t0 = performance.now();
    let s: SmokeStep;
    try {
      const note = await fn();
      s = { name, status: 'passed', ms: Math.round(performance.now() - t0), ...(note ? { message: note } : {}) };
    } catch (err) {
      failed = true;
      s = { name, status: 'failed', ms: Math.round(performance.now() - t0), message: failureMessage(err) };
    }
    steps.push(s);
    onStep(s);
  };
  const at = (base: string, name: string) => (options.urls.length > 1 ? `${name} (${base})` : name);
  const api = (base: string, req: Parameters<typeof callApi>[2]) => callApi(ctx, { ...target, apiUrl: base }, req);

  for (const base of options.urls) {
    await step(at(base, 'health'), async () => {
      const health = await checkHealth({ apiUrl: base, fetch: ctx.fetch, clock: ctx.clock, signal: ctx.signal });
      if (health.healthy) return;
      if (health.status === undefined) throw unreachableBecause(target, health.url, health.reason ?? 'network error');
      throw new StepFailure(health.status === 200 ? `not healthy: ${health.reason}` : `expected HTTP 200, got ${health.status}`);
    });
  }
  const main = options.urls[0]!;
  await step('signup', async () => {
    signupTried = true;
    const res = await api(main, { method: 'POST', path: '/user', body: { username, password } });
    expectStatus(res, 201);
    created = true;
    return username;
  });
  await step('confirm', async () => {
    if (local) {
      if (!options.readCode) throw new StepFailure('the local target has no mailbox folder');
      const code = await mailboxCode(ctx, options.readCode, username, options.mailboxTimeoutMs ?? 5000);
      const res = await api(main, { method: 'POST', path: '/user/validate', body: { username, code } });
      expectStatus(res, 200);
      return 'code from the local mailbox';
    }
    await adminCall(ctx, target, 'AdminConfirmSignUp', username);
    return 'AdminConfirmSignUp';
  });
  await step('login', async () => {
    // On a pool that requires MFA the new user sets TOTP up with a secret only this run knows.
    const { computedMfaAnswer } = await import('./mfa.js');
    const session = await authenticate(ctx, target, username, password, 'srp', { answer: computedMfaAnswer(ctx, target, username) });
    accessToken = session.accessToken;
    idToken = session.idToken ?? '';
  });
  for (const base of options.urls) {
    await step(at(base, 'profile'), async () => {
      const res = await api(base, { method: 'GET', path: '/user/profile', token: accessToken });
      expectStatus(res, 200);
      const email = (res.json as { email?: unknown })?.email;
      if (email !== username) throw new StepFailure(`profile is not the smoke user's (email ${String(email)})`);
    });
  }
  await step('profile without a token is refused', async () => {
    expectStatus(await api(main, { method: 'GET', path: '/user/profile' }), 401);
  });
  await step('profile with a tampered token is refused', async () => {
    expectStatus(await api(main, { method: 'GET', path: '/user/profile', token: tamper(accessToken) }), 401);
  });
  const route = options.protectedRoute;
  if (route) {
    const name = `${route.method} ${route.route}`;
    const call = (token?: string) => callRoute(ctx, target, main, route, token);
    // API Gateway's Cognito authorizer answers 401 {"message":"Unauthorized"} to a missing or invalid token.
    await step(`${name} without a token is refused`, async () => {
      expectStatus(await call(), 401);
    });
    await step(`${name} with a tampered token is refused`, async () => {
      expectStatus(await call(tamper(idToken)), 401);
    });
    await step(`${name} admits the signed-in user`, async () => {
      if (!idToken) throw new StepFailure('the sign-in gave no ID token');
      const res = await call(idToken);
      if (res.status === 401 || res.status === 403) {
        const { code, message } = apiErrorOf(res);
        throw new StepFailure(`expected the handler's answer, got ${res.status} ${code}: ${message}`);
      }
      return `HTTP ${res.status}`;
    });
  } else {
    const s: SmokeStep = { name: 'signed-in route', status: 'skipped', ms: 0, message: 'the project declares no signed-in GET route to check' };
    steps.push(s);
    onStep(s);
  }
  // Pictures on: a tiny JPEG with GPS in its EXIF goes up through the presigned POST, comes back through the CDN
  // with no metadata, and is removed.
  let pictureUploaded = false;
  if (target.picturesUrl) {
    const cdn = target.picturesUrl;
    const pictures = await import('./picture.js');
    const { SMOKE_JPEG, jpegMetadata } = await import('./smoke-picture.js');
    let version = '';
    let pictureUrl = '';
    await step('picture upload', async () => {
      const upload = await pictures.requestUpload(ctx, { ...target, apiUrl: main }, accessToken, 'image/jpeg');
      pictureUploaded = true;
      await pictures.postPicture(ctx, upload, SMOKE_JPEG, 'smoke.jpg');
      version = upload.version;
      return `${SMOKE_JPEG.length} bytes with EXIF GPS`;
    });
    await step('picture through the CDN, without metadata', async () => {
      pictureUrl = await pictures.waitForPicture(ctx, { ...target, apiUrl: main }, accessToken, version, {
        timeoutMs: options.pictureTimeoutMs ?? 60_000,
        everyMs: 250,
      });
      if (!pictureUrl.startsWith(`${cdn}/`)) throw new StepFailure(`the picture ${pictureUrl} is not under the CDN URL ${cdn}`);
      const res = await ctx.fetch(pictureUrl, { signal: AbortSignal.any([AbortSignal.timeout(30_000), ctx.signal]) });
      if (res.status !== 200) throw new StepFailure(`expected HTTP 200 from the CDN, got ${res.status}`);
      const left = jpegMetadata(new Uint8Array(await res.arrayBuffer()));
      if (left.length > 0) throw new StepFailure(`the served picture still carries ${left.join(', ')}`);
      if (!/immutable/.test(res.headers.get('cache-control') ?? ''))
        throw new StepFailure(`Cache-Control is "${res.headers.get('cache-control') ?? ''}", not immutable`);
      return pictureUrl;
    });
    await step('picture remove', async () => {
      const removed = await pictures.removePicture(ctx, { ...target, apiUrl: main }, accessToken);
      pictureUploaded = false;
      return `${removed} objects removed`;
    });
  } else {
    const s: SmokeStep = { name: 'picture', status: 'skipped', ms: 0, message: 'the target has pictures off' };
    steps.push(s);
    onStep(s);
  }
  await step('wrong password is refused', async () => {
    try {
      await authenticate(ctx, target, username, `${password}x`);
    } catch (err) {
      if ((err as UserError).code === 'NotAuthorized') return;
      throw err;
    }
    throw new StepFailure('login with a wrong password succeeded');
  });

  // Cleanup runs even when a step failed: a smoke run leaves nothing behind in the user pool.
  failed = false;
  await step('cleanup', async () => {
    // A sign-up that failed may still have created the user (a timeout after Cognito acted), so try then too.
    if (!signupTried) return 'nothing to delete';
    // A picture left by a failed step goes first: deleting the user leaves the bucket's objects.
    if (pictureUploaded && accessToken) await (await import('./picture.js')).removePicture(ctx, { ...target, apiUrl: main }, accessToken).catch(() => 0);
    try {
      await adminCall(ctx, target, 'AdminDeleteUser', username);
    } catch (err) {
      if ((err as UserError).code === 'UserNotFound' && !created) return 'no user was created';
      throw err;
    }
    return `deleted ${username}`;
  });
  const failedStep = steps.find((s) => s.status === 'failed')?.name;
  return { ok: !failedStep, target: target.name, username, steps, failedStep, totalMs: Math.round(performance.now() - started) };
}

/**
 * Calls the project's route with the token as the whole Authorization header, as API Gateway's Cognito
 * authorizer documents it (the identity token itself, no `Bearer ` prefix).
 */
async function callRoute(ctx: Context, target: Target, base: string, route: ProtectedRoute, token: string | undefined): Promise<ApiResponse> {
  const url = base + route.path;
  const started = performance.now();
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method: route.method,
      headers: { accept: 'application/json', ...(token === undefined ? {} : { authorization: token }) },
      signal: AbortSignal.any([AbortSignal.timeout(15_000), ctx.signal]),
    });
  } catch (err) {
    throw unreachableBecause(target, url, (err as Error)?.message ?? String(err));
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text, ms: Math.round(performance.now() - started) };
}

function expectStatus(res: ApiResponse, status: number): void {
  if (res.status === status) return;
  const { code, message } = apiErrorOf(res);
  throw new StepFailure(`expected HTTP ${status}, got ${res.status} ${code}: ${message}`);
}

function failureMessage(err: unknown): string {
  if (err instanceof UserError) return errorLine(err);
  if (err instanceof StepFailure) return err.message;
  return `unexpected error: ${(err as Error)?.message ?? String(err)}`;
}

/** Flips one character of the signature: the token stays well-formed but must not verify. */
export function tamper(token: string): string {
  if (!token) return 'not.a.token';
  const i = token.length - 5;
  const ch = token[i] === 'A' ? 'B' : 'A';
  return token.slice(0, i) + ch + token.slice(i + 1);
}

async function mailboxCode(ctx: Context, readCode: (email: string) => Promise<string | undefined>, email: string, timeoutMs: number): Promise<string> {
  const deadline = ctx.clock.now() + timeoutMs;
  for (;;) {
    const code = await readCode(email);
    if (code) return code;
    if (ctx.clock.now() >= deadline) throw new StepFailure(`no code for ${email} arrived in the local mailbox`);
    await ctx.clock.sleep(50, ctx.signal);
  }
}

async function adminCall(ctx: Context, target: Target, op: 'AdminConfirmSignUp' | 'AdminDeleteUser', username: string): Promise<void> {
  if (!target.userPoolId) throw new StepFailure(`${op} needs the user pool id (pass --user-pool-id)`);
  const { client, sdk } = await cognitoClient(ctx, target);
  const input = { UserPoolId: target.userPoolId, Username: username };
  try {
    await cognitoSend(ctx, (abortSignal) =>
      client.send(op === 'AdminConfirmSignUp' ? new sdk.AdminConfirmSignUpCommand(input) : new sdk.AdminDeleteUserCommand(input), { abortSignal }),
    );
  } catch (err) {
    throw cognitoError(err, username);
  }
}
