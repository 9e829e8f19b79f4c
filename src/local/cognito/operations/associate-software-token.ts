/**
 * AssociateSoftwareToken: a new TOTP secret for the user's authenticator app, with an access token (a signed-in
 * user adding TOTP; the factor they have keeps working until the new one is verified) or with the session of an
 * MFA_SETUP challenge (then the answer carries the session VerifySoftwareToken takes). On a pool without MFA,
 * Cognito's SoftwareTokenMFANotFoundException.
 */
import type { AssociateSoftwareTokenCommandInput, AssociateSoftwareTokenCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { InvalidParameterException } from '../errors.js';
import { MFA_SETUP, MFA_SETUP_ASSOCIATED, assertPoolOffersTotp, newSecret, tokenUser } from '../mfa.js';

export const associateSoftwareToken: Operation<AssociateSoftwareTokenCommandInput, AssociateSoftwareTokenCommandOutput> = async (c, input) => {
  if (input.AccessToken && input.Session) throw new InvalidParameterException('Provide either an AccessToken or a Session, not both.');
  if (input.Session) {
    const entry = c.authSessions.entry(input.Session, MFA_SETUP);
    assertPoolOffersTotp(await c.poolForClient(entry.clientId));
    const secret = await newSecret();
    c.authSessions.end(input.Session);
    return { SecretCode: secret, Session: c.authSessions.start(entry.clientId, entry.username, MFA_SETUP_ASSOCIATED, secret) };
  }
  if (!input.AccessToken) throw new InvalidParameterException('Missing required parameter AccessToken or Session');
  const { pool, user } = await tokenUser(c, input.AccessToken);
  assertPoolOffersTotp(pool);
  const secret = await newSecret();
  await pool.saveUser(c.ctx, { ...user, SoftwareTokenPendingSecret: secret });
  return { SecretCode: secret };
};
