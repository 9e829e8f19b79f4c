import { describe, expect, it } from 'vitest';

import { generatedTemplate } from '../../helpers/template.js';
import { localClient } from '../../../src/local/cognito.js';
import { defaultStackModel } from '../../../src/core/stack-model.js';

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
