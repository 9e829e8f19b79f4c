/**
 * /oauth2/token: the authorization code grant (single use, five minutes, the redirect URI and PKCE verifier of its
 * authorize request) and the refresh token grant, as Cognito's token endpoint answers them.
 */
import type { IncomingMessage } from 'node:http';

import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { basicClientId, isForm, readForm, sendJson, type Params } from '../http.js';
import { pkceMatches } from '../tokens.js';
import { postOnly, type Endpoint } from '../router.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export const token: Endpoint = {
  path: '/oauth2/token',
  serve: postOnly(async (c, req, res) => {
    try {
      sendJson(res, 200, await grant(c, req), NO_STORE);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      error.send(res);
    }
  }),
};

async function grant(c: OAuthContext, req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!isForm(req)) throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
  const form = await readForm(req);
  if (!form) throw new OAuthError('invalid_request', 'The request body is too large.');
  const clientId = form.get('client_id') ?? basicClientId(req.headers.authorization);
  if (clientId !== c.client.clientId) throw new OAuthError('invalid_client', 'Client authentication failed.');
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') return authorizationCode(c, form, clientId);
  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token') ?? '';
    return c.tokensFor(refreshToken, c.grantedScopes.get(refreshToken) ?? [...c.client.scopes]).catch(() => {
      throw new OAuthError('invalid_grant');
    });
  }
  if (grantType === 'client_credentials') throw new OAuthError('unauthorized_client');
  throw new OAuthError('unsupported_grant_type');
}

async function authorizationCode(c: OAuthContext, form: Params, clientId: string): Promise<Record<string, unknown>> {
  const code = form.get('code') ?? '';
  const grant = c.codes.get(code);
  c.codes.delete(code); // single use, whatever comes of this attempt
  const verifier = form.get('code_verifier');
  const valid =
    grant !== undefined &&
    grant.expiresAt > c.now() &&
    grant.clientId === clientId &&
    grant.redirectUri === form.get('redirect_uri') &&
    (grant.codeChallenge === undefined ? verifier === null : verifier !== null && pkceMatches(verifier, grant.codeChallenge));
  if (!valid) throw new OAuthError('invalid_grant');
  // The code exchange issues the hosted sign-in's tokens (pre token generation's TokenGeneration_HostedAuth).
  const body = await c.tokensFor(grant.refreshToken, grant.scopes, grant.nonce, { tokenSource: 'HostedAuth' }).catch(() => {
    throw new OAuthError('invalid_grant');
  });
  c.grantedScopes.set(grant.refreshToken, grant.scopes);
  return { ...body, refresh_token: grant.refreshToken };
}
