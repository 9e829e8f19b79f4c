/** /forgotPassword: asks ForgotPassword for a reset code; then the page that takes it. */
import { messageOf, redirect, withUsername } from '../http.js';
import { forgotPasswordPage } from '../pages.js';
import { pageEndpoint } from './page.js';

export const forgotPassword = pageEndpoint('/forgotPassword', forgotPasswordPage, async (c, req, res, request, form) => {
  const username = (form.get('username') ?? '').trim();
  try {
    await c.opts.dispatch('ForgotPassword', { ClientId: c.client.clientId, Username: username });
    redirect(res, `${c.baseUrl}/confirmForgotPassword?${withUsername(request.query, username)}`);
  } catch (error) {
    c.render(req, res, request, forgotPasswordPage, { username, error: messageOf(error) }, 400);
  }
});
