/**
 * The hosted sign-in's TOTP steps, after the password as Cognito's managed login shows them: /mfa asks a user with
 * TOTP on for the app's code (SOFTWARE_TOKEN_MFA); /mfaSetup shows a user without one, where the pool requires MFA,
 * a QR code of a new secret and takes the first code (MFA_SETUP: AssociateSoftwareToken and VerifySoftwareToken with
 * the challenge's session). A wrong code is asked again on the same session; a spent or expired session (Cognito's
 * three minutes) goes back to sign-in. The paths are ours: Cognito's pages post back to their own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { AuthorizeRequest, OAuthContext } from '../context.js';
import { codeOf, messageOf, redirect } from '../http.js';
import { mfaCodePage, mfaSetupPage, signInPage } from '../pages.js';
import type { Endpoint } from '../router.js';
import { finishSignIn, pageEndpoint } from './page.js';

interface ChallengeResult {
  ChallengeName?: string;
  Session?: string;
  AuthenticationResult?: { RefreshToken?: string };
}

async function qrSvg(text: string): Promise<string> {
  const qrcode = await import('qrcode');
  return qrcode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
}

async function renderSetup(
  c: OAuthContext,
  req: IncomingMessage,
  res: ServerResponse,
  request: AuthorizeRequest,
  fields: { username: string; session: string; secret: string; error?: string },
  status = 200,
) {
  // otpauth is loaded by the first MFA page, not by every dev start.
  const { totpUri } = await import('../../../core/totp.js');
  const qr = await qrSvg(totpUri(fields.secret, fields.username, 'authstack (local)'));
  c.render(req, res, request, mfaSetupPage, { ...fields, qrSvg: qr }, status);
}

/**
 * Shows the MFA step a sign-in result asks for (true), or leaves the result to the caller (false). MFA_SETUP
 * associates a secret with the challenge's session first, as Cognito's page does before showing the QR code.
 */
export async function mfaStep(
  c: OAuthContext,
  req: IncomingMessage,
  res: ServerResponse,
  request: AuthorizeRequest,
  username: string,
  result: ChallengeResult,
): Promise<boolean> {
  if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA' && result.Session) {
    c.render(req, res, request, mfaCodePage, { username, session: result.Session });
    return true;
  }
  if (result.ChallengeName === 'MFA_SETUP' && result.Session) {
    const associated = (await c.opts.dispatch('AssociateSoftwareToken', { Session: result.Session })) as { SecretCode: string; Session: string };
    await renderSetup(c, req, res, request, { username, session: associated.Session, secret: associated.SecretCode });
    return true;
  }
  return false;
}

/** Past the session's three minutes (or its tries), the user signs in again. */
function backToSignIn(c: OAuthContext, req: IncomingMessage, res: ServerResponse, request: AuthorizeRequest, username: string, error: unknown): void {
  c.render(req, res, request, signInPage, { username, error: `${messageOf(error)} Sign in again.` }, 400);
}

const codeForm = pageEndpoint('/mfa', mfaCodePage, async (c, req, res, request, fields) => {
  const username = (fields.get('username') ?? '').trim();
  const session = fields.get('session') ?? '';
  try {
    const result = (await c.opts.dispatch('RespondToAuthChallenge', {
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ClientId: c.client.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: (fields.get('code') ?? '').trim() },
    })) as ChallengeResult;
    finishSignIn(c, res, request, result, username);
  } catch (error) {
    if (codeOf(error) === 'NotAuthorizedException') return backToSignIn(c, req, res, request, username, error);
    c.render(req, res, request, mfaCodePage, { username, session, error: messageOf(error) }, 400);
  }
});

const setupForm = pageEndpoint('/mfaSetup', mfaSetupPage, async (c, req, res, request, fields) => {
  const username = (fields.get('username') ?? '').trim();
  const session = fields.get('session') ?? '';
  const secret = fields.get('secret') ?? '';
  try {
    const verified = (await c.opts.dispatch('VerifySoftwareToken', {
      Session: session,
      UserCode: (fields.get('code') ?? '').trim(),
      FriendlyDeviceName: 'authenticator',
    })) as {
      Session: string;
    };
    const result = (await c.opts.dispatch('RespondToAuthChallenge', {
      ChallengeName: 'MFA_SETUP',
      ClientId: c.client.clientId,
      Session: verified.Session,
      ChallengeResponses: { USERNAME: username },
    })) as ChallengeResult;
    finishSignIn(c, res, request, result, username);
  } catch (error) {
    if (codeOf(error) === 'NotAuthorizedException') return backToSignIn(c, req, res, request, username, error);
    const wrong = codeOf(error) === 'EnableSoftwareTokenMFAException' ? 'That code is not right. Enter the code the app shows now.' : messageOf(error);
    await renderSetup(c, req, res, request, { username, session, secret, error: wrong }, 400);
  }
});

/** The forms are only ever shown by a sign-in; a bare GET (a reload, a bookmark) starts from the sign-in page. */
function postedOnly(form: Endpoint): Endpoint {
  return {
    path: form.path,
    serve(c, req, res, params) {
      if (req.method === 'GET') return redirect(res, `${c.baseUrl}/login?${params.toString()}`);
      return form.serve(c, req, res, params);
    },
  };
}

export const mfaCode = postedOnly(codeForm);
export const mfaSetup = postedOnly(setupForm);
