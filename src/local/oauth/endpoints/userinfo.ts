/** /oauth2/userInfo: the user's claims for a bearer access token, only those its scopes allow (OpenID Connect's UserInfo). */
import { BearerError } from '../errors.js';
import { messageOf, sendJson } from '../http.js';
import type { Endpoint } from '../router.js';
import { decodeClaims } from '../tokens.js';

interface User {
  Username: string;
  UserAttributes?: { Name: string; Value?: string }[];
}

export const userInfo: Endpoint = {
  path: '/oauth2/userInfo',
  async serve(c, req, res) {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return new BearerError('invalid_request', 'Access token is missing.').send(res);
    const accessToken = match[1];
    const scopes = String(decodeClaims(accessToken)?.scope ?? '').split(' ');
    let user: User;
    try {
      user = (await c.opts.dispatch('GetUser', { AccessToken: accessToken })) as User;
    } catch (error) {
      return new BearerError('invalid_token', messageOf(error)).send(res);
    }
    if (!scopes.includes('openid') && !scopes.includes('aws.cognito.signin.user.admin')) {
      return new BearerError('insufficient_scope', 'The access token does not have the openid scope.', 403).send(res);
    }
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? '']));
    const emailScoped = scopes.includes('email') || scopes.includes('aws.cognito.signin.user.admin');
    const info: Record<string, string> = { sub: attributes.sub ?? '' };
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'sub') continue;
      if ((name === 'email' || name === 'email_verified') && !emailScoped) continue;
      if (name !== 'email' && name !== 'email_verified' && !scopes.includes('profile')) continue;
      info[name] = value;
    }
    info.username = user.Username;
    sendJson(res, 200, info);
  },
};
