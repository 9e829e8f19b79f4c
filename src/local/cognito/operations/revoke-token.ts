/**
 * RevokeToken: a refresh token of this client, expired or not, and with it every token of its sign-in, as Cognito
 * does with token revocation on (our template's setting).
 */
import type { RevokeTokenCommandInput, RevokeTokenCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { TokenRefused, type RefreshClaims } from '../../cognito-tokens.js';
import type { Operation } from '../context.js';
import { NotAuthorizedException, UnsupportedTokenTypeException } from '../errors.js';

export const revokeToken: Operation<RevokeTokenCommandInput, RevokeTokenCommandOutput> = async (c, input) => {
  const client = await c.appClient(input.ClientId);
  let claims: RefreshClaims;
  try {
    claims = await c.checker.refresh(input.Token);
  } catch (error) {
    // An expired refresh token can still be revoked; anything else we did not issue as one cannot.
    if (!(error instanceof TokenRefused) || !/expired/.test(error.message)) throw new UnsupportedTokenTypeException();
    claims = await c.checker.refresh(input.Token, { ignoreExpiry: true });
  }
  if (claims.client_id !== undefined && claims.client_id !== client.ClientId) throw new NotAuthorizedException('Invalid token');
  const pool = await c.poolForClient(client.ClientId);
  const user = await pool.getUserByRefreshToken(c.ctx, String(input.Token));
  if (user) await pool.saveUser(c.ctx, { ...user, RefreshTokens: user.RefreshTokens.filter((t) => t !== input.Token) });
  await c.revocations.revokeOrigin(claims.origin.jti, claims.exp * 1000, c.now());
  return {};
};
