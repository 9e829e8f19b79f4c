import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkProjectConfig } from '../../../src/core/project-config.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import {
  LOGICAL_IDS,
  OUTPUTS,
  PARAMETERS,
  parseTemplate,
  templateParameterNames,
  USER_POOL_LOGICAL_IDS,
  type CfnParameter,
} from '../../../src/deploy/template.js';
import { synthesize, templateText } from '../../../src/deploy/template/index.js';
import { REPO_ROOT } from '../../helpers/cfn-schema.js';
import { generatedTemplate } from '../../helpers/template.js';

describe('the generated template', () => {
  it('is not shipped as a file: the package has no templates/ folder', async () => {
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).not.toContain('templates');
  });

  it('is the exact text to send to CloudFormation (JSON) plus its parsed form, the same byte for byte every time', () => {
    const { body, template } = generatedTemplate();
    expect(parseTemplate(body)).toEqual(template);
    expect(JSON.parse(body)).toEqual(template);
    expect(generatedTemplate().body).toBe(body);
    expect(templateText(synthesize(buildStackModel(), { api: { sha256: 'ab'.repeat(32) } }))).toBe(body);
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
  });

  it('changes with the settings it holds, and only with them', () => {
    const base = generatedTemplate().body;
    expect(generatedTemplate(buildStackModel({ corsOrigin: 'https://app.example.com' })).body).not.toBe(base);
    expect(generatedTemplate(buildStackModel({ region: 'eu-west-1' })).body).toBe(base);
    expect(generatedTemplate(undefined, 'cd'.repeat(32)).body).not.toBe(base);
  });

  it('refuses a text that is not a template', () => {
    expect(() => parseTemplate('just: text\n')).toThrow(/no Resources/);
    expect(() => parseTemplate('- a\n- b\n')).toThrow(/no Resources/);
    expect(() => parseTemplate('{"Resources": 1}')).toThrow(/no Resources/);
  });

  it('declares exactly the parameters the CLI names, in PARAMETERS', async () => {
    const { template } = generatedTemplate();
    expect([...templateParameterNames(template)].sort()).toEqual(Object.values(PARAMETERS).sort());
  });

  it('declares exactly the outputs the CLI reads, in OUTPUTS, CustomDomainUrl only with a domain', async () => {
    const { template } = generatedTemplate();
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual(Object.values(OUTPUTS).sort());
    const conditional = Object.entries(template.Outputs ?? {}).filter(([, output]) => output.Condition !== undefined);
    expect(conditional.map(([name]) => name)).toEqual([OUTPUTS.customDomainUrl]);
  });

  it('has the logical ids the CLI looks up, with the expected types', async () => {
    const { template } = generatedTemplate();
    const types: Record<keyof typeof LOGICAL_IDS, string> = {
      userPool: 'AWS::Cognito::UserPool',
      userPoolClient: 'AWS::Cognito::UserPoolClient',
      function: 'AWS::Lambda::Function',
      functionRole: 'AWS::IAM::Role',
      logGroup: 'AWS::Logs::LogGroup',
      api: 'AWS::ApiGateway::RestApi',
      stage: 'AWS::ApiGateway::Stage',
      deployment: 'AWS::ApiGateway::Deployment',
      certificate: 'AWS::CertificateManager::Certificate',
      domainName: 'AWS::ApiGateway::DomainName',
    };
    for (const [key, id] of Object.entries(LOGICAL_IDS)) {
      // The deployment is named after the API's definition hash (ApiDeployment<hash>), the id deploy has sent since 0.1.0.
      const found = key === 'deployment' ? Object.keys(template.Resources).filter((r) => /^ApiDeployment[0-9a-f]{10}$/.test(r)) : [id];
      expect(found, id).toHaveLength(1);
      expect(template.Resources[found[0]!]?.Type, id).toBe(types[key as keyof typeof LOGICAL_IDS]);
    }
    expect(USER_POOL_LOGICAL_IDS.map((id) => template.Resources[id]?.Type).sort()).toEqual(['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient']);
  });
});

