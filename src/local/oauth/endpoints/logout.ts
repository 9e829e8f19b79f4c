/**
 * /logout: ends the sign-in session and goes to a sign-out URL of the client (`logout_uri`), or, given the
 * parameters of an authorize request instead, to the sign-in page again.
 */
import { SESSION_COOKIE } from '../context.js';
import { appendCookie, cookies, redirect } from '../http.js';
import type { Endpoint } from '../router.js';

export const logout: Endpoint = {
  path: '/logout',
  serve(c, req, res, params) {
    if (params.get('client_id') !== c.client.clientId) {
      return redirect(res, c.errorRedirect('invalid_request', 'The client_id is not a client of this user pool.'));
    }
    const logoutUri = params.get('logout_uri');
    let target: string;
    if (logoutUri !== null) {
      if (!c.client.logoutUrls.includes(logoutUri)) {
        return redirect(res, c.errorRedirect('redirect_mismatch', 'The logout_uri is not a sign-out URL of the client.'));
      }
      target = logoutUri;
    } else {
      const outcome = c.checkAuthorize(params);
      if ('redirect' in outcome) return redirect(res, outcome.redirect);
      target = `${c.baseUrl}/login?${outcome.ok.query}`;
    }
    const id = cookies(req)[SESSION_COOKIE];
    if (id) c.sessions.delete(id);
    appendCookie(res, `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    redirect(res, target);
  },
};
