/**
 * The project's own routes in the template: one COGNITO_USER_POOLS authorizer on the pool, each protected method
 * tied to it (AuthorizationScopes for scope routes, which makes API Gateway require an access token), a preflight
 * per path, gateway responses with the function's CORS headers, the resource servers, and a function per handler
 * export with its own role, log group and invoke permission. Valid against the schemas under every condition,
 * every reference resolved, and cfn-lint clean (cfn-lint.test.ts); a model without routes gives the template it always gave.
 */
import { describe, expect, it } from 'vitest';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { templateText } from '../../../src/deploy/template/index.js';
import { checkReferences } from '../../helpers/cfn-refs.js';
import { PropertiesValidator, loadResourceSchemas, validateTemplateProperties } from '../../helpers/cfn-schema.js';
import { SAMPLE_ROUTES, generatedTemplate } from '../../helpers/template.js';

const model = buildStackModel(SAMPLE_ROUTES);
const { template } = generatedTemplate(model);
const R = template.Resources;

describe('a project with routes', () => {
  it('has one Cognito authorizer on the pool, reading the Authorization header, caching for the configured TTL (default 300 s)', () => {
    expect(Object.values(R).filter((r) => r.Type === 'AWS::ApiGateway::Authorizer')).toHaveLength(1);
    expect(R.ApiAuthorizer!.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': ['UserPool', 'Arn'] }],
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('ties signed-in and group routes to the authorizer without scopes (ID token), scope routes with AuthorizationScopes, public routes to none', () => {
    expect(R.ApiNotesIdGetMethod!.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: 'ApiAuthorizer' } });
    expect(R.ApiNotesIdGetMethod!.Properties).not.toHaveProperty('AuthorizationScopes');
    expect(R.ApiNotesIdDeleteMethod!.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS' });
    expect(R.ApiNotesPostMethod!.Properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizationScopes: ['notes/write'] });
    expect(R.ApiHelloGetMethod!.Properties).toMatchObject({ AuthorizationType: 'NONE' });
    expect(R.ApiHelloGetMethod!.Properties).not.toHaveProperty('AuthorizerId');
  });

  it('answers the CORS preflight of every route path in API Gateway, without the authorizer', () => {
    for (const id of ['ApiHelloOptionsMethod', 'ApiNotesIdOptionsMethod', 'ApiNotesOptionsMethod']) {
      expect(R[id]!.Properties).toMatchObject({ HttpMethod: 'OPTIONS', AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
    }
    const params = (R.ApiNotesIdOptionsMethod!.Properties!.Integration as { IntegrationResponses: { ResponseParameters: Record<string, unknown> }[] })
      .IntegrationResponses[0]!.ResponseParameters;
    expect(params['method.response.header.Access-Control-Allow-Methods']).toBe("'GET, DELETE, OPTIONS'");
  });

  it("gives API Gateway's own 4XX/5XX, 401 and 403 answers the function's CORS origin", () => {
    const types = Object.values(R)
      .filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse')
      .map((r) => r.Properties!.ResponseType);
    expect(types).toEqual(expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED', 'MISSING_AUTHENTICATION_TOKEN']));
    expect(R.ApiGatewayResponseUnauthorized!.Properties!.ResponseParameters).toMatchObject({
      'gatewayresponse.header.Access-Control-Allow-Origin': { 'Fn::Sub': "'${CorsAllowOrigin}'" },
    });
    const deployment = Object.values(R).find((r) => r.Type === 'AWS::ApiGateway::Deployment')!;
    expect(deployment.DependsOn).toEqual(expect.arrayContaining(['ApiNotesIdGetMethod', 'ApiNotesIdOptionsMethod', 'ApiGatewayResponseUnauthorized']));
  });

  it('declares the resource server and makes the app client wait for it and allow its scopes', () => {
    expect(R.UserPoolResourceServer1!.Properties).toMatchObject({ Identifier: 'notes', Scopes: [{ ScopeName: 'read' }, { ScopeName: 'write' }] });
    expect(R.UserPoolClient!.DependsOn).toEqual(['UserPoolResourceServer1']);
    expect(R.UserPoolClient!.Properties!.AllowedOAuthScopes).toEqual(expect.arrayContaining(['notes/read', 'notes/write']));
  });

  it('gives each handler export its own function, role (logs and traces only), log group with retention and invoke permission', () => {
    for (const name of ['ApiHelloHello', 'ApiNotesGet', 'ApiNotesCreate', 'ApiNotesRemove']) {
      expect(R[`${name}Function`]!.Properties).toMatchObject({
        Role: { 'Fn::GetAtt': [`${name}FunctionRole`, 'Arn'] },
        Code: { S3Key: expect.stringMatching(/^functions\//) },
      });
      expect(R[`${name}FunctionLogGroup`]!.Properties).toMatchObject({ RetentionInDays: { Ref: 'LogRetentionInDays' } });
      expect(R[`${name}InvokePermission`]!.Properties).toMatchObject({ FunctionName: { Ref: `${name}Function` } });
      const actions = (R[`${name}FunctionRole`]!.Properties!.Policies as { PolicyDocument: { Statement: { Action: string[] }[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.flatMap((s) => s.Action),
      );
      expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    expect(R.ApiNotesGetFunction!.Properties!.Handler).toBe('index.get');
  });

  it('is valid against the CloudFormation schemas under every condition, and every reference resolves', () => {
    const schemas = loadResourceSchemas();
    expect(validateTemplateProperties(template, new PropertiesValidator(schemas))).toEqual([]);
    expect(checkReferences(template, schemas)).toEqual([]);
  });

  // cfn-lint runs over this template in cfn-lint.test.ts, in the one Python process that lints every template.
});

describe('a project without routes', () => {
  it('gets the very template it got before routes existed, byte for byte', () => {
    expect(generatedTemplate(buildStackModel({})).body).toBe(generatedTemplate().body);
    expect(templateText(generatedTemplate().template)).not.toMatch(/Authorizer|GatewayResponse|ResourceServer/);
  });
});