describe('template parameters', () => {
  function violations(parameter: CfnParameter, value: string | number): string[] {
    const problems: string[] = [];
    if (parameter.AllowedValues && !parameter.AllowedValues.map(String).includes(String(value))) problems.push('not an allowed value');
    // CloudFormation matches AllowedPattern against the whole value.
    if (parameter.AllowedPattern && !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(String(value))) problems.push('does not match the pattern');
    if (parameter.MinValue !== undefined && Number(value) < parameter.MinValue) problems.push('below MinValue');
    if (parameter.MaxValue !== undefined && Number(value) > parameter.MaxValue) problems.push('above MaxValue');
    return problems;
  }

  it('each has a description, a default and a constraint, and its default satisfies that constraint', async () => {
    const { template } = generatedTemplate();
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
      expect(parameter.Description, name).toEqual(expect.any(String));
      expect(parameter.Default, name).toBeDefined();
      const constrained = parameter.AllowedValues ?? parameter.AllowedPattern ?? (parameter.MinValue !== undefined && parameter.MaxValue !== undefined);
      expect(constrained, `${name} has AllowedValues, AllowedPattern or MinValue/MaxValue`).toBeTruthy();
      expect(violations(parameter, parameter.Default!), name).toEqual([]);
    }
  });

  it('takes its defaults from any configuration the file check accepts, and those defaults satisfy the constraints too', () => {
    const { config, problems } = checkProjectConfig({
      stackName: 'Shop-AWS-2',
      stage: 'v1_beta',
      logRetentionInDays: 3653,
      corsOrigin: 'http://localhost:5173',
      groups: ['admin', 'editor', 'a.b@c', 'x=y', 'last+1'],
      passwordPolicy: { minimumLength: 99, requireUppercase: false, requireLowercase: false, requireNumbers: false, requireSymbols: false },
      deletionProtection: 'INACTIVE',
      sesIdentityArn: 'arn:aws-cn:ses:cn-north-1:123456789012:identity/example.com',
      sesFromAddress: 'no-reply@example.com',
      accessTokenValidityMinutes: 5,
      idTokenValidityMinutes: 1440,
      refreshTokenValidityDays: 3650,
      callbackUrls: ['https://app.example.com/callback', 'myapp://callback', 'http://localhost:3000/cb'],
      logoutUrls: ['https://app.example.com/'],
      authDomainPrefix: 'shop-login-2',
      memorySize: 10240,
      timeout: 29,
    });
    expect(problems).toEqual([]);
    const { template } = generatedTemplate(buildStackModel(config));
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) expect(violations(parameter, parameter.Default!), name).toEqual([]);
    expect(template.Parameters!.UserGroups!.Default).toBe('admin,editor,a.b@c,x=y,last+1');
    expect(template.Parameters!.AuthDomainLabel!.Default).toBe('shop-x-2');
    expect(template.Parameters!.CallbackUrls!.Default).toBe('https://app.example.com/callback,myapp://callback,http://localhost:3000/cb');
  });

  it.each([
    ['DomainName', 'api.example.com', true],
    ['DomainName', 'a.b-c.example.co.uk', true],
    ['DomainName', 'API.example.com', false],
    ['DomainName', 'https://api.example.com', false],
    ['DomainName', 'localhost', false],
    ['HostedZoneId', 'Z0123456789ABCDEFGHIJ', true],
    ['HostedZoneId', '/hostedzone/Z0123456789', false],
    ['StageName', 'prod', true],
    ['StageName', 'v1-beta_2', true],
    ['StageName', 'prod/v1', false],
    ['SesIdentityArn', 'arn:aws:ses:eu-west-1:123456789012:identity/example.com', true],
    ['SesIdentityArn', 'arn:aws:sns:eu-west-1:123456789012:topic', false],
    ['SesFromAddress', 'Example <no-reply@example.com>', true],
    ['SesFromAddress', 'no-reply', false],
    ['LogRetentionInDays', 7, true],
    ['LogRetentionInDays', 8, false],
    ['Timeout', 30, false],
    ['PasswordMinimumLength', 5, false],
    ['UserPoolDeletionProtection', 'OFF', false],
  ] as const)('%s accepts %j: %s', async (name, value, accepted) => {
    const { template } = generatedTemplate();
    expect(violations(template.Parameters![name]!, value).length === 0).toBe(accepted);
  });
});
