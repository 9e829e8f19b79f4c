import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  LOGICAL_IDS,
  loadTemplate,
  OUTPUTS,
  PARAMETERS,
  parseTemplate,
  templateParameterNames,
  templatePath,
  USER_POOL_LOGICAL_IDS,
  type CfnParameter,
} from '../../../src/deploy/template.js';
import { REPO_ROOT } from '../../helpers/cfn-schema.js';

describe('the shipped template', () => {
  it('is found in the package root templates/ folder', () => {
    expect(templatePath()).toBe(path.join(REPO_ROOT, 'templates', 'authstack.yaml'));
  });

  it('loads as the exact text to send to CloudFormation plus its parsed form', async () => {
    const { body, template } = await loadTemplate();
    expect(body).toBe(await readFile(templatePath(), 'utf8'));
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
  });

  it('refuses a file that is not a template', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authstack-template-'));
    try {
      const file = path.join(dir, 'bad.yaml');
      await writeFile(file, 'just: text\n');
      await expect(loadTemplate(file)).rejects.toThrow(/no Resources/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(() => parseTemplate('- a\n- b\n')).toThrow(/no Resources/);
  });

  it('declares exactly the parameters the CLI names, in PARAMETERS', async () => {
    const { template } = await loadTemplate();
    expect([...templateParameterNames(template)].sort()).toEqual(Object.values(PARAMETERS).sort());
  });

  it('declares exactly the outputs the CLI reads, in OUTPUTS, CustomDomainUrl only with a domain', async () => {
    const { template } = await loadTemplate();
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual(Object.values(OUTPUTS).sort());
    const conditional = Object.entries(template.Outputs ?? {}).filter(([, output]) => output.Condition !== undefined);
    expect(conditional.map(([name]) => name)).toEqual([OUTPUTS.customDomainUrl]);
  });

  it('has the logical ids the CLI looks up, with the expected types', async () => {
    const { template } = await loadTemplate();
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
      expect(template.Resources[id]?.Type, id).toBe(types[key as keyof typeof LOGICAL_IDS]);
    }
    expect(USER_POOL_LOGICAL_IDS.map((id) => template.Resources[id]?.Type).sort()).toEqual([
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolClient',
    ]);
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
    const { template } = await loadTemplate();
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
      expect(parameter.Description, name).toEqual(expect.any(String));
      expect(parameter.Default, name).toBeDefined();
      const constrained = parameter.AllowedValues ?? parameter.AllowedPattern ?? (parameter.MinValue !== undefined && parameter.MaxValue !== undefined);
      expect(constrained, `${name} has AllowedValues, AllowedPattern or MinValue/MaxValue`).toBeTruthy();
      expect(violations(parameter, parameter.Default!), name).toEqual([]);
    }
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
    const { template } = await loadTemplate();
    expect(violations(template.Parameters![name]!, value).length === 0).toBe(accepted);
  });
});
