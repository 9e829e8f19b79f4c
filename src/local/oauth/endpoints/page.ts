/**
 * A hosted page: a GET that renders it for a valid authorize request (the query the pages carry along), and a
 * POST of its form, accepted only with the CSRF token the page was rendered with.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { CSRF_COOKIE, type AuthorizeRequest, type OAuthContext, type Page } from '../context.js';
import { cookies, readForm, redirect, type Params } from '../http.js';
import type { Endpoint } from '../router.js';

export type FormHandler = (c: OAuthContext, req: IncomingMessage, res: ServerResponse, request: AuthorizeRequest, form: Params) => Promise<void>;

export function pageEndpoint(path: string, page: Page, post: FormHandler): Endpoint {
  return {
    path,
    async serve(c, req, res, params) {
      const outcome = c.checkAuthorize(params);
      if ('redirect' in outcome) return redirect(res, outcome.redirect);
      const request = outcome.ok;
      if (req.method === 'GET') return c.render(req, res, request, page, { username: params.get('username') ?? undefined });
      const form = await readForm(req);
      const csrf = cookies(req)[CSRF_COOKIE];
      if (!form || !csrf || form.get('_csrf') !== csrf) {
        return c.render(req, res, request, page, { error: 'Your session expired. Please try again.' }, 403);
      }
      await post(c, req, res, request, form);
    },
  };
}

/** The sign-in is complete: the session starts and the code goes back to the app. */
export function finishSignIn(
  c: OAuthContext,
  res: ServerResponse,
  request: AuthorizeRequest,
  result: { AuthenticationResult?: { RefreshToken?: string } },
  username: string,
): void {
  // Tokens, or a challenge none of the pages answers (the pages handle a new password and TOTP before this).
  const refreshToken = result.AuthenticationResult?.RefreshToken;
  if (!refreshToken) throw Object.assign(new Error('This sign-in needs a step the local pages do not offer.'), { code: 'NotSupported' });
  const session = c.startSession(res, { refreshToken, username });
  redirect(res, c.issueCode(request, session));
}
