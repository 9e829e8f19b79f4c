/** /error: Cognito's error page, for a request it cannot send back to the client (unknown client, redirect URI not allowed). */
import { sendHtml } from '../http.js';
import { errorPage } from '../pages.js';
import type { Endpoint } from '../router.js';

export const error: Endpoint = {
  path: '/error',
  serve(_c, _req, res, params) {
    sendHtml(res, 400, errorPage(params.get('error') ?? 'invalid_request', params.get('error_description') ?? ''));
  },
};
