/**
 * The HTTP every local server shares (the local Cognito, its hosted sign-in, the console, the local API Gateway):
 * JSON answers, bounded body reading, CORS and turning a failure into an answer. Each server keeps its own
 * wording and headers (Cognito's, API Gateway's, OAuth's) and passes them in; the mechanics live here once.
 *
 * A router library was weighed against this: the gateway's throughput is the bar, and the routes are few and
 * fixed, so plain `node:http` with these helpers keeps the hot path to a map lookup.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** What `readBody` resolves with once a body is larger than its limit. */
export const TOO_LARGE = Symbol('too large');

export interface ReadBodyOptions {
  /** Bytes; a larger body is TOO_LARGE. */
  limit: number;
  /**
   * Keep reading (and dropping) the rest of a body that is too large, so the connection can answer and stay open.
   * Default false: reading stops at once and the caller answers and closes the connection (it may be gigabytes).
   */
  drain?: boolean;
}

/** The request body (empty when there is none), or TOO_LARGE past `limit` (a declared Content-Length is checked first). */
export function readBody(req: IncomingMessage, opts: ReadBodyOptions): Promise<Buffer | typeof TOO_LARGE> {
  const declared = req.headers['content-length'];
  if (!opts.drain && declared !== undefined && Number(declared) > opts.limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= opts.limit) chunks.push(chunk);
      else if (!opts.drain) {
        req.pause();
        resolve(TOO_LARGE);
      }
    });
    req.on('end', () => resolve(size > opts.limit ? TOO_LARGE : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Writes a JSON answer: `body` is serialised, unless it is already JSON text (`sendJsonText`). `headers` are added
 * after the defaults, so a server's own `content-type` wins.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

export function sendJsonText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface CorsOptions {
  /** Default `*`. */
  origin?: string;
  methods: string;
  /** Default `*`. */
  headers?: string;
}

/** Sets the CORS header every answer carries; answers a preflight (OPTIONS) with 204 and returns true when it was one. */
export function cors(req: IncomingMessage, res: ServerResponse, opts: CorsOptions): boolean {
  res.setHeader('access-control-allow-origin', opts.origin ?? '*');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, { 'access-control-allow-methods': opts.methods, 'access-control-allow-headers': opts.headers ?? '*' });
  res.end();
  return true;
}

/** An answer a server's error mapping chose for a failure. */
export interface ErrorAnswer {
  status: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}

/**
 * Answers a failed request with what `map` makes of the error; a request whose answer had already begun cannot
 * be answered again, so its connection is closed instead.
 */
function answerError(res: ServerResponse, error: unknown, map: (error: unknown) => ErrorAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = map(error);
  sendJson(res, answer.status, answer.body, answer.headers);
}

/** Runs an async request handler, answering its failure through `map` (see `answerError`). */
export function serveSafely(res: ServerResponse, serve: () => Promise<void> | void, map: (error: unknown) => ErrorAnswer): void {
  Promise.resolve()
    .then(serve)
    .catch((error: unknown) => answerError(res, error, map));
}

/** The path and query of a request URL, split by hand (`new URL` would resolve dot segments that must pass as sent). */
export function splitUrl(url: string | undefined): { path: string; query: string } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? { path: raw, query: '' } : { path: raw.slice(0, q), query: raw.slice(q + 1) };
}
