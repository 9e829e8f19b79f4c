/**
 * /oauth2/revoke as Cognito serves it: a form with the refresh token (and the client id, or Basic authentication);
 * an empty 200 when revoked, and with it every token of that sign-in, as RevokeToken does.
 */
import { OAuthError } from '../errors.js';
import { basicClientId, codeOf, isForm, readForm } from '../http.js';
import { postOnly, type Endpoint } from '../router.js';

export const revoke: Endpoint = {
  path: '/oauth2/revoke',
  serve: postOnly(async (c, req, res) => {
    if (!isForm(req)) return new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.').send(res);
    const form = await readForm(req);
    const token = form?.get('token');
    if (!token) return new OAuthError('invalid_request').send(res);
    const clientId = form?.get('client_id') ?? basicClientId(req.headers.authorization);
    if (clientId !== c.client.clientId) return new OAuthError('invalid_client').send(res);
    try {
      await c.opts.dispatch('RevokeToken', { ClientId: clientId, Token: token });
    } catch (error) {
      return new OAuthError(codeOf(error) === 'UnsupportedTokenTypeException' ? 'unsupported_token_type' : 'invalid_request').send(res);
    }
    res.writeHead(200, { 'cache-control': 'no-store' }).end();
  }),
};
