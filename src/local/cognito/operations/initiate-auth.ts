/**
 * InitiateAuth with the flows the app client allows: USER_PASSWORD_AUTH (Cognito's user lookup, disabled-user,
 * new-password and MFA challenges), USER_SRP_AUTH (the PASSWORD_VERIFIER challenge, also for
 * an unknown user when the client hides users) and REFRESH_TOKEN_AUTH (tokens of the same sign-in).
 */
import { randomBytes } from 'node:crypto';

import type { InitiateAuthCommandInput, InitiateAuthCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { srpVerifier, startSrpServer } from '../../../core/srp.js';
import type { AppClient } from '../../cognito-local-modules.js';
import { assertFlowAllowed, passwordSignIn, refresh, unknownUser } from '../auth.js';
import { requireParameters, stringMap, type AuthResult, type Operation, type OperationContext } from '../context.js';
import { InvalidParameterException } from '../errors.js';
import { SRP_CHALLENGE_TTL_MS } from '../srp-challenges.js';
import { preAuthentication } from '../trigger-points.js';

type Output = Omit<InitiateAuthCommandOutput, '$metadata'>;

export const initiateAuth: Operation<InitiateAuthCommandInput, InitiateAuthCommandOutput> = async (c, input) => {
  const client = await c.appClient(input.ClientId);
  const params = stringMap(input.AuthParameters);
  const flow = String(input.AuthFlow ?? '');
  assertFlowAllowed(client, flow);
  switch (flow) {
    case 'USER_PASSWORD_AUTH': {
      const pool = await c.poolForClient(input.ClientId);
      return c.recordIssued((await passwordSignIn(c, pool, client, params, input.ClientMetadata)) as Output);
    }
    case 'USER_SRP_AUTH':
      return (await srpChallenge(c, client, params, input.ClientMetadata)) as Output;
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN': {
      const tokens = await refresh(c, client, params.REFRESH_TOKEN);
      return c.recordIssued({ ChallengeParameters: {}, AuthenticationResult: tokens });
    }
    default:
      // Only the flows the client allows get here; ours allows none that cognito-local lacks.
      return (await c.local('InitiateAuth', input)) as Output;
  }
};

/** The PASSWORD_VERIFIER challenge; an unknown user gets one that looks like any other and that no answer can meet. */
async function srpChallenge(c: OperationContext, client: AppClient, params: Record<string, string | undefined>, clientMetadata?: unknown): Promise<AuthResult> {
  requireParameters(params, ['USERNAME', 'SRP_A']);
  const username = params.USERNAME ?? '';
  const srpA = params.SRP_A ?? '';
  if (!/^[0-9a-fA-F]+$/.test(srpA) || srpA.length > 1024) throw new InvalidParameterException('SRP_A is not valid');
  const pool = await c.poolForClient(client.ClientId);
  const user = await c.findUser(pool, username);
  if (!user && client.PreventUserExistenceErrors !== 'ENABLED') throw unknownUser(client);
  // Cognito fires pre authentication as the SRP sign-in starts, before the password claim.
  if (user) await preAuthentication(c.triggers, pool.options.Id, user, client.ClientId, clientMetadata);
  const userId = user?.Username ?? username;
  const salt = c.srp.saltFor(pool.options.Id, userId);
  const password = user?.Password ?? randomBytes(32).toString('hex');
  const session = startSrpServer(srpVerifier({ userPoolId: pool.options.Id, userIdForSrp: userId, password, salt }), salt);
  const secretBlock = c.srp.seal({
    clientId: client.ClientId,
    username: user ? user.Username : null,
    srpA,
    session,
    expiresAt: c.now() + SRP_CHALLENGE_TTL_MS,
  });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: salt, SRP_B: session.srpB, SECRET_BLOCK: secretBlock, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}
