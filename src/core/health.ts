import type { Clock } from './clock.js';
import { thrownName, errorMessage, thrownCause, thrownCode } from './errors.js';

/** What one `GET /app/health` (or a series of them) found. Also the shape `--json` prints it in. */
export interface HealthCheck {
  /** The health URL that was called. */
  url: string;
  healthy: boolean;
  /** How many requests were made. */
  attempts: number;
  /** The HTTP status of the last answer; absent when there was none (unreachable, timed out). */
  status?: number;
  /** How long the last answer took. */
  ms?: number;
  /** The version the API reported. */
  version?: string;
  /** Why it is not healthy, e.g. `HTTP 503`, `connection refused`, `timed out`. */
  reason?: string;
}

export interface HealthCheckOptions {
  /** The API's base URL (without `/app/health`). */
  apiUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  /** Stops the checks (Ctrl-C); the last result is returned. */
  signal: AbortSignal;
  /** Keep asking until healthy, for up to this long. Default 0: one request. */
  waitMs?: number;
  /** Time limit of each request. Default 10 s. */
  attemptTimeoutMs?: number;
  /** Called before each retry with the result that is being retried. */
  onRetry?: (last: HealthCheck) => void;
  /** Called before each request: its number, and how many the wait allows at most (`plannedAttempts`). */
  onAttempt?: (attempt: number, planned: number) => void;
}

/** The back-off before retry `n` (1-based): a quarter second, doubling, at most two seconds. */
function backoffMs(retry: number): number {
  return Math.min(250 * 2 ** (retry - 1), 2000);
}

/** How many requests a wait of `waitMs` makes at most (when each answers at once): the N of "attempt n/N". */
export function plannedAttempts(waitMs: number): number {
  let attempts = 1;
  for (let waited = 0; waited < waitMs; attempts++) waited += Math.min(backoffMs(attempts), waitMs - waited);
  return attempts;
}

export const HEALTH_PATH = '/app/health';
const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * The one health check that `health`, `deploy`, `status` and `smoke` share: `GET /app/health` is healthy when it
 * answers 200 with `{"status":"healthy"}`. With `waitMs`, it retries with a back-off from a quarter second to two
 * seconds (quick when the API is nearly up, gentle when it is not) until healthy or out of time. It never throws
 * for an unhealthy or unreachable API: callers decide what that means.
 */
export async function checkHealth(options: HealthCheckOptions): Promise<HealthCheck> {
  const url = `${options.apiUrl.replace(/\/+$/, '')}${HEALTH_PATH}`;
  const deadline = options.clock.now() + (options.waitMs ?? 0);
  const planned = plannedAttempts(options.waitMs ?? 0);
  let attempts = 0;
  for (;;) {
    attempts++;
    options.onAttempt?.(attempts, Math.max(planned, attempts));
    const result = { url, attempts, ...(await attempt(url, options)) };
    if (result.healthy || options.clock.now() >= deadline || options.signal.aborted) return result;
    options.onRetry?.(result);
    await options.clock.sleep(Math.min(backoffMs(attempts), Math.max(0, deadline - options.clock.now())), options.signal);
    if (options.signal.aborted) return { ...result, reason: 'interrupted' };
  }
}

async function attempt(url: string, options: HealthCheckOptions): Promise<Omit<HealthCheck, 'url' | 'attempts'>> {
  const started = performance.now();
  let res: Response;
  try {
    res = await options.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.any([AbortSignal.timeout(options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS), options.signal]),
    });
  } catch (err) {
    return { healthy: false, reason: networkReason(err) };
  }
  const text = await res.text().catch(() => '');
  const ms = Math.round(performance.now() - started);
  let body: { status?: unknown; version?: unknown } | undefined;
  try {
    body = text ? (JSON.parse(text) as typeof body) : undefined;
  } catch {
    body = undefined;
  }
  const healthy = res.status === 200 && body?.status === 'healthy';
  return {
    healthy,
    status: res.status,
    ms,
    version: typeof body?.version === 'string' ? body.version : undefined,
    reason: healthy ? undefined : `HTTP ${res.status}${typeof body?.status === 'string' ? ` (${body.status})` : ''}`,
  };
}

/** Why a `fetch` failed, in a few words: `connection refused`, `host not found`, `timed out`, `interrupted`. */
export function networkReason(err: unknown): string {
  const inner = thrownCause(err);
  // fetch refuses some ports outright (6000, 10080, ...: the fetch standard's "bad ports") with a bare TypeError.
  const cause = thrownCode(inner) ?? (inner !== undefined && errorMessage(inner) === 'bad port' ? 'bad port' : thrownName(err));
  switch (cause) {
    case 'bad port':
      return 'fetch refuses to connect to this port; use another one';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return 'host not found';
    case 'TimeoutError':
      return 'timed out';
    case 'AbortError':
      return 'interrupted';
    default:
      return cause ?? 'network error';
  }
}
