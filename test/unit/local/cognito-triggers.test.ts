/**
 * How the local Cognito runs a trigger's function and reads its answer, with a function runtime stand-in (no
 * workers, no clock to wait on): Cognito's event shape (its common parameters, as
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
 * lists them), `<Trigger> failed with error <message>.` for a throw, Cognito's time-out answer, a refused answer
 * that is no event, and the claims a pre token generation trigger may not touch left as Cognito wrote them.
 */
import { describe, expect, it } from 'vitest';
import type { InvokeOutcome } from '../../../src/local/functions/types.js';
import { LocalTriggers, type TriggerInvocation } from '../../../src/local/cognito/triggers.js';
import { preTokenGeneration } from '../../../src/local/cognito/trigger-points.js';
import { triggerModels } from '../../../src/core/triggers.js';

const subject = { userPoolId: 'local_pool', userName: 'user-1', clientId: 'client-1' };

function runner(answer: (event: Record<string, unknown>) => Promise<InvokeOutcome>, waitMs?: number) {
  const seen: Record<string, unknown>[] = [];
  const invocations: TriggerInvocation[] = [];
  const triggers = new LocalTriggers({
    triggers: triggerModels({ preSignUp: 'a.ts#handler', preTokenGeneration: 'b.ts#handler' }),
    region: 'local',
    ...(waitMs ? { waitMs } : {}),
  });
  triggers.attach({
    invoke: (_id, _request, event) => {
      const json = JSON.stringify(event);
      seen.push(JSON.parse(json));
      return answer(JSON.parse(json));
    },
  });
  triggers.onInvocation((i) => invocations.push(i));
  return { triggers, seen, invocations };
}

const returning =
  (change: (e: Record<string, any>) => void = () => undefined) =>
  async (e: Record<string, any>): Promise<InvokeOutcome> => {
    change(e);
    return { ok: true, result: JSON.parse(JSON.stringify(e)), log: '' };
  };

