/**
 * The template's builders take what the model declares, not a fixed stack: a second function with its own route
 * gets its own log group, role, function (its code from its own asset), method and invoke permission, and the
 * template stays valid against the schemas with every reference resolved.
 */
import { describe, expect, it } from 'vitest';
import { buildStackModel, type StackModel } from '../../../src/core/stack-model.js';
import { synthesize } from '../../../src/deploy/template/index.js';
import { checkReferences } from '../../helpers/cfn-refs.js';
import { PropertiesValidator, loadResourceSchemas, validateTemplateProperties } from '../../helpers/cfn-schema.js';

function withWebhook(): StackModel {
  const model = buildStackModel();
  return {
    ...model,
    functions: [
      ...model.functions,
      { id: 'stripe-webhook', entry: 'src/webhook.ts', handler: 'webhook.handler', environment: { MODE: 'test' }, memorySize: 128, timeout: 5 },
    ],
    routes: [...model.routes, { method: 'POST', path: '/hooks/stripe', functionId: 'stripe-webhook' }],
  };
}

describe('a model with a second function and route', () => {
  const template = synthesize(withWebhook(), { api: { sha256: 'ab'.repeat(32) }, 'stripe-webhook': { sha256: 'cd'.repeat(32) } });

  it('declares the function with its own role, log group, code asset, limits and environment', () => {
    const fn = template.Resources.StripeWebhookFunction!;
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      Handler: 'webhook.handler',
      MemorySize: 128,
      Timeout: 5,
      Role: { 'Fn::GetAtt': ['StripeWebhookFunctionRole', 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: 'StripeWebhookFunctionLogGroup' } },
      Code: { S3Key: `functions/${'cd'.repeat(32)}.zip` },
    });
    expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.MODE).toBe('test');
    expect(template.Resources.StripeWebhookFunctionLogGroup!.Properties!.LogGroupName).toEqual({ 'Fn::Sub': '/aws/lambda/${AWS::StackName}-stripe-webhook' });
  });

  it('routes POST /hooks/stripe to it through its own resources, method and invoke permission, in the deployment', () => {
    expect(template.Resources.ApiHooksResource!.Properties).toMatchObject({ PathPart: 'hooks', ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] } });
    expect(template.Resources.ApiHooksStripeResource!.Properties).toMatchObject({ PathPart: 'stripe', ParentId: { Ref: 'ApiHooksResource' } });
    const method = template.Resources.ApiHooksStripePostMethod!.Properties!;
    expect(method).toMatchObject({ HttpMethod: 'POST', ResourceId: { Ref: 'ApiHooksStripeResource' } });
    expect(JSON.stringify(method.Integration)).toContain('${StripeWebhookFunction.Arn}');
    expect(template.Resources.StripeWebhookInvokePermission!.Properties).toMatchObject({ FunctionName: { Ref: 'StripeWebhookFunction' } });
    const deployment = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::ApiGateway::Deployment')!;
    expect(deployment[1].DependsOn).toEqual(['ApiRootMethod', 'ApiProxyMethod', 'ApiHooksStripePostMethod']);
  });

  it('is valid against the schemas and every reference resolves', () => {
    const schemas = loadResourceSchemas();
    expect(validateTemplateProperties(template, new PropertiesValidator(schemas))).toEqual([]);
    expect(checkReferences(template, schemas)).toEqual([]);
  });

  it('refuses a function without a built asset', () => {
    expect(() => synthesize(withWebhook(), { api: { sha256: 'ab'.repeat(32) } })).toThrow(/no built asset for the function "stripe-webhook"/);
  });
});
