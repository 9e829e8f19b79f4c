import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CfnTemplate } from '../../../src/deploy/template.js';
import { generatedTemplate } from '../../helpers/template.js';
import { loadResourceSchemas, PropertiesValidator, REPO_ROOT, SCHEMA_DIR, validateTemplateProperties, type ResourceSchema } from '../../helpers/cfn-schema.js';

let template: CfnTemplate;
let schemas: Map<string, ResourceSchema>;
let validator: PropertiesValidator;

beforeAll(async () => {
  ({ template } = generatedTemplate());
  // No skip when the schemas are missing: a check that cannot run must not look like one that passed.
  schemas = loadResourceSchemas();
  validator = new PropertiesValidator(schemas);
});

function props(copy: CfnTemplate, resource: string): Record<string, unknown> {
  return copy.Resources[resource]!.Properties as Record<string, unknown>;
}

function messages(copy: CfnTemplate): string[] {
  return validateTemplateProperties(copy, validator).map((issue) => `${issue.resource} ${issue.message}`);
}

describe('resource properties against the official CloudFormation schemas', () => {
  it('reads the schemas from a shared/cfn-schemas folder outside the repository, not from a copy inside it', () => {
    expect(path.relative(REPO_ROOT, SCHEMA_DIR).split(path.sep)[0]).toBe('..');
    expect(SCHEMA_DIR.endsWith(path.join('shared', 'cfn-schemas'))).toBe(true);
    expect(existsSync(SCHEMA_DIR)).toBe(true);
  });

  it('fails loudly when the schema folder is missing', () => {
    expect(() => loadResourceSchemas(path.join(SCHEMA_DIR, 'does-not-exist'))).toThrow(/schemas not found/);
  });

  it('has a schema for every resource type the template uses', () => {
    const missing = [...new Set(Object.values(template.Resources).map((resource) => resource.Type))].filter((type) => !schemas.has(type));
    expect(missing).toEqual([]);
  });

  it('finds no unknown, mistyped or missing property in any resource, under every condition', () => {
    expect(validateTemplateProperties(template, validator)).toEqual([]);
  });

  it('compiles every schema in the folder (patterns and custom keywords included)', () => {
    for (const type of schemas.keys()) expect(() => validator.validate(type, {})).not.toThrow();
  });
});

describe('the schema validation catches broken templates', () => {
  it('reports an unknown property', () => {
    const copy = structuredClone(template);
    props(copy, 'Function').MemorySizeMb = 256;
    expect(messages(copy)).toContain('Function (Properties): unknown property MemorySizeMb');
  });

  it('reports an unknown property nested in a definition, inside an Fn::If branch', () => {
    const copy = structuredClone(template);
    const email = props(copy, 'UserPool').EmailConfiguration as { 'Fn::If': [string, Record<string, unknown>, unknown] };
    email['Fn::If'][1].SourceArnTypo = 'x';
    expect(messages(copy)).toContain('UserPool /EmailConfiguration: unknown property SourceArnTypo');
  });

  it('reports a wrong type', () => {
    const copy = structuredClone(template);
    props(copy, 'ApiStage').TracingEnabled = 'yes';
    props(copy, 'Function').Architectures = 'arm64';
    expect(messages(copy)).toEqual(expect.arrayContaining(['ApiStage /TracingEnabled: must be boolean', 'Function /Architectures: must be array']));
  });

  it('reports a value outside an enum', () => {
    const copy = structuredClone(template);
    props(copy, 'Function').Runtime = 'nodejs99.x';
    expect(messages(copy).some((message) => message.startsWith('Function /Runtime: must be one of'))).toBe(true);
  });

  it('reports a missing required property, top-level and nested', () => {
    const copy = structuredClone(template);
    delete props(copy, 'ApiProxyResource').PathPart;
    delete (props(copy, 'ApiProxyMethod').Integration as Record<string, unknown>).Type;
    expect(messages(copy)).toEqual(
      expect.arrayContaining([
        'ApiProxyResource (Properties): missing required property PathPart',
        'ApiProxyMethod /Integration: missing required property Type',
      ]),
    );
  });

  it('reports a read-only attribute set as a property', () => {
    const copy = structuredClone(template);
    props(copy, 'Function').Arn = 'arn:aws:lambda:eu-west-1:123456789012:function:x';
    expect(messages(copy)).toContain('Function (Properties): unknown property Arn');
  });

  it('reports a violated requiredXor (both HostedZoneId and HostedZoneName)', () => {
    const copy = structuredClone(template);
    props(copy, 'ApiDnsRecordA').HostedZoneName = 'example.com.';
    expect(messages(copy)).toContain('ApiDnsRecordA (Properties): must have exactly one of HostedZoneId, HostedZoneName');
  });

  it('still accepts an intrinsic function where a number, boolean or object is expected', () => {
    const copy = structuredClone(template);
    props(copy, 'Function').MemorySize = { 'Fn::FindInMap': ['Sizes', { Ref: 'AWS::Region' }, 'Memory'] };
    props(copy, 'ApiStage').TracingEnabled = { Ref: 'SomeFlag' };
    props(copy, 'Function').TracingConfig = { 'Fn::If': ['HasDomain', { Mode: 'Active' }, { Mode: 'PassThrough' }] };
    expect(messages(copy)).toEqual([]);
  });

  it('checks the branch an Fn::If picks, not just that it is an intrinsic', () => {
    const copy = structuredClone(template);
    props(copy, 'Function').TracingConfig = { 'Fn::If': ['HasDomain', { Mode: 'Active' }, { Mode: 'Sometimes' }] };
    expect(messages(copy).some((message) => message.startsWith('Function /TracingConfig/Mode: must be one of'))).toBe(true);
  });
});
