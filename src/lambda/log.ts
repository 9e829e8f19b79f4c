/**
 * Structured logs: one JSON line per request, plus one line per unexpected error. Request bodies and headers are
 * never passed in here, so passwords, codes and tokens cannot reach the log by construction; the error line also
 * scrubs the request's secret values in case a library quoted one in an error message.
 */
/** Takes one log line; `requestId` is the invocation's, for a runtime that keeps each invocation's lines apart. */
export type LogSink = (line: string, requestId: string) => void;

interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
  /** The Lambda invocation id. */
  readonly requestId: string;
  /** API Gateway's request id, to correlate with its access logs. */
  readonly apiRequestId?: string;
  /** The error code of the response, when it is an error. */
  readonly error?: string;
}

export interface Logger {
  request(entry: RequestLogEntry): void;
  /** The detail of an unexpected or operator-facing error; `secrets` are replaced before anything is written. */
  error(requestId: string, kind: string, err: unknown, secrets?: readonly string[]): void;
}

const MAX_FIELD = 256;

export const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

function clip(s: string): string {
  return s.length > MAX_FIELD ? `${s.slice(0, MAX_FIELD)}…` : s;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values (e.g. "1") would shred the text without protecting anything real.
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

export function createLogger(sink: LogSink = stdoutSink): Logger {
  return {
    request(entry) {
      sink(
        JSON.stringify({
          level: entry.status >= 500 ? 'error' : 'info',
          msg: 'request',
          ...entry,
          method: clip(entry.method),
          path: clip(entry.path),
        }),
        entry.requestId,
      );
    },
    error(requestId, kind, err, secrets = []) {
      const e = err instanceof Error ? err : undefined;
      const message = e ? `${e.name}: ${e.message}` : String(err);
      sink(
        JSON.stringify({
          level: 'error',
          msg: kind,
          requestId,
          error: redact(message, secrets),
          stack: e?.stack ? redact(e.stack, secrets) : undefined,
        }),
        requestId,
      );
    },
  };
}
