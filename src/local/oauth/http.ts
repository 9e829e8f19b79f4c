/** The plain HTTP the hosted sign-in speaks: cookies, form bodies, redirects, and its HTML and JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { TOO_LARGE, readBody, sendJson as sendJsonAnswer } from '../http/index.js';

const MAX_FORM = 64 * 1024;

export type Params = URLSearchParams;

export function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export function appendCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('set-cookie');
  res.setHeader('set-cookie', [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), cookie]);
}

/** The urlencoded form of the body; undefined when it is larger than any form of ours. */
export async function readForm(req: IncomingMessage): Promise<Params | undefined> {
  const body = await readBody(req, { limit: MAX_FORM, drain: true });
  return body === TOO_LARGE ? undefined : new URLSearchParams(body.toString('utf8'));
}

export function isForm(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/** The client id of `Authorization: Basic base64(client_id:secret)`. */
export function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decodeURIComponent(decoded.split(':', 1)[0] ?? '');
}

export function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}

export function withUsername(query: string, username: string): string {
  const params = new URLSearchParams(query);
  params.set('username', username);
  return params.toString();
}

/** The message of an operation's failure, for a page to show. */
export function messageOf(error: unknown, fallback = 'Something went wrong.'): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? message : fallback;
}

/** Cognito's exception name of an operation's failure (`code`), if it has one. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
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

/** Cognito's JSON answers; single-page apps call the token, userInfo and discovery endpoints from the browser. */
export const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8', 'access-control-allow-origin': '*' } as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonAnswer(res, status, body, { ...JSON_HEADERS, ...headers });
}
