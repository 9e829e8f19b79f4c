/**
 * /login: the sign-in page and its form, through InitiateAuth (USER_PASSWORD_AUTH). A user who must choose a new
 * password (an administrator created them) is asked for it; one with TOTP is asked for the code, or to set it up
 * where the pool requires MFA; an unconfirmed one is sent to confirm.
 */

import { codeOf, messageOf, redirect, withUsername } from '../http.js';
import { newPasswordPage, signInPage } from '../pages.js';
import { mfaStep } from './mfa.js';
import { finishSignIn, pageEndpoint } from './page.js';

interface SignInResult {
  ChallengeName?: string;
  Session?: string;
  AuthenticationResult?: { RefreshToken?: string };
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
    finishSignIn(c, res, request, result, username);
  } catch (error) {
    if (codeOf(error) === 'UserNotConfirmedException') {
      return redirect(res, `${c.baseUrl}/confirmUser?${withUsername(request.query, username)}`);
    }
    c.render(req, res, request, signInPage, { username, error: messageOf(error, 'Sign-in failed.') }, 400);
  }
});
