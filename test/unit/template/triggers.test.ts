/**
 * The project's Cognito triggers in the template: per trigger a function with its own role (logs and traces only)
 * and log group, a Lambda permission for cognito-idp.amazonaws.com scoped to this pool's ARN and account, and the
 * pool's LambdaConfig pointing at it (pre token generation as PreTokenGenerationConfig V2_0, with the Essentials
 * plan it needs). Valid against the schemas, every reference resolved, no cycle, cfn-lint clean (cfn-lint.test.ts); deployed on the
 * fake account; adding and removing them changes the pool in place (no createOnlyProperties touched, no
 * replacement in the change set).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { TRIGGER_NAMES, type TriggerSettings } from '../../../src/core/triggers.js';
import type { CfnTemplate } from '../../../src/deploy/template.js';
import { checkReferences } from '../../helpers/cfn-refs.js';
import { PropertiesValidator, loadResourceSchemas, validateTemplateProperties } from '../../helpers/cfn-schema.js';
import { generatedTemplate } from '../../helpers/template.js';
import { deployTemplate, deployWorld, testTemplate, type DeployWorld } from '../deploy/helpers.js';

const EVERY_TRIGGER: TriggerSettings = Object.fromEntries(TRIGGER_NAMES.map((name) => [name, `auth/${name}.ts#handler`]));
const withTriggers = buildStackModel({ triggers: EVERY_TRIGGER });
const { template } = generatedTemplate(withTriggers);
const R = template.Resources;
const plain = generatedTemplate().template;

/** Resource id → the ids it refers to (Ref, GetAtt, ${X} in Sub), for the cycle check. */
function references(t: CfnTemplate): Map<string, Set<string>> {
  const ids = new Set(Object.keys(t.Resources));
  const out = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(t.Resources)) {
    const found = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'Ref' && typeof v === 'string' && ids.has(v)) found.add(v);
        else if (k === 'Fn::GetAtt' && Array.isArray(v) && ids.has(String(v[0]))) found.add(String(v[0]));
        else if (k === 'Fn::Sub')
          for (const m of JSON.stringify(v).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g))
            if (ids.has(m[1]!)) found.add(m[1]!);
            else walk(v);
      }
    };
    walk(resource.Properties);
    for (const d of [resource.DependsOn ?? []].flat()) found.add(d);
    out.set(id, found);
  }
  return out;
}

