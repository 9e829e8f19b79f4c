/** /confirmForgotPassword: the reset code and a new password (ConfirmForgotPassword); then the sign-in page. */
import { messageOf } from '../http.js';
import { resetPasswordPage, signInPage } from '../pages.js';
import { pageEndpoint } from './page.js';

export const confirmForgotPassword = pageEndpoint('/confirmForgotPassword', resetPasswordPage, async (c, req, res, request, form) => {
  const username = (form.get('username') ?? '').trim();
  try {
    await c.opts.dispatch('ConfirmForgotPassword', {
      ClientId: c.client.clientId,
      Username: username,
      ConfirmationCode: (form.get('code') ?? '').trim(),
      Password: form.get('password') ?? '',
    });
    c.render(req, res, request, signInPage, { username, notice: 'Your password is changed. Sign in with it.' });
  } catch (error) {
    c.render(req, res, request, resetPasswordPage, { username, error: messageOf(error) }, 400);
  }
});
