/** The local pool and client are made from the stack model: a project's settings are the ones dev runs. */
import { describe, expect, it } from 'vitest';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { localClient, localPool, startLocalCognito } from '../../../src/local/cognito.js';
import { tempDir } from '../../helpers/local-temp.js';

const settingsOf = (model: ReturnType<typeof buildStackModel>) => ({ pool: localPool(model), client: localClient(model) });

describe('the local Cognito from the stack model', () => {
  it("creates the pool and client with the model's password policy, token lifetimes and redirect URLs, and updates them on the same data when the settings change", async () => {
    const dir = await tempDir();
    try {
      const strict = buildStackModel({
        passwordPolicy: { minimumLength: 14, requireSymbols: false },
        accessTokenValidityMinutes: 15,
        callbackUrls: ['https://app.example.com/callback'],
      });
      let cognito = await startLocalCognito({ port: 0, dataDir: dir.path, settings: settingsOf(strict) });
      const describe = async () => {
        const pool = (await cognito.dispatch('DescribeUserPool', { UserPoolId: cognito.userPoolId })) as {
          UserPool: { Policies: { PasswordPolicy: Record<string, unknown> } };
        };
        const client = (await cognito.dispatch('DescribeUserPoolClient', { UserPoolId: cognito.userPoolId, ClientId: cognito.clientId })) as {
          UserPoolClient: Record<string, unknown>;
        };
        return { policy: pool.UserPool.Policies.PasswordPolicy, client: client.UserPoolClient };
      };
      try {
        const first = await describe();
        expect(first.policy).toMatchObject({ MinimumLength: 14, RequireSymbols: false });
        expect(first.client).toMatchObject({ AccessTokenValidity: 15, CallbackURLs: ['https://app.example.com/callback'] });
        expect(cognito.passwordPolicy).toMatchObject({ MinimumLength: 14, RequireSymbols: false });
        // The token lifetimes are the client's: a 15-minute access token, as the deployed client would issue.
        const email = 'ada@example.com';
        const password = 'long-enough-password-1A';
        await cognito.dispatch('SignUp', {
          ClientId: cognito.clientId,
          Username: email,
          Password: password,
          UserAttributes: [{ Name: 'email', Value: email }],
        });
        await cognito.dispatch('AdminConfirmSignUp', { UserPoolId: cognito.userPoolId, Username: email });
        const auth = (await cognito.dispatch('InitiateAuth', {
          ClientId: cognito.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        })) as {
          AuthenticationResult: { AccessToken: string; ExpiresIn: number };
        };
        const claims = JSON.parse(Buffer.from(auth.AuthenticationResult.AccessToken.split('.')[1]!, 'base64url').toString('utf8')) as {
          exp: number;
          iat: number;
        };
        expect(claims.exp - claims.iat).toBe(15 * 60);
        // The policy is the model's: 14 characters and no symbol needed are enough, 13 are not.
        await expect(
          cognito.dispatch('SignUp', {
            ClientId: cognito.clientId,
            Username: 'bea@example.com',
            Password: 'Short-pass-1A',
            UserAttributes: [{ Name: 'email', Value: 'bea@example.com' }],
          }),
        ).rejects.toMatchObject({
          code: 'InvalidPasswordException',
        });
        expect(cognito.hostedUi.callbackUrls).toEqual(['https://app.example.com/callback']);
      } finally {
        await cognito.close();
      }
      const ids = { pool: cognito.userPoolId, client: cognito.clientId };
      cognito = await startLocalCognito({ port: 0, dataDir: dir.path, settings: settingsOf(buildStackModel()) });
      try {
        expect({ pool: cognito.userPoolId, client: cognito.clientId }).toEqual(ids);
        const second = await describe();
        expect(second.policy).toMatchObject({ MinimumLength: 8, RequireSymbols: true });
        expect(second.client).toMatchObject({ AccessTokenValidity: 60, CallbackURLs: ['http://localhost:47651/callback'] });
      } finally {
        await cognito.close();
      }
    } finally {
      await dir.remove();
    }
  });
});
