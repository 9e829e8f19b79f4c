/** /signup: the sign-up page and its form, through SignUp; then the confirmation page. */
import { messageOf, redirect, withUsername } from '../http.js';
import { signUpPage } from '../pages.js';
import { pageEndpoint } from './page.js';

export const signup = pageEndpoint('/signup', signUpPage, async (c, req, res, request, form) => {
  const username = (form.get('username') ?? '').trim();
  try {
    await c.opts.dispatch('SignUp', {
      ClientId: c.client.clientId,
      Username: username,
      Password: form.get('password') ?? '',
      UserAttributes: [{ Name: 'email', Value: username }],
    });
    redirect(res, `${c.baseUrl}/confirmUser?${withUsername(request.query, username)}`);
  } catch (error) {
    c.render(req, res, request, signUpPage, { username, error: messageOf(error) }, 400);
  }
});