describe('a project with every trigger', () => {
  it('gives each trigger its own function, role (logs and traces only) and log group, with the 5 s Cognito waits as its timeout', () => {
    for (const name of [
      'TriggerPreSignUp',
      'TriggerPostConfirmation',
      'TriggerPreAuthentication',
      'TriggerPostAuthentication',
      'TriggerPreTokenGeneration',
      'TriggerCustomMessage',
    ]) {
      expect(R[`${name}Function`]!.Properties).toMatchObject({
        Role: { 'Fn::GetAtt': [`${name}FunctionRole`, 'Arn'] },
        Handler: 'index.handler',
        Timeout: 5,
        Code: { S3Key: expect.stringMatching(/^functions\//) },
      });
      const actions = (R[`${name}FunctionRole`]!.Properties!.Policies as { PolicyDocument: { Statement: { Action: string[] }[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.flatMap((s) => s.Action),
      );
      expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      expect(R[`${name}FunctionLogGroup`]!.Type).toBe('AWS::Logs::LogGroup');
    }
  });

  it('lets only this pool of this account invoke each trigger (Lambda permission for cognito-idp.amazonaws.com, SourceArn the pool ARN)', () => {
    const permissions = Object.entries(R).filter(([, r]) => r.Type === 'AWS::Lambda::Permission' && r.Properties!.Principal === 'cognito-idp.amazonaws.com');
    expect(permissions).toHaveLength(6);
    for (const [, p] of permissions) {
      expect(p.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        SourceArn: { 'Fn::GetAtt': ['UserPool', 'Arn'] },
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
    }
  });

  it("points the pool's LambdaConfig at each function, pre token generation as V2_0 on the Essentials plan", () => {
    const pool = R.UserPool!.Properties!;
    expect(pool.LambdaConfig).toEqual({
      PreSignUp: { 'Fn::GetAtt': ['TriggerPreSignUpFunction', 'Arn'] },
      PostConfirmation: { 'Fn::GetAtt': ['TriggerPostConfirmationFunction', 'Arn'] },
      PreAuthentication: { 'Fn::GetAtt': ['TriggerPreAuthenticationFunction', 'Arn'] },
      PostAuthentication: { 'Fn::GetAtt': ['TriggerPostAuthenticationFunction', 'Arn'] },
      PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': ['TriggerPreTokenGenerationFunction', 'Arn'] }, LambdaVersion: 'V2_0' },
      CustomMessage: { 'Fn::GetAtt': ['TriggerCustomMessageFunction', 'Arn'] },
    });
    expect(pool.UserPoolTier).toBe('ESSENTIALS');
    // Without pre token generation the pool's feature plan is left as it is.
    expect(generatedTemplate(buildStackModel({ triggers: { preSignUp: 'a.ts#handler' } })).template.Resources.UserPool!.Properties).not.toHaveProperty(
      'UserPoolTier',
    );
  });

  it('has no circular dependency: no trigger function refers to the pool or its client (the event carries the pool id)', () => {
    const refs = references(template);
    const seen = new Set<string>();
    const onPath = new Set<string>();
    const cycle = (id: string): boolean => {
      if (onPath.has(id)) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      onPath.add(id);
      const found = [...(refs.get(id) ?? [])].some(cycle);
      onPath.delete(id);
      return found;
    };
    expect(Object.keys(R).filter(cycle)).toEqual([]);
    // Nor any of the API's variables (its CORS origin): a trigger has its declared environment only, none here.
    expect(R.TriggerPreSignUpFunction!.Properties!.Environment).toBeUndefined();
  });

  it('is valid against the CloudFormation schemas, and every reference resolves', () => {
    const schemas = loadResourceSchemas();
    expect(validateTemplateProperties(template, new PropertiesValidator(schemas))).toEqual([]);
    expect(checkReferences(template, schemas)).toEqual([]);
  });

  it('touches no createOnlyProperties of any resource the trigger-less template has, and keeps all of them', () => {
    const schemas = loadResourceSchemas();
    const at = (props: Record<string, unknown> | undefined, pointer: string) =>
      pointer
        .replace(/^\/properties\//, '')
        .split('/')
        .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], props);
    const changed: string[] = [];
    for (const [id, resource] of Object.entries(plain.Resources)) {
      expect(R[id]?.Type, id).toBe(resource.Type);
      for (const pointer of (schemas.get(resource.Type)?.createOnlyProperties as string[] | undefined) ?? []) {
        if (JSON.stringify(at(resource.Properties, pointer)) !== JSON.stringify(at(R[id]!.Properties, pointer))) changed.push(`${id} ${pointer}`);
      }
    }
    expect(changed).toEqual([]);
    expect(R.UserPool!.DeletionPolicy).toBe(plain.Resources.UserPool!.DeletionPolicy);
  });

  // cfn-lint (circular dependencies included) runs over this template in cfn-lint.test.ts, in the one Python process
  // that lints every template.
});

describe('deploying triggers on the fake AWS account', () => {
  let w: DeployWorld;
  afterEach(async () => w?.cleanup());

  it('adds every trigger to a deployed trigger-less stack and removes them again, the pool modified in place each time', async () => {
    w = await deployWorld();
    expect((await deployTemplate(w.aws)).result.outcome).toBe('created');
    const poolId = w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId;

    const added = await deployTemplate(w.aws, testTemplate(withTriggers).body);
    expect(added.result.outcome).toBe('updated');
    const pool = added.result.changes.find((c) => c.logicalId === 'UserPool');
    expect(pool).toMatchObject({ action: 'Modify', replacement: 'False' });
    expect(added.result.changes.filter((c) => c.action === 'Add' && c.resourceType === 'AWS::Lambda::Permission')).toHaveLength(6);
    expect(added.result.changes.filter((c) => c.action === 'Remove')).toEqual([]);
    const deployed = w.aws.cfn.get('authstack')!.resources;
    expect(deployed.get('UserPool')!.physicalId).toBe(poolId);
    expect(deployed.get('TriggerPreSignUpFunction')).toBeDefined();

    const removed = await deployTemplate(w.aws);
    expect(removed.result.outcome).toBe('updated');
    expect(removed.result.changes.find((c) => c.logicalId === 'UserPool')).toMatchObject({ action: 'Modify', replacement: 'False' });
    expect(w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId).toBe(poolId);
  });
});
