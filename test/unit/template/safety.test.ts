import { CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../src/lambda/handler.js';
import { ENV } from '../../../src/lambda/types.js';
import type { CfnResource, CfnTemplate } from '../../../src/deploy/template.js';
import { TEST_ASSET_SHA256, generatedTemplate } from '../../helpers/template.js';
import { loadResourceSchemas, resolveConditions } from '../../helpers/cfn-schema.js';
import { apiEvent, lambdaContext } from '../../helpers/lambda-events.js';
import { deployWorld } from '../deploy/helpers.js';

let template: CfnTemplate;

beforeAll(async () => {
  ({ template } = generatedTemplate());
});

type Props = Record<string, any>;

function resourcesOfType(type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function only(type: string): { id: string; resource: CfnResource; props: Props } {
  const found = resourcesOfType(type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, resource, props: (resource.Properties ?? {}) as Props };
}

/** The parameter a property refers to with `Ref`, with its definition. */
function parameterOf(value: unknown): { name: string; Default?: unknown; AllowedValues?: unknown[]; MinValue?: number; MaxValue?: number } {
  expect(value).toEqual({ Ref: expect.any(String) });
  const name = (value as { Ref: string }).Ref;
  const parameter = template.Parameters?.[name];
  expect(parameter, `parameter ${name}`).toBeDefined();
  return { name, ...parameter };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function statements(): Statement[] {
  return resourcesOfType('AWS::IAM::Role').flatMap(([, role]) =>
    ((role.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((policy) => policy.PolicyDocument.Statement),
  );
}

describe('the user pool keeps its users', () => {
  // Behaviour, not the policy's spelling: this template, deployed to the fake CloudFormation (which honours
  // DeletionPolicy and UpdateReplacePolicy as CloudFormation does), then deleted or updated through the CLI.
  it('outlives the stack: destroy leaves the pool, with its users, and its app client in the account', async () => {
    const w = await deployWorld({ usersPerPool: 2 });
    try {
      expect((await w.deploy()).code).toBe(0);
      const pool = w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId;
      const r = await w.run(['destroy', '--yes', '--poll-interval', '1ms']);
      expect(r.code, r.stderr).toBe(0);
      expect(w.aws.cfn.get('authstack')).toBeUndefined();
      expect(w.aws.pools.get(pool)?.users).toBe(2);
      expect(r.stderr).toMatch(/DELETE_SKIPPED\s+UserPoolClient\b/);
    } finally {
      await w.cleanup();
    }
  });

  it('outlives an update that replaces it: the old pool stays in the account beside the new one', async () => {
    const w = await deployWorld({ usersPerPool: 2 });
    try {
      expect((await w.deploy()).code).toBe(0);
      const old = w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId;
      w.aws.cfn.replacementOverrides.set('UserPool', 'True');
      const r = await w.deploy(['--stage', 'v2', '--allow-user-pool-replacement']);
      expect(r.code, r.stderr).toBe(0);
      const current = w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId;
      expect(current).not.toBe(old);
      expect([...w.aws.pools.keys()].sort()).toEqual([old, current].sort());
      expect(w.aws.pools.get(old)?.users).toBe(2);
    } finally {
      await w.cleanup();
    }
  });

  it('has deletion protection on by default, switchable by a parameter', () => {
    const parameter = parameterOf(only('AWS::Cognito::UserPool').props.DeletionProtection);
    expect(parameter.Default).toBe('ACTIVE');
    expect(parameter.AllowedValues).toEqual(['ACTIVE', 'INACTIVE']);
  });

  it('keeps the app client through a replacing update too, so its id does not vanish under deployed callers', () => {
    // The fake account has no app clients of its own to observe, so this one stays a check of the template.
    expect(only('AWS::Cognito::UserPoolClient').resource.UpdateReplacePolicy).toBe('Retain');
  });

  it('signs users in by email, verifies it automatically and recovers accounts through it', () => {
    const { props } = only('AWS::Cognito::UserPool');
    expect(props.UsernameAttributes).toEqual(['email']);
    expect(props.AutoVerifiedAttributes).toEqual(['email']);
    expect(props.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] });
    expect(props.UserPoolName).toEqual({ 'Fn::Sub': expect.stringContaining('${AWS::StackName}') });
  });

  it('requires 8+ characters with upper, lower, digit and symbol by default', () => {
    const policy = only('AWS::Cognito::UserPool').props.Policies.PasswordPolicy as Props;
    expect(parameterOf(policy.MinimumLength).Default).toBe(8);
    for (const rule of ['RequireUppercase', 'RequireLowercase', 'RequireNumbers', 'RequireSymbols']) {
      expect(parameterOf(policy[rule]).Default, rule).toBe('true');
    }
  });

  it('sends email through SES (DEVELOPER) when an identity is given, through Cognito otherwise', () => {
    const { props } = only('AWS::Cognito::UserPool');
    const withSes = resolveConditions(props.EmailConfiguration, { HasSesIdentity: true, HasSesFromAddress: false });
    const withoutSes = resolveConditions(props.EmailConfiguration, { HasSesIdentity: false, HasSesFromAddress: false });
    expect(withSes).toEqual({ EmailSendingAccount: 'DEVELOPER', SourceArn: { Ref: 'SesIdentityArn' } });
    expect(withoutSes).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });
    expect(template.Parameters?.SesIdentityArn?.Default).toBe('');
  });
});

describe('the app client', () => {
  it('has no secret, only the three auth flows the CLI uses, and hides whether a user exists', () => {
    const { props } = only('AWS::Cognito::UserPoolClient');
    expect(props.GenerateSecret ?? false).toBe(false);
    expect([...props.ExplicitAuthFlows].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(props.PreventUserExistenceErrors).toBe('ENABLED');
    expect(props.EnableTokenRevocation).toBe(true);
  });

  it('takes token lifetimes from parameters whose bounds match the units Cognito is given', () => {
    const { props } = only('AWS::Cognito::UserPoolClient');
    expect(props.TokenValidityUnits).toEqual({ AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' });
    // Cognito: access and ID tokens 5 minutes to 1 day; refresh tokens 60 minutes to 10 years.
    for (const key of ['AccessTokenValidity', 'IdTokenValidity']) {
      const parameter = parameterOf(props[key]);
      expect([parameter.MinValue, parameter.MaxValue], key).toEqual([5, 24 * 60]);
    }
    const refresh = parameterOf(props.RefreshTokenValidity);
    expect([refresh.MinValue, refresh.MaxValue]).toEqual([1, 3650]);
  });
});

describe('logs', () => {
  it('keep 7 days by default, with exactly the retention values CloudWatch accepts', () => {
    const { props } = only('AWS::Logs::LogGroup');
    const parameter = parameterOf(props.RetentionInDays);
    expect(parameter.Default).toBe(7);
    const schema = loadResourceSchemas().get('AWS::Logs::LogGroup')!;
    expect(parameter.AllowedValues).toEqual((schema.properties.RetentionInDays as { enum: number[] }).enum);
  });

  it('are where the function writes, in plain text so its own JSON lines stay as written', () => {
    const { id } = only('AWS::Logs::LogGroup');
    const fn = only('AWS::Lambda::Function').props;
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: id }, LogFormat: 'Text' });
  });
});

describe('IAM is least privilege', () => {
  it('uses Resource "*" only for the two X-Ray actions', () => {
    const wildcard = statements().filter((statement) => [statement.Resource].flat().includes('*'));
    expect(wildcard.length).toBeGreaterThan(0);
    for (const statement of wildcard) {
      expect([statement.Action].flat().sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  it('lets the function write only to the streams of its own log group', () => {
    const { id } = only('AWS::Logs::LogGroup');
    const logs = statements().filter((statement) => [statement.Action].flat().some((action) => action.startsWith('logs:')));
    expect(logs).toHaveLength(1);
    expect([logs[0]!.Action].flat().sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(logs[0]!.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${id}}:log-stream:*`,
    });
  });

  it('grants nothing on Cognito, no wildcard action and no managed policy, to the Lambda service only', () => {
    const actions = statements().flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action.toLowerCase().startsWith('cognito'))).toEqual([]);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    for (const [id, role] of resourcesOfType('AWS::IAM::Role')) {
      expect(role.Properties?.ManagedPolicyArns, id).toBeUndefined();
      expect(role.Properties?.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      });
    }
  });

  it('lets only this API invoke the function', () => {
    const { props } = only('AWS::Lambda::Permission');
    const api = only('AWS::ApiGateway::RestApi').id;
    expect(props.Principal).toBe('apigateway.amazonaws.com');
    expect(props.Action).toBe('lambda:InvokeFunction');
    expect(props.SourceArn).toEqual({ 'Fn::Sub': `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${api}}/*` });
  });
});

describe('the custom domain', () => {
  const DOMAIN_TYPES = ['AWS::CertificateManager::Certificate', 'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::BasePathMapping', 'AWS::Route53::RecordSet'];

  it('exists only behind HasDomain, which is "DomainName is not empty"', () => {
    expect(template.Conditions?.HasDomain).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'DomainName' }, ''] }] });
    expect(template.Parameters?.DomainName?.Default).toBe('');
    const domainResources = Object.entries(template.Resources).filter(([, resource]) => DOMAIN_TYPES.includes(resource.Type));
    expect(domainResources.map(([, resource]) => resource.Type).sort()).toEqual([...DOMAIN_TYPES, 'AWS::Route53::RecordSet'].sort());
    for (const [id, resource] of domainResources) expect(resource.Condition, id).toBe('HasDomain');
    expect(template.Outputs?.CustomDomainUrl?.Condition).toBe('HasDomain');
  });

  it('is REGIONAL with TLS 1.2 and a DNS-validated certificate in the named hosted zone', () => {
    const domain = only('AWS::ApiGateway::DomainName');
    expect(domain.props.SecurityPolicy).toBe('TLS_1_2');
    expect(domain.props.EndpointConfiguration.Types).toEqual(['REGIONAL']);
    const certificate = only('AWS::CertificateManager::Certificate');
    expect(domain.props.RegionalCertificateArn).toEqual({ Ref: certificate.id });
    expect(domain.props.CertificateArn).toBeUndefined();
    expect(certificate.props.ValidationMethod).toBe('DNS');
    expect(certificate.props.DomainValidationOptions).toEqual([{ DomainName: { Ref: 'DomainName' }, HostedZoneId: { Ref: 'HostedZoneId' } }]);
  });

  it('answers on IPv4 and IPv6: A and AAAA aliases to a dualstack regional domain', () => {
    const domain = only('AWS::ApiGateway::DomainName');
    expect(domain.props.EndpointConfiguration.IpAddressType).toBe('dualstack');
    const records = resourcesOfType('AWS::Route53::RecordSet').map(([, resource]) => resource.Properties as Props);
    expect(records.map((record) => record.Type).sort()).toEqual(['A', 'AAAA']);
    for (const record of records) {
      expect(record.HostedZoneId).toEqual({ Ref: 'HostedZoneId' });
      expect(record.AliasTarget).toEqual({
        DNSName: { 'Fn::GetAtt': [domain.id, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [domain.id, 'RegionalHostedZoneId'] },
        EvaluateTargetHealth: false,
      });
    }
  });
});

describe('the API and its function', () => {
  it('proxies the root and every path with ANY to the function, leaving auth to the handler', () => {
    const api = only('AWS::ApiGateway::RestApi');
    expect(api.props.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    const proxy = only('AWS::ApiGateway::Resource');
    expect(proxy.props).toEqual({ RestApiId: { Ref: api.id }, ParentId: { 'Fn::GetAtt': [api.id, 'RootResourceId'] }, PathPart: '{proxy+}' });
    const methods = resourcesOfType('AWS::ApiGateway::Method').map(([, resource]) => resource.Properties as Props);
    expect(methods.map((method) => method.ResourceId)).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [api.id, 'RootResourceId'] }, { Ref: proxy.id }]));
    for (const method of methods) {
      expect(method.HttpMethod).toBe('ANY');
      expect(method.AuthorizationType).toBe('NONE');
      expect(method.Integration).toEqual({
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Function.Arn}/invocations' },
      });
    }
  });

  it('deploys only after every method exists', () => {
    const deployment = only('AWS::ApiGateway::Deployment').resource;
    const methods = resourcesOfType('AWS::ApiGateway::Method').map(([id]) => id);
    expect([deployment.DependsOn].flat().sort()).toEqual(methods.sort());
  });

  it('traces and throttles the stage, named "prod" by default', () => {
    const { props } = only('AWS::ApiGateway::Stage');
    expect(parameterOf(props.StageName).Default).toBe('prod');
    expect(props.TracingEnabled).toBe(true);
    expect(props.MethodSettings).toEqual([
      { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: { Ref: 'ThrottlingRateLimit' }, ThrottlingBurstLimit: { Ref: 'ThrottlingBurstLimit' } },
    ]);
  });

  it("runs Node.js 24 on arm64 with active tracing, within API Gateway's 29 s", () => {
    const { props } = only('AWS::Lambda::Function');
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Handler).toBe('index.handler');
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(parameterOf(props.MemorySize).name).toBe('MemorySize');
    expect(parameterOf(props.Timeout).MaxValue).toBeLessThanOrEqual(29);
  });

  // Behaviour, not the variables' spelling: the environment the deployed function gets (the template deployed to
  // the fake CloudFormation, its Refs resolved to the stack's ids) configures the handler for this stack's pool.
  it("gives the function an environment under which the handler signs users up in the stack's own pool client and allows the chosen origin", async () => {
    const w = await deployWorld();
    try {
      expect((await w.deploy(['--cors-origin', 'https://app.example.com'])).code).toBe(0);
      const resources = w.aws.cfn.get('authstack')!.resources;
      const variables = (resources.get('Function')!.properties.Environment as { Variables: Record<string, string> }).Variables;
      // Lambda itself sets AWS_REGION; nothing else comes from outside the template.
      const handler = createHandler({ env: { ...variables, [ENV.region]: 'us-east-1' }, log: () => undefined });
      const cognito = mockClient(CognitoIdentityProviderClient);
      try {
        cognito.on(SignUpCommand).resolves({ UserSub: 'sub-1', UserConfirmed: false });
        const res = await handler(
          apiEvent({ method: 'POST', path: '/user', body: { username: 'ada@example.com', password: 'Corr3ct-Horse!' } }),
          lambdaContext(),
        );
        expect(res.statusCode, res.body).toBe(201);
        expect(cognito.commandCalls(SignUpCommand)[0]!.args[0].input.ClientId).toBe(resources.get('UserPoolClient')!.physicalId);
        expect(res.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example.com');
      } finally {
        cognito.restore();
      }
    } finally {
      await w.cleanup();
    }
  });

  it('takes its code from the asset in the artifact bucket: no placeholder code, nothing inline', () => {
    const code = only('AWS::Lambda::Function').props.Code as Props;
    expect(code).toEqual({ S3Bucket: { 'Fn::Sub': 'authstack-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: `functions/${TEST_ASSET_SHA256}.zip` });
    expect(JSON.stringify(template)).not.toContain('ZipFile');
  });
});
