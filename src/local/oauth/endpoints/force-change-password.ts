/**
 * /forceChangePassword: the new-password form Cognito's hosted page shows a user signing in with the temporary
 * password an administrator gave them. The new password is checked against the pool's policy (by
 * RespondToAuthChallenge, in Cognito's words); once set, the sign-in completes as any other.
 */
import { codeOf, messageOf, redirect } from '../http.js';
import { newPasswordPage, signInPage } from '../pages.js';
import type { Endpoint } from '../router.js';
import { mfaStep } from './mfa.js';
import { finishSignIn, pageEndpoint } from './page.js';

const form = pageEndpoint('/forceChangePassword', newPasswordPage, async (c, req, res, request, fields) => {
  const username = (fields.get('username') ?? '').trim();
  const session = fields.get('session') ?? '';
  const password = fields.get('password') ?? '';
  if (password !== (fields.get('confirm') ?? '')) {
    return c.render(req, res, request, newPasswordPage, { username, session, error: 'The passwords do not match.' }, 400);
  }
  try {
    const result = (await c.opts.dispatch('RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: c.client.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: password },
    })) as { ChallengeName?: string; Session?: string; AuthenticationResult?: { RefreshToken?: string } };
    if (await mfaStep(c, req, res, request, username, result)) return;
    finishSignIn(c, res, request, result, username);
  } catch (error) {
    // The session is Cognito's three minutes: past them, the user signs in again with the temporary password.
    if (codeOf(error) === 'NotAuthorizedException') {
      return c.render(req, res, request, signInPage, { username, error: `${messageOf(error)} Sign in again.` }, 400);
    }
    c.render(req, res, request, newPasswordPage, { username, session, error: messageOf(error) }, 400);
  }
});

export const forceChangePassword: Endpoint = {
  path: form.path,
  serve(c, req, res, params) {
    // The form is only ever shown by a sign-in; a bare GET (a reload, a bookmark) starts from the sign-in page.
    if (req.method === 'GET') return redirect(res, `${c.baseUrl}/login?${params.toString()}`);
    return form.serve(c, req, res, params);
  },
};
