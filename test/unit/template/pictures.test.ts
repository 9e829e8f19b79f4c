/**
 * The template with pictures on: schema-valid, free of the bucket/notification/permission cycle, private by
 * construction, and against the template without pictures only additions (pictures off is the same template,
 * byte for byte).
 */
import { describe, expect, it } from 'vitest';
import { BROWSER_LOGIN_PORT } from '../../../src/core/hosted-ui.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { PICTURES_IDS, picturesBucketSub } from '../../../src/deploy/template/pictures.js';
import type { CfnResource, CfnTemplate } from '../../../src/deploy/template.js';
import { loadResourceSchemas, PropertiesValidator, validateTemplateProperties } from '../../helpers/cfn-schema.js';
import { generatedTemplate } from '../../helpers/template.js';

const off = generatedTemplate(buildStackModel());
const on = generatedTemplate(buildStackModel({ pictures: true }));
const R = (t: CfnTemplate, id: string): CfnResource => t.Resources[id]!;
const P = (t: CfnTemplate, id: string): any => R(t, id).Properties;

/** Every logical id a value refers to: Ref, Fn::GetAtt and the ${Name} / ${Name.Attr} of Fn::Sub. */
function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add((v as string[])[0]!);
      else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? (v[0] as string) : (v as string);
        for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g)) out.add(m[1]!);
        if (Array.isArray(v)) references(v[1], out);
      } else references(v, out);
    }
  }
  return out;
}

function cycle(template: CfnTemplate): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const [id, r] of Object.entries(template.Resources)) {
    const deps = [...references(r.Properties), ...(r.DependsOn === undefined ? [] : [r.DependsOn].flat())];
    edges.set(
      id,
      deps.filter((d) => d in template.Resources),
    );
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path, id];
    state.set(id, 'open');
    for (const d of edges.get(id) ?? []) {
      const found = visit(d, [...path, id]);
      if (found) return found;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const found = visit(id, []);
    if (found) return found;
  }
  return undefined;
}

describe('pictures off', () => {
  it('is the very same template, byte for byte, as with no pictures setting', () => {
    expect(generatedTemplate(buildStackModel({ pictures: false })).body).toBe(off.body);
    expect(off.body).not.toMatch(/Pictures|PICTURES/);
  });
});