describe('a trigger invocation', () => {
  it("sends Cognito's event: version, triggerSource, region, userPoolId, userName, callerContext.clientId, request, response", async () => {
    const { triggers, seen } = runner(returning());
    await triggers.fire('preSignUp', 'PreSignUp_SignUp', subject, { userAttributes: { email: 'a@b.c' } }, { autoConfirmUser: false });
    expect(seen[0]).toEqual({
      version: '1',
      triggerSource: 'PreSignUp_SignUp',
      region: 'local',
      userPoolId: 'local_pool',
      userName: 'user-1',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client-1' },
      request: { userAttributes: { email: 'a@b.c' } },
      response: { autoConfirmUser: false },
    });
  });

  it("fails a throw with UserLambdaValidationException '<Trigger> failed with error <message>.' (the function's message, not its error name), and reports it", async () => {
    const { triggers, invocations } = runner(async () => ({
      ok: false,
      error: 'Error: Not from here',
      log: 'ERROR\tInvoke Error\t{"errorType":"Error","errorMessage":"Not from here"}\n',
    }));
    await expect(triggers.fire('preSignUp', 'PreSignUp_SignUp', subject, {}, {})).rejects.toMatchObject({
      code: 'UserLambdaValidationException',
      message: 'PreSignUp failed with error Not from here.',
    });
    expect(invocations[0]).toMatchObject({
      trigger: 'preSignUp',
      source: 'PreSignUp_SignUp',
      functionId: 'trigger-pre-sign-up',
      ok: false,
      error: 'PreSignUp failed with error Not from here.',
    });
  });

  it("fails a function that does not answer within Cognito's wait with UnexpectedLambdaException, Cognito's socket time-out words", async () => {
    const { triggers } = runner(() => new Promise<InvokeOutcome>(() => undefined), 20);
    await expect(triggers.fire('preSignUp', 'PreSignUp_SignUp', subject, {}, {})).rejects.toMatchObject({
      code: 'UnexpectedLambdaException',
      message: 'PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.',
    });
  });

  it('fails the function runtime\'s own "Task timed out" the same way', async () => {
    const { triggers } = runner(async () => ({ ok: false, error: 'Task timed out after 5.00 seconds', log: '' }));
    await expect(triggers.fire('preSignUp', 'PreSignUp_SignUp', subject, {}, {})).rejects.toMatchObject({ code: 'UnexpectedLambdaException' });
  });

  it('refuses an answer that is not the event with InvalidLambdaResponseException', async () => {
    const { triggers } = runner(async () => ({ ok: true, result: null, log: '' }));
    await expect(triggers.fire('preSignUp', 'PreSignUp_SignUp', subject, {}, {})).rejects.toMatchObject({
      code: 'InvalidLambdaResponseException',
      message: 'Unrecognizable lambda output',
    });
  });

  it('is no invocation at all for a trigger the project does not declare', async () => {
    const { triggers, seen } = runner(returning());
    expect(await triggers.fire('customMessage', 'CustomMessage_SignUp', subject, {}, {})).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('waits for the function runtime when fired before it is attached', async () => {
    const triggers = new LocalTriggers({ triggers: triggerModels({ preSignUp: 'a.ts#handler' }), region: 'local' });
    const pending = triggers.fire('preSignUp', 'PreSignUp_SignUp', subject, {}, {});
    triggers.attach({ invoke: async (_id, _r, event) => ({ ok: true, result: structuredClone(event), log: '' }) });
    expect(await pending).toMatchObject({ triggerSource: 'PreSignUp_SignUp' });
  });
});

describe('pre token generation V2', () => {
  const user = {
    Username: 'user-1',
    Attributes: [
      { Name: 'email', Value: 'a@b.c' },
      { Name: 'sub', Value: 'sub-1' },
    ],
    Enabled: true,
    UserStatus: 'CONFIRMED',
    Password: '',
    RefreshTokens: [],
    UserLastModifiedDate: new Date(0),
  };
  const client = { ClientId: 'client-1', UserPoolId: 'local_pool' };

  it('sends version 2 with the user attributes, groups and scopes, and applies claims, suppressions, scopes and groups to both tokens', async () => {
    const { triggers, seen } = runner(
      returning((e) => {
        e.response.claimsAndScopeOverrideDetails = {
          idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme', roles: ['a', 'b'] }, claimsToSuppress: ['email'] },
          accessTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' }, scopesToAdd: ['x/read'], scopesToSuppress: ['aws.cognito.signin.user.admin'] },
          groupOverrideDetails: { groupsToOverride: ['admin'] },
        };
      }),
    );
    const changes = await preTokenGeneration(triggers, {
      user,
      groups: ['staff'],
      client,
      source: 'Authentication',
      scopes: ['aws.cognito.signin.user.admin'],
    });
    expect(seen[0]).toMatchObject({
      version: '2',
      triggerSource: 'TokenGeneration_Authentication',
      request: {
        userAttributes: { email: 'a@b.c', sub: 'sub-1' },
        scopes: ['aws.cognito.signin.user.admin'],
        groupConfiguration: { groupsToOverride: ['staff'], iamRolesToOverride: [], preferredRole: null },
      },
      response: { claimsAndScopeOverrideDetails: null },
    });
    const id: Record<string, unknown> = { sub: 'sub-1', email: 'a@b.c', 'cognito:groups': ['staff'] };
    const access: Record<string, unknown> = { sub: 'sub-1', scope: 'aws.cognito.signin.user.admin', 'cognito:groups': ['staff'] };
    changes!.id(id);
    changes!.access(access);
    expect(id).toEqual({ sub: 'sub-1', tenant: 'acme', roles: ['a', 'b'], 'cognito:groups': ['admin'] });
    expect(access).toEqual({ sub: 'sub-1', tenant: 'acme', scope: 'x/read', 'cognito:groups': ['admin'] });
  });

  it('leaves the claims Cognito does not let a trigger add, change or suppress as they were (sub, iss, token_use, auth_time, origin_jti, dev:..., client_id)', async () => {
    const { triggers } = runner(
      returning((e) => {
        e.response.claimsAndScopeOverrideDetails = {
          idTokenGeneration: {
            claimsToAddOrOverride: { sub: 'x', iss: 'x', token_use: 'x', 'dev:x': 'x', 'cognito:username': 'x' },
            claimsToSuppress: ['auth_time', 'origin_jti'],
          },
          accessTokenGeneration: { claimsToAddOrOverride: { client_id: 'x', scope: 'x', jti: 'x' } },
        };
      }),
    );
    const changes = await preTokenGeneration(triggers, { user, groups: [], client, source: 'RefreshTokens', scopes: [] });
    const id: Record<string, unknown> = { sub: 's', iss: 'i', token_use: 'id', auth_time: 1, origin_jti: 'o', 'cognito:username': 'u' };
    const access: Record<string, unknown> = { client_id: 'c', scope: 'openid', jti: 'j' };
    changes!.id(id);
    changes!.access(access);
    expect(id).toEqual({ sub: 's', iss: 'i', token_use: 'id', auth_time: 1, origin_jti: 'o', 'cognito:username': 'u' });
    expect(access).toEqual({ client_id: 'c', scope: 'openid', jti: 'j' });
  });
});
