/** GetTokensFromRefreshToken: new access and ID tokens of the same sign-in; the refresh token is kept (no rotation). */
import type { GetTokensFromRefreshTokenCommandInput, GetTokensFromRefreshTokenCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { assertFlowAllowed, refresh } from '../auth.js';
import type { Operation } from '../context.js';

export const getTokensFromRefreshToken: Operation<GetTokensFromRefreshTokenCommandInput, GetTokensFromRefreshTokenCommandOutput> = async (c, input) => {
  const client = await c.appClient(input.ClientId);
  assertFlowAllowed(client, 'REFRESH_TOKEN_AUTH');
  return c.recordIssued({ AuthenticationResult: await refresh(c, client, input.RefreshToken) });
};
