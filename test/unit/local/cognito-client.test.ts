import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';

import { DEFAULT_LOGOUT_URLS } from '../../../src/core/hosted-ui.js';
import { defaultStackModel } from '../../../src/core/stack-model.js';
import { localClient, startLocalCognito } from '../../../src/local/cognito.js';
import { clientFor, localCognitoForFile } from '../../helpers/local-cognito.js';
import { generatedTemplate } from '../../helpers/template.js';

const LOCAL_CLIENT = localClient(defaultStackModel());

describe("the local app client is the template's", () => {
  it('allows exactly the auth flows, hides users and revokes tokens as the deployed client does', async () => {
    const { template } = generatedTemplate();
    const deployed = Object.values(template.Resources).find((r) => r.Type === 'AWS::Cognito::UserPoolClient');
    const props = (deployed?.Properties ?? {}) as Record<string, unknown>;
    expect([...LOCAL_CLIENT.ExplicitAuthFlows].sort()).toEqual([...(props.ExplicitAuthFlows as string[])].sort());
    expect(LOCAL_CLIENT.PreventUserExistenceErrors).toBe(props.PreventUserExistenceErrors);
    expect(LOCAL_CLIENT.EnableTokenRevocation).toBe(props.EnableTokenRevocation);
    expect(LOCAL_CLIENT.GenerateSecret).toBe(props.GenerateSecret);
    expect(LOCAL_CLIENT.TokenValidityUnits).toEqual(props.TokenValidityUnits);
    // Lifetimes are template parameters; the local client takes their defaults.
    const defaultOf = (value: unknown): unknown => template.Parameters?.[(value as { Ref: string }).Ref]?.Default;
    expect(LOCAL_CLIENT.AccessTokenValidity).toBe(Number(defaultOf(props.AccessTokenValidity)));
    expect(LOCAL_CLIENT.IdTokenValidity).toBe(Number(defaultOf(props.IdTokenValidity)));
    expect(LOCAL_CLIENT.RefreshTokenValidity).toBe(Number(defaultOf(props.RefreshTokenValidity)));
  });
});

describe('DescribeUserPoolClient answers the hosted sign-in settings, as AWS does for the same client', () => {
  const callbackUrls = ['http://localhost:5173/callback', 'http://localhost:47651/callback'];
  const logoutUrls = ['http://localhost:5173/'];
  const local = localCognitoForFile({ oauth: { callbackUrls, logoutUrls } });

  it("has the template's OAuth settings and this run's URLs, read with the SDK", async () => {
    const { template } = generatedTemplate();
    const deployed = Object.values(template.Resources).find((r) => r.Type === 'AWS::Cognito::UserPoolClient');
    const props = (deployed?.Properties ?? {}) as Record<string, unknown>;
    const { UserPoolClient } = await local.client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: local.cognito.userPoolId, ClientId: local.cognito.clientId }),
    );
    expect(UserPoolClient).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: props.AllowedOAuthFlowsUserPoolClient,
      AllowedOAuthFlows: props.AllowedOAuthFlows,
      AllowedOAuthScopes: props.AllowedOAuthScopes,
      SupportedIdentityProviders: props.SupportedIdentityProviders,
      CallbackURLs: callbackUrls,
      LogoutURLs: logoutUrls,
    });
    expect(UserPoolClient?.ExplicitAuthFlows?.sort()).toEqual([...LOCAL_CLIENT.ExplicitAuthFlows].sort());
  });

  it('takes new URLs on a restart over the same data (dev --callback-url changed), keeping the client', async () => {
    await local.cognito.close();
    const again = await startLocalCognito({ port: 0, dataDir: local.dataDir, oauth: { callbackUrls: ['http://localhost:3001/cb'] } });
    const client = clientFor(again);
    try {
      expect(again.clientId).toBe(local.cognito.clientId);
      const { UserPoolClient } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: again.userPoolId, ClientId: again.clientId }));
      expect(UserPoolClient?.CallbackURLs).toEqual(['http://localhost:3001/cb']);
      expect(UserPoolClient?.LogoutURLs).toEqual([...DEFAULT_LOGOUT_URLS]);
    } finally {
      client.destroy();
      await again.close();
    }
  });
});
