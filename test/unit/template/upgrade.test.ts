/**
 * The hard rule of the generated template: a stack deployed by authstack 0.1.0 (test/fixtures/template-0.1.0.yaml,
 * as deploy sent it: the API deployment renamed after its definition hash) updates to the generated template with
 * only additive or in-place changes. Nothing is deleted, and the user pool, its client and its domain keep their
 * logical ids, types and retention policies, with no property changed that CloudFormation replaces a resource for
 * (the schemas' `createOnlyProperties`: "a change to these properties requires replacement", as the CloudFormation
 * resource schema documentation defines them).
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../src/deploy/template.js';
import { withApiDeploymentHash } from './legacy-deployment.js';
import { loadResourceSchemas, type ResourceSchema } from '../../helpers/cfn-schema.js';
import { generatedTemplate } from '../../helpers/template.js';

let deployed: CfnTemplate;
let generated: CfnTemplate;
let schemas: Map<string, ResourceSchema>;

beforeAll(async () => {
  deployed = withApiDeploymentHash(await readFile(new URL('../../fixtures/template-0.1.0.yaml', import.meta.url), 'utf8')).template;
  generated = generatedTemplate().template;
  schemas = loadResourceSchemas();
});

const KEPT = ['UserPool', 'UserPoolClient', 'UserPoolDomain'];

/** The value at a schema property path such as `/properties/UserPoolId` or `/properties/A/B`. */
function at(properties: Record<string, unknown> | undefined, pointer: string): unknown {
  let value: unknown = properties;
  for (const key of pointer.replace(/^\/properties\//, '').split('/')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

describe('updating a stack deployed by authstack 0.1.0 to the generated template', () => {
  it('deletes no resource and changes no resource type', () => {
    for (const [id, resource] of Object.entries(deployed.Resources)) {
      expect(generated.Resources[id], `${id} is still there`).toBeDefined();
      expect(generated.Resources[id]!.Type, id).toBe(resource.Type);
    }
  });

  it('keeps the user pool, its client and its domain with their ids, types and DeletionPolicy/UpdateReplacePolicy', () => {
    const keptAs = (t: CfnTemplate, id: string) => {
      const { Type, DeletionPolicy, UpdateReplacePolicy, Condition } = t.Resources[id]!;
      return { Type, DeletionPolicy, UpdateReplacePolicy, Condition };
    };
    for (const id of KEPT) expect(keptAs(generated, id), id).toEqual(keptAs(deployed, id));
    expect(generated.Resources.UserPool!.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(generated.Resources.UserPool!.UpdateReplacePolicy).toBe('Retain');
  });

  it('changes no property that requires replacement (createOnlyProperties) on any resource', () => {
    const changed: string[] = [];
    for (const [id, resource] of Object.entries(deployed.Resources)) {
      const schema = schemas.get(resource.Type);
      expect(schema, resource.Type).toBeDefined();
      for (const pointer of (schema!.createOnlyProperties as string[] | undefined) ?? []) {
        if (JSON.stringify(at(resource.Properties, pointer)) !== JSON.stringify(at(generated.Resources[id]!.Properties, pointer)))
          changed.push(`${id} ${pointer}`);
      }
    }
    expect(changed).toEqual([]);
  });

  it('changes the properties of exactly one resource: the function, whose code now comes from its asset', () => {
    const differing = Object.keys(deployed.Resources).filter((id) => JSON.stringify(deployed.Resources[id]) !== JSON.stringify(generated.Resources[id]));
    expect(differing).toEqual(['Function']);
    const { Code: oldCode, ...oldRest } = deployed.Resources.Function!.Properties!;
    const { Code: newCode, ...newRest } = generated.Resources.Function!.Properties!;
    expect(newRest).toEqual(oldRest);
    expect(Object.keys(oldCode as object)).toEqual(['ZipFile']);
    expect(Object.keys(newCode as object)).toEqual(['S3Bucket', 'S3Key']);
    // The function's Code is updatable in place (it is not among its createOnlyProperties).
    expect((schemas.get('AWS::Lambda::Function')!.createOnlyProperties as string[]).some((p) => p.startsWith('/properties/Code'))).toBe(false);
  });

  it('adds no resource, and keeps every parameter (same type and default), condition, rule and output, so UsePreviousValue still applies', () => {
    expect(Object.keys(generated.Resources)).toEqual(Object.keys(deployed.Resources));
    expect(generated.Parameters).toEqual(deployed.Parameters);
    expect(generated.Conditions).toEqual(deployed.Conditions);
    expect(generated.Rules).toEqual(deployed.Rules);
    expect(generated.Outputs).toEqual(deployed.Outputs);
    expect(generated.Metadata).toEqual(deployed.Metadata);
  });
});
