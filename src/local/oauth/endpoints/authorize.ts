/** /oauth2/authorize: with a live sign-in session, a code at once; otherwise the sign-in page, with the same request. */
import { redirect } from '../http.js';
import type { Endpoint } from '../router.js';

export const authorize: Endpoint = {
  path: '/oauth2/authorize',
  serve(c, req, res, params) {
    const outcome = c.checkAuthorize(params);
    if ('redirect' in outcome) return redirect(res, outcome.redirect);
    const session = c.currentSession(req);
    redirect(res, session ? c.issueCode(outcome.ok, session) : `${c.baseUrl}/login?${outcome.ok.query}`);
  },
};
