/**
 * The hosted sign-in's router: one endpoint per path (`endpoints/`), found by the request's path. A path that is
 * none of ours is left to the local Cognito's other routes; CORS preflights are the local Cognito's too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { OAuthContext } from './context.js';
import { OAuthError } from './errors.js';
import { serveSafely } from '../http/index.js';
import { JSON_HEADERS, messageOf, sendJson, type Params } from './http.js';

export interface Endpoint {
  /** The path it serves; a function of the context for a path under the pool's issuer. */
  readonly path: string | ((c: OAuthContext) => string);
  /** Only GET is this endpoint's; any other method is left to the local Cognito's other routes. */
  readonly getOnly?: boolean;
  serve(c: OAuthContext, req: IncomingMessage, res: ServerResponse, params: Params): Promise<void> | void;
}

/** An endpoint that answers POST only: anything else is 405, as Cognito's token and revoke endpoints answer it. */
export function postOnly(serve: Endpoint['serve']): Endpoint['serve'] {
  return (c, req, res, params) => (req.method === 'POST' ? serve(c, req, res, params) : new OAuthError('invalid_request', undefined, 405).send(res));
}

/** Serves the request when it is one of the endpoints; false when it is not ours. */
export function createRouter(c: OAuthContext, endpoints: readonly Endpoint[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const byPath = new Map(endpoints.map((endpoint) => [typeof endpoint.path === 'string' ? endpoint.path : endpoint.path(c), endpoint]));
  return (req, res) => {
    const url = new URL(req.url ?? '/', c.baseUrl);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return false;
    const endpoint = byPath.get(url.pathname);
    if (!endpoint || (endpoint.getOnly && method !== 'GET')) return false;
    if (method !== 'GET' && method !== 'POST') {
      sendJson(res, 405, { error: 'invalid_request' });
      return true;
    }
    serveSafely(
      res,
      () => endpoint.serve(c, req, res, url.searchParams),
      (error) => ({ status: 500, body: { error: 'server_error', error_description: messageOf(error) }, headers: JSON_HEADERS }),
    );
    return true;
  };
}
