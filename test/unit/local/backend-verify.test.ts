import { InitiateAuthCommand, SignUpCommand, ConfirmSignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's example, as an app would import it.
import { createAccessTokenVerifier } from '../../../examples/verify-access-token.js';
import { startLocalCognito, type LocalCognito } from '../../../src/local/cognito.js';
import { clientFor } from '../../helpers/local-cognito.js';
import { tempDir } from '../../helpers/local-temp.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let cognito: LocalCognito;

beforeAll(async () => {
  dir = await tempDir();
  cognito = await startLocalCognito({ port: 0, dataDir: dir.path });
});

afterAll(async () => {
  await cognito?.close();
  await dir?.remove();
});

describe("an app's back end verifying tokens with aws-jwt-verify", () => {
  it('accepts the local access tokens with configuration only, and refuses ID tokens and other clients', async () => {
    const client = clientFor(cognito);
    const email = `backend.${Date.now()}@example.com`;
    const password = 'Corr3ct-Horse!';
    await client.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: password }));
    const code = cognito.mailbox.latestFor(email)!.code;
    await client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code }));
    const { AuthenticationResult: tokens } = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    client.destroy();

    // What `authstack outputs --format env --env-prefix ''` writes for the local target.
    const env = {
      AUTHSTACK_REGION: cognito.region,
      AUTHSTACK_USER_POOL_ID: cognito.userPoolId,
      AUTHSTACK_USER_POOL_CLIENT_ID: cognito.clientId,
      AUTHSTACK_COGNITO_ENDPOINT: cognito.endpoint,
    };
    const payload = await createAccessTokenVerifier(env).verify(tokens!.AccessToken!);
    expect(payload).toMatchObject({ token_use: 'access', client_id: cognito.clientId, iss: cognito.issuer });
    await expect(createAccessTokenVerifier(env).verify(tokens!.IdToken!)).rejects.toThrow(/token use/i);
    await expect(createAccessTokenVerifier({ ...env, AUTHSTACK_USER_POOL_CLIENT_ID: 'another-client' }).verify(tokens!.AccessToken!)).rejects.toThrow(
      /client/i,
    );
  });
});
