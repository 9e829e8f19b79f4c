/**
 * /login: the sign-in page and its form, through InitiateAuth (USER_PASSWORD_AUTH). A user who must choose a new
 * password (an administrator created them) is asked for it; one with TOTP is asked for the code, or to set it up
 * where the pool requires MFA; an unconfirmed one is sent to confirm.
 */
import type { ServerResponse } from 'node:http';

import type { AuthorizeRequest, OAuthContext } from '../context.js';
import { codeOf, messageOf, redirect, withUsername } from '../http.js';
import { newPasswordPage, signInPage } from '../pages.js';
import { mfaStep } from './mfa.js';
import { pageEndpoint } from './page.js';

interface SignInResult {
  ChallengeName?: string;
  Session?: string;
  AuthenticationResult?: { RefreshToken?: string };
}

/** The sign-in is complete: the session starts and the code goes back to the app. */
export function finishSignIn(c: OAuthContext, res: ServerResponse, request: AuthorizeRequest, refreshToken: string, username: string): void {
  const session = c.startSession(res, { refreshToken, username });
  redirect(res, c.issueCode(request, session));
}

export const login = pageEndpoint('/login', signInPage, async (c, req, res, request, form) => {
  const username = (form.get('username') ?? '').trim();
  try {
    const result = (await c.opts.dispatch('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: c.client.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: form.get('password') ?? '' },
    })) as SignInResult;
    if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED' && result.Session) {
      return c.render(req, res, request, newPasswordPage, { username, session: result.Session });
    }
    if (await mfaStep(c, req, res, request, username, result)) return;
    const refreshToken = result.AuthenticationResult?.RefreshToken;
    if (!refreshToken) throw Object.assign(new Error('This sign-in needs a step the local pages do not offer.'), { code: 'NotSupported' });
    finishSignIn(c, res, request, refreshToken, username);
  } catch (error) {
    if (codeOf(error) === 'UserNotConfirmedException') {
      return redirect(res, `${c.baseUrl}/confirmUser?${withUsername(request.query, username)}`);
    }
    c.render(req, res, request, signInPage, { username, error: messageOf(error, 'Sign-in failed.') }, 400);
  }
});
