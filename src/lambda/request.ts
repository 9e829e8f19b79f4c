import { BadRequestError, PayloadTooLargeError } from './errors.js';
import type { ProxyEvent } from './types.js';

/** Bodies above this size are refused before they are decoded or parsed. */
const MAX_BODY_BYTES = 16 * 1024;

/** The request as routes see it: plain values, validated shapes, no API Gateway specifics. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly apiRequestId: string | undefined;
  /** Case-insensitive header lookup. */
  header(name: string): string | undefined;
  /** All values sent for a header (duplicates included). */
  headerValues(name: string): string[];
  /** The decoded body as text; null when there is none. */
  readonly body: string | null;
  /** The body parsed as a JSON object, or a 400 explaining why it is not one. */
  json(): Record<string, unknown>;
  /** Secret values the routes extracted (password, code, token), so error logging can scrub them. */
  readonly secrets: string[];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function decodeBody(event: ProxyEvent): string | null {
  const raw = event.body;
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string') throw new BadRequestError('InvalidBody', 'The request body must be text.');
  if (event.isBase64Encoded !== true) {
    // Cheap bound first: UTF-16 length never exceeds UTF-8 byte length.
    if (raw.length > MAX_BODY_BYTES || Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError(MAX_BODY_BYTES);
    }
    return raw;
  }
  const b64 = raw.replace(/[\r\n]/g, '');
  if (b64.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  if (!BASE64.test(b64) || b64.length % 4 === 1) {
    throw new BadRequestError('InvalidBody', 'The request body is not valid base64.');
  }
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BadRequestError('InvalidBody', 'The request body is not valid UTF-8.');
  }
}

function collectHeaders(event: ProxyEvent): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const add = (name: string, v: unknown): void => {
    if (typeof v !== 'string') return;
    const key = name.toLowerCase();
    const list = headers.get(key) ?? [];
    list.push(v);
    headers.set(key, list);
  };
  // multiValueHeaders is the complete picture when present; `headers` only holds the last value of each.
  const multi = event.multiValueHeaders;
  if (multi && typeof multi === 'object') {
    for (const [name, values] of Object.entries(multi)) {
      if (Array.isArray(values)) values.forEach((v) => add(name, v));
    }
  }
  const single = event.headers;
  if (single && typeof single === 'object') {
    for (const [name, v] of Object.entries(single)) {
      if (!headers.has(name.toLowerCase())) add(name, v);
    }
  }
  return headers;
}

/**
 * Builds the request from an API Gateway proxy event, defensively: the event may be malformed (fuzzing, a
 * hand-written test event), and a malformed event is the client's fault, never a 500.
 */
export function toRequest(event: ProxyEvent, requestId: string): ApiRequest {
  const ev = (event && typeof event === 'object' ? event : {}) as Partial<ProxyEvent>;
  const ctx = ev.requestContext && typeof ev.requestContext === 'object' ? ev.requestContext : undefined;
  const headers = collectHeaders(ev as ProxyEvent);
  const method = (str(ev.httpMethod) ?? '').toUpperCase();
  const path = str(ev.path) ?? '';
  const apiRequestId = str(ctx?.requestId);
  let body: string | null | undefined;
  let bodyError: unknown;
  try {
    body = decodeBody(ev as ProxyEvent);
  } catch (err) {
    bodyError = err;
  }
  let parsed: Record<string, unknown> | undefined;
  return {
    method,
    path,
    requestId,
    apiRequestId,
    secrets: [],
    header: (name) => headers.get(name.toLowerCase())?.at(-1),
    headerValues: (name) => headers.get(name.toLowerCase()) ?? [],
    get body(): string | null {
      if (bodyError) throw bodyError;
      return body ?? null;
    },
    json() {
      if (parsed) return parsed;
      const text = this.body;
      if (text === null || text.trim() === '') {
        throw new BadRequestError('MissingBody', 'A JSON object body is required.');
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // The parser's message quotes the body, which may hold a password: never pass it on.
        throw new BadRequestError('MalformedJson', 'The request body is not valid JSON.');
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new BadRequestError('InvalidBody', 'The request body must be a JSON object.');
      }
      parsed = value as Record<string, unknown>;
      return parsed;
    },
  };
}

/**
 * Validates the size of the body eagerly so that a 413 or a bad encoding is reported on every route that takes a
 * body, not only on those that happen to read it.
 */
export function checkBody(request: ApiRequest): void {
  void request.body;
}