describe('pictures on', () => {
  it('only adds: every resource, parameter and output stays, with the same type and properties (the API gains its pictures environment and policy)', () => {
    expect(on.template.Parameters).toEqual(off.template.Parameters);
    for (const [id, resource] of Object.entries(off.template.Resources)) {
      const now = R(on.template, id);
      expect(now.Type, id).toBe(resource.Type);
      if (id === 'Function' || id === 'FunctionRole') continue;
      expect(now, id).toEqual(resource);
    }
    for (const [name, output] of Object.entries(off.template.Outputs ?? {})) expect(on.template.Outputs?.[name], name).toEqual(output);
    const variables = P(on.template, 'Function').Environment.Variables;
    expect(variables).toMatchObject(P(off.template, 'Function').Environment.Variables);
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['PICTURES_BUCKET', 'PICTURES_URL']));
    const { Policies: before, ...roleRest } = P(off.template, 'FunctionRole');
    const { Policies: after, ...roleNow } = P(on.template, 'FunctionRole');
    expect(roleNow).toEqual(roleRest);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((p: { PolicyName: string }) => p.PolicyName)).toEqual(['pictures']);
  });

  it('is valid against the official resource schemas', () => {
    const schemas = loadResourceSchemas();
    const types = new Set(Object.values(on.template.Resources).map((r) => r.Type));
    expect([...types].filter((t) => !schemas.has(t))).toEqual([]);
    expect(validateTemplateProperties(on.template, new PropertiesValidator(schemas))).toEqual([]);
  });

  it('has no dependency cycle: the bucket DependsOn the permission, which names the bucket by its known name', () => {
    expect(cycle(on.template)).toBeUndefined();
    expect(R(on.template, PICTURES_IDS.bucket).DependsOn).toBe(PICTURES_IDS.permission);
    expect(references(P(on.template, PICTURES_IDS.permission))).not.toContain(PICTURES_IDS.bucket);
    // The check would see a cycle: a bucket named by Ref in the permission closes one.
    const broken = structuredClone(on.template);
    P(broken, PICTURES_IDS.permission).SourceArn = { 'Fn::GetAtt': [PICTURES_IDS.bucket, 'Arn'] };
    expect(cycle(broken)).toBeDefined();
  });

  it('keeps the bucket private: public access blocked, encrypted, owner-enforced, retained, CORS for the app origins, uploads expire', () => {
    const bucket = R(on.template, PICTURES_IDS.bucket);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    const p = bucket.Properties as any;
    expect(Object.values(p.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(p.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(p.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({ AllowedMethods: ['POST'], AllowedOrigins: [`http://localhost:${BROWSER_LOGIN_PORT}`] }),
    ]);
    expect(p.LifecycleConfiguration.Rules[0]).toMatchObject({ Status: 'Enabled', Prefix: 'uploads/', ExpirationInDays: 1 });
    expect(p.NotificationConfiguration.LambdaConfigurations[0].Filter.S3Key.Rules).toEqual([{ Name: 'prefix', Value: 'uploads/' }]);
    const app = generatedTemplate(buildStackModel({ pictures: { corsOrigins: ['https://app.example.com'] } })).template;
    expect(P(app, PICTURES_IDS.bucket).CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual(['https://app.example.com']);
  });

  it('lets the CDN read only public/ through its Origin Access Control, and nothing over plain HTTP', () => {
    const statements = P(on.template, PICTURES_IDS.bucketPolicy).PolicyDocument.Statement;
    const allow = statements.filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    expect(JSON.stringify(allow[0].Resource)).toContain('/public/*');
    expect(JSON.stringify(allow[0].Condition)).toContain(PICTURES_IDS.distribution);
    expect(statements.find((s: { Sid: string }) => s.Sid === 'TlsOnly')).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const origin = P(on.template, PICTURES_IDS.distribution).DistributionConfig.Origins[0];
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [PICTURES_IDS.originAccessControl, 'Id'] });
    expect(P(on.template, PICTURES_IDS.originAccessControl).OriginAccessControlConfig).toMatchObject({ SigningBehavior: 'always', SigningProtocol: 'sigv4' });
  });

  it("gives the processing function only what it does: uploads read/deleted, public/ written, the pool's two admin calls", () => {
    const policies = P(on.template, PICTURES_IDS.role).Policies as Array<{ PolicyName: string; PolicyDocument: { Statement: any[] } }>;
    const actions = policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => [s.Action].flat()));
    expect(actions.sort()).toEqual(
      [
        'cognito-idp:AdminUpdateUserAttributes',
        'cognito-idp:ListUsers',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:DeleteObject',
        's3:DeleteObject',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
      ].sort(),
    );
    expect(JSON.stringify(policies)).not.toContain('"*"');
  });

  it('outputs the picture CDN URL and the bucket', () => {
    expect(on.template.Outputs?.PicturesUrl?.Value).toEqual({ 'Fn::Sub': `https://\${${PICTURES_IDS.distribution}.DomainName}` });
    expect(on.template.Outputs?.PicturesBucketName?.Value).toEqual({ Ref: PICTURES_IDS.bucket });
  });

  it('names the bucket validly (lower case, ≤ 63 characters with the longest region) whatever the stack name', () => {
    for (const stack of ['authstack', 'My-Very-Long-Stack-Name-For-Production-Use', 'A']) {
      const name = picturesBucketSub(stack).replace('${AWS::AccountId}', '123456789012').replace('${AWS::Region}', 'ap-southeast-2');
      expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    }
    expect(picturesBucketSub('Prod')).not.toBe(picturesBucketSub('prod'));
  });
});
