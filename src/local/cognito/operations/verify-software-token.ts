/**
 * VerifySoftwareToken: the first code from the authenticator app, for the secret AssociateSoftwareToken gave. With an
 * access token the token becomes the user's (verified; SetUserMFAPreference turns it on, as Cognito documents); with
 * an MFA_SETUP session the answer is the session RespondToAuthChallenge(MFA_SETUP) takes. A wrong code is Cognito's
 * EnableSoftwareTokenMFAException, and the session takes another try (three wrong ones spend it).
 */
import type { VerifySoftwareTokenCommandInput, VerifySoftwareTokenCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { InvalidParameterException, NotAuthorizedException } from '../errors.js';
import {
  EnableSoftwareTokenMFAException,
  MFA_SETUP_ASSOCIATED,
  MFA_SETUP_VERIFIED,
  codeMatches,
  countWrongAnswer,
  tokenUser,
  totpEnabled,
  withVerifiedToken,
} from '../mfa.js';

export const verifySoftwareToken: Operation<VerifySoftwareTokenCommandInput, VerifySoftwareTokenCommandOutput> = async (c, input) => {
  if (!input.UserCode) throw new InvalidParameterException('Missing required parameter UserCode');
  if (input.AccessToken && input.Session) throw new InvalidParameterException('Provide either an AccessToken or a Session, not both.');
  if (input.Session) {
    const entry = c.authSessions.entry(input.Session, MFA_SETUP_ASSOCIATED);
    if (!entry.secret || !(await codeMatches(c, entry.secret, input.UserCode))) {
      countWrongAnswer(c, input.Session);
      throw new EnableSoftwareTokenMFAException();
    }
    const pool = await c.poolForClient(entry.clientId);
    const user = await pool.getUserByUsername(c.ctx, entry.username);
    if (!user) throw new NotAuthorizedException('Invalid session for the user.');
    await pool.saveUser(c.ctx, withVerifiedToken(user, entry.secret, input.FriendlyDeviceName, false));
    c.authSessions.end(input.Session);
    return { Status: 'SUCCESS', Session: c.authSessions.start(entry.clientId, entry.username, MFA_SETUP_VERIFIED) };
  }
  if (!input.AccessToken) throw new InvalidParameterException('Missing required parameter AccessToken or Session');
  const { pool, user } = await tokenUser(c, input.AccessToken);
  const secret = user.SoftwareTokenPendingSecret;
  if (!secret) throw new EnableSoftwareTokenMFAException('User has not associated a software token.');
  if (!(await codeMatches(c, secret, input.UserCode))) throw new EnableSoftwareTokenMFAException();
  // A user who already has TOTP on keeps it on, now with the new secret.
  await pool.saveUser(c.ctx, withVerifiedToken(user, secret, input.FriendlyDeviceName, totpEnabled(user)));
  return { Status: 'SUCCESS' };
};
