/**
 * The issuer's OpenID Connect discovery document, as Cognito publishes it (revocation is not advertised there,
 * as on AWS).
 */
import { sendJson } from '../http.js';
import type { Endpoint } from '../router.js';

export const discovery: Endpoint = {
  path: (c) => `${c.poolPath}/.well-known/openid-configuration`,
  getOnly: true,
  serve(c, _req, res) {
    const { baseUrl } = c;
    sendJson(res, 200, {
      issuer: c.opts.issuer,
      authorization_endpoint: `${baseUrl}/oauth2/authorize`,
      token_endpoint: `${baseUrl}/oauth2/token`,
      userinfo_endpoint: `${baseUrl}/oauth2/userInfo`,
      end_session_endpoint: `${baseUrl}/logout`,
      jwks_uri: c.opts.jwksUri,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    });
  },
};
