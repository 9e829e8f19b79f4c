/**
 * USER_SRP_AUTH against the local Cognito, driven by amazon-cognito-identity-js (whose default sign-in is SRP)
 * and by our own client side (src/core/srp.ts, what `authstack login` uses).
 */
import {
  type CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { beforeAll, describe, expect, it } from 'vitest';

import { passwordClaim, startSrpClient, type PasswordVerifierChallenge } from '../../../src/core/srp.js';
import type { LocalCognito } from '../../../src/local/cognito.js';
import { cognitoError, localCognitoForFile } from '../../helpers/local-cognito.js';

const PASSWORD = 'Corr3ct-Horse!';

let cognito: LocalCognito;
let client: CognitoIdentityProviderClient;
let pool: CognitoUserPool;
let counter = 0;

const freshEmail = (): string => `srp${++counter}.${Date.now()}@example.com`;

async function signedUp(email = freshEmail(), confirm = true): Promise<string> {
  await client.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: PASSWORD }));
  if (confirm) {
    const code = cognito.mailbox.latestFor(email)!.code;
    await client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code }));
  }
  return email;
}

/** amazon-cognito-identity-js's sign-in with its default flow (USER_SRP_AUTH). */
function librarySignIn(email: string, password = PASSWORD): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: email, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
    }),
  );
}

/** Our client side: InitiateAuth(USER_SRP_AUTH), then the answer computed by src/core/srp.ts. */
async function ourSignIn(email: string, password = PASSWORD) {
  const session = startSrpClient();
  const started = await client.send(
    new InitiateAuthCommand({
      ClientId: cognito.clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: email, SRP_A: session.srpA },
    }),
  );
  expect(started.ChallengeName).toBe('PASSWORD_VERIFIER');
  const challenge = started.ChallengeParameters as unknown as PasswordVerifierChallenge;
  const responses = passwordClaim({ userPoolId: cognito.userPoolId, password, session, challenge, now: new Date() });
  const request = {
    ClientId: cognito.clientId,
    ChallengeName: 'PASSWORD_VERIFIER' as const,
    ChallengeResponses: { ...responses },
  };
  return { challenge, request, answer: () => client.send(new RespondToAuthChallengeCommand(request)) };
}

const local = localCognitoForFile();
beforeAll(() => {
  ({ cognito, client } = local);
  pool = new CognitoUserPool({ UserPoolId: cognito.userPoolId, ClientId: cognito.clientId, endpoint: cognito.endpoint });
});

describe('local Cognito: USER_SRP_AUTH as amazon-cognito-identity-js speaks it', () => {
  it('signs the user in with the library default flow, and the access token reads the user', async () => {
    const email = await signedUp();
    const session = await librarySignIn(email);
    const access = session.getAccessToken();
    expect(access.decodePayload()).toMatchObject({ token_use: 'access', client_id: cognito.clientId });
    const user = await client.send(new GetUserCommand({ AccessToken: access.getJwtToken() }));
    expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: email });
  });

  it('answers an unknown user as a wrong password: NotAuthorizedException, never UserNotFound', async () => {
    expect(await cognitoError(librarySignIn(`nobody.${Date.now()}@example.com`))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });
});

describe('local Cognito: USER_SRP_AUTH with our client side', () => {
  it('challenges with SALT, SRP_B, SECRET_BLOCK and the user id, and issues tokens for the right claim', async () => {
    const email = await signedUp();
    const { challenge, answer } = await ourSignIn(email);
    expect(Object.keys(challenge).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    const result = await answer();
    expect(result.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    const user = await client.send(new GetUserCommand({ AccessToken: result.AuthenticationResult!.AccessToken }));
    expect(user.Username).toBe(challenge.USER_ID_FOR_SRP);
  });

  it('refuses a wrong password, and an answer sent a second time', async () => {
    const email = await signedUp();
    const wrong = await ourSignIn(email, 'Wr0ng-Horse!');
    expect(await cognitoError(wrong.answer())).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const right = await ourSignIn(email);
    await right.answer();
    expect(await cognitoError(right.answer())).toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('tells an unconfirmed user with the right password to confirm first', async () => {
    const email = await signedUp(freshEmail(), false);
    expect(await cognitoError((await ourSignIn(email)).answer())).toMatchObject({ name: 'UserNotConfirmedException' });
  });

  it('refuses a claim whose timestamp was changed after signing', async () => {
    const email = await signedUp();
    const { request } = await ourSignIn(email);
    request.ChallengeResponses.TIMESTAMP = 'Thu Jan 1 00:00:00 UTC 1970';
    expect(await cognitoError(client.send(new RespondToAuthChallengeCommand(request)))).toMatchObject({
      name: 'NotAuthorizedException',
    });
  });
});

describe('local Cognito: the flows the app client allows', () => {
  it.each(['USER_AUTH', 'CUSTOM_AUTH'])('answers %s, which the template does not allow, with InvalidParameterException', async (flow) => {
    const error = await cognitoError(
      client.send(
        new InitiateAuthCommand({
          ClientId: cognito.clientId,
          AuthFlow: flow as 'USER_AUTH',
          AuthParameters: { USERNAME: 'someone@example.com' },
        }),
      ),
    );
    expect(error).toEqual({ name: 'InvalidParameterException', message: `${flow} flow not enabled for this client` });
  });
});
