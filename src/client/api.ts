import type { Context } from '../core/context.js';
import { UserError } from '../core/errors.js';
import { networkReason } from '../core/health.js';
import type { Target } from '../core/targets.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  json: unknown;
  text: string;
  ms: number;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  path: string;
  body?: unknown;
  /** An access token, sent as `Authorization: Bearer`. */
  token?: string;
  /** Per-request time limit. Default 15 s. */
  timeoutMs?: number;
}

/** Calls the API. Network failures become a clear `UserError`; HTTP errors are returned for the caller to judge. */
export async function callApi(ctx: Context, target: Target, req: ApiRequest): Promise<ApiResponse> {
  const url = target.apiUrl + req.path;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  const started = performance.now();
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.any([AbortSignal.timeout(req.timeoutMs ?? 15_000), ctx.signal]),
    });
  } catch (err) {
    throw unreachable(target, url, err);
  }
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text, ms };
}

/** The API's error document `{"error":{"code","message"}}`, or API Gateway's `{"message"}`. */
export function apiErrorOf(res: ApiResponse): { code: string; message: string } {
  const body = res.json as { error?: { code?: unknown; message?: unknown }; message?: unknown } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : `Http${res.status}`;
  const message =
    typeof body?.error?.message === 'string' ? body.error.message : typeof body?.message === 'string' ? body.message : res.text.slice(0, 200) || 'no details';
  return { code, message };
}

/** Throws the API's error as one clear line (status and reason) unless the response is a success. */
export function expectOk(res: ApiResponse, what: string): void {
  if (res.status >= 200 && res.status < 300) return;
  const { code, message } = apiErrorOf(res);
  throw new UserError(res.status === 401 || res.status === 403 ? 'auth' : 'api', `${what} failed: ${res.status} ${code}: ${message}`, {
    code,
    details: { status: res.status },
  });
}

function unreachable(target: Target, url: string, err: unknown): UserError {
  return unreachableBecause(target, url, networkReason(err), err);
}

/** "Cannot reach <origin> (<reason>)." with what to check: the local stack, or the URL and network. */
export function unreachableBecause(target: Target, url: string, reason: string, cause?: unknown): UserError {
  const hint =
    target.kind === 'local' && target.name === 'local' ? 'Is "authstack dev" running? Start it in another terminal' : 'Check the URL and your network';
  return new UserError('network', `Cannot reach ${new URL(url).origin} (${reason}).`, { code: 'Unreachable', hint, cause });
}
