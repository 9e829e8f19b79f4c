/**
 * The local Cognito's OAuth 2.0 / OpenID Connect endpoints: what Cognito serves on a user pool domain (its "user
 * pool endpoints"), on the local Cognito's loopback port with the same paths, parameters, errors and token
 * shapes, one endpoint per file in `endpoints/`: `/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`,
 * `/oauth2/userInfo`, `/logout`, the sign-in, new-password, sign-up, confirmation and forgot-password pages, and the
 * issuer's `/.well-known/openid-configuration`.
 *
 * Users, passwords and tokens are the local Cognito's own: every page and grant goes through the same operations
 * the API takes (`InitiateAuth`, `SignUp`, ...), so the hosted pages and the SDK see one user pool.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { createOAuthContext, type OAuthServerOptions } from './context.js';
import { authorize } from './endpoints/authorize.js';
import { confirmForgotPassword } from './endpoints/confirm-forgot-password.js';
import { confirmUser } from './endpoints/confirm-user.js';
import { discovery } from './endpoints/discovery.js';
import { error } from './endpoints/error-page.js';
import { forceChangePassword } from './endpoints/force-change-password.js';
import { forgotPassword } from './endpoints/forgot-password.js';
import { login } from './endpoints/login.js';
import { logout } from './endpoints/logout.js';
import { mfaCode, mfaSetup } from './endpoints/mfa.js';
import { revoke } from './endpoints/revoke.js';
import { signup } from './endpoints/signup.js';
import { token } from './endpoints/token.js';
import { userInfo } from './endpoints/userinfo.js';
import { createRouter, type Endpoint } from './router.js';

export type { OAuthServerOptions } from './context.js';

const ENDPOINTS: readonly Endpoint[] = [
  discovery,
  authorize,
  token,
  revoke,
  userInfo,
  logout,
  error,
  login,
  forceChangePassword,
  mfaCode,
  mfaSetup,
  signup,
  confirmUser,
  forgotPassword,
  confirmForgotPassword,
];

export interface OAuthServer {
  /** Serves the request when it is one of the OAuth endpoints or pages; false when it is not ours. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createOAuthServer(opts: OAuthServerOptions): OAuthServer {
  return { handle: createRouter(createOAuthContext(opts), ENDPOINTS) };
}
