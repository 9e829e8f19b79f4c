/** /confirmUser: the sign-up code (ConfirmSignUp), or a new one (ResendConfirmationCode); then the sign-in page. */
import { messageOf } from '../http.js';
import { confirmPage, signInPage } from '../pages.js';
import { pageEndpoint } from './page.js';

export const confirmUser = pageEndpoint('/confirmUser', confirmPage, async (c, req, res, request, form) => {
  const username = (form.get('username') ?? '').trim();
  try {
    if (form.get('action') === 'resend') {
      await c.opts.dispatch('ResendConfirmationCode', { ClientId: c.client.clientId, Username: username });
      return c.render(req, res, request, confirmPage, { username, notice: 'We sent a new code.' });
    }
    await c.opts.dispatch('ConfirmSignUp', { ClientId: c.client.clientId, Username: username, ConfirmationCode: (form.get('code') ?? '').trim() });
    c.render(req, res, request, signInPage, { username, notice: 'Your account is confirmed. Sign in to continue.' });
  } catch (error) {
    c.render(req, res, request, confirmPage, { username, error: messageOf(error) }, 400);
  }
});
