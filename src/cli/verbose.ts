/**
 * `--verbose`: every call a command makes, one line each on stderr (never in the --json document): the HTTP method
 * and URL, or the AWS service and operation, then the status and the time it took.
 */
import type { AwsFactory } from '../core/aws.js';
import { errorMessage } from '../core/errors.js';

type Log = (line: string) => void;

/** `fetch`, saying each request it made. */
export function verboseFetch(inner: typeof fetch, log: Log): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    const started = performance.now();
    try {
      const res = await inner(input, init);
      log(`→ ${method} ${url} ${res.status} (${elapsed(started)})`);
      return res;
    } catch (err) {
      log(`→ ${method} ${url} failed: ${errorMessage(err)} (${elapsed(started)})`);
      throw err;
    }
  }) as typeof fetch;
}

type Sendable = { send(command: unknown, options?: unknown): Promise<unknown>; config?: { serviceId?: string } };

/** The factory, its clients saying each AWS call they made (retries of one call are one line, with their count). */
export function verboseAws(inner: AwsFactory, log: Log): AwsFactory {
  const seen = new WeakSet<object>();
  const watch = <T>(client: T): T => {
    const c = client as unknown as Sendable;
    if (seen.has(c)) return client;
    seen.add(c);
    const send = c.send.bind(c);
    c.send = async (command, options) => {
      const what = `AWS ${c.config?.serviceId ?? 'AWS'} ${(command as object).constructor.name.replace(/Command$/, '')}`;
      const started = performance.now();
      try {
        const out = (await send(command, options)) as { $metadata?: Metadata };
        log(`→ ${what} ${describe(out?.$metadata)} (${elapsed(started)})`);
        return out;
      } catch (err) {
        const e = err as { name?: string; $metadata?: Metadata };
        log(`→ ${what} ${e.name ?? 'Error'}${e.$metadata?.httpStatusCode ? ` ${describe(e.$metadata)}` : ''} (${elapsed(started)})`);
        throw err;
      }
    };
    return client;
  };
  const wrapped: AwsFactory = {
    get settings() {
      return inner.settings;
    },
    cloudformation: async () => watch(await inner.cloudformation()),
    lambda: async () => watch(await inner.lambda()),
    cognito: async (options) => watch(await inner.cognito(options)),
    acm: async (region) => watch(await inner.acm(region)),
    route53: async () => watch(await inner.route53()),
    logs: async () => watch(await inner.logs()),
    s3: async () => watch(await inner.s3()),
    sts: async () => watch(await inner.sts()),
    resolveRegion: () => inner.resolveRegion(),
    withRegion: (region) => verboseAws(inner.withRegion(region), log),
  };
  return wrapped;
}

interface Metadata {
  httpStatusCode?: number;
  attempts?: number;
}

function describe(meta: Metadata | undefined): string {
  const status = meta?.httpStatusCode === undefined ? 'ok' : String(meta.httpStatusCode);
  return meta?.attempts && meta.attempts > 1 ? `${status} after ${meta.attempts} attempts` : status;
}

function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}
