import { HttpError, InternalError } from './errors.js';
import type { ProxyResult } from './types.js';

export type Headers = Record<string, string>;

const BASE_HEADERS: Readonly<Headers> = {
  'Content-Type': 'application/json; charset=utf-8',
  // Responses carry account data and tokens' outcomes: never cache them anywhere.
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

const CORS_ALLOW_HEADERS = 'Authorization, Content-Type';
const CORS_MAX_AGE_SECONDS = 600;

/** CORS headers sent on every response, errors included, so browsers can read error bodies too. */
function corsHeaders(origin: string | undefined): Headers {
  if (!origin) return {};
  const headers: Headers = { 'Access-Control-Allow-Origin': origin };
  if (origin !== '*') headers.Vary = 'Origin';
  return headers;
}

export function jsonResult(status: number, body: unknown, origin: string | undefined, extra: Headers = {}): ProxyResult {
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, ...corsHeaders(origin), ...extra },
    body: JSON.stringify(body),
  };
}

/** The answer to a CORS preflight on a known route. */
export function preflightResult(allow: readonly string[], origin: string | undefined): ProxyResult {
  return {
    statusCode: 204,
    headers: {
      ...corsHeaders(origin),
      Allow: allow.join(', '),
      'Access-Control-Allow-Methods': allow.join(', '),
      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
      'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
    },
    body: '',
  };
}

/** The one place an error becomes a response. Anything that is not an `HttpError` is answered as a generic 500. */
export function errorResult(err: unknown, origin: string | undefined): ProxyResult {
  const http = err instanceof HttpError ? err : new InternalError();
  return jsonResult(http.status, http.toBody(), origin, { ...http.headers });
}
