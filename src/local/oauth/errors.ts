/**
 * The OAuth 2.0 errors the hosted sign-in's endpoints answer, by their RFC 6749 / RFC 7009 / RFC 6750 names, as
 * Cognito's token, revoke and userInfo endpoints send them: a JSON body `{ error, error_description? }`, and for
 * a bearer token a `WWW-Authenticate` header as well.
 */
import type { ServerResponse } from 'node:http';

import { sendJson } from './http.js';

export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'server_error';

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorName,
    readonly description?: string,
    readonly status = 400,
  ) {
    super(description ?? error);
    this.name = 'OAuthError';
  }

  send(res: ServerResponse): void {
    sendJson(res, this.status, this.description ? { error: this.error, error_description: this.description } : { error: this.error });
  }
}

/** A refused bearer token (userInfo): 401, or 403 for a token without the scope, with the header RFC 6750 asks for. */
export class BearerError extends OAuthError {
  constructor(error: 'invalid_request' | 'invalid_token' | 'insufficient_scope', description: string, status = 401) {
    super(error, description, status);
  }

  override send(res: ServerResponse): void {
    res.setHeader('www-authenticate', `Bearer error="${this.error}", error_description="${(this.description ?? '').replace(/"/g, "'")}"`);
    super.send(res);
  }
}
