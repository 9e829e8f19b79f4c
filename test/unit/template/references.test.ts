import { beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../src/deploy/template.js';
import { generatedTemplate } from '../../helpers/template.js';
import { checkReferences, subVariables, unusedNames } from '../../helpers/cfn-refs.js';
import { loadResourceSchemas, type ResourceSchema } from '../../helpers/cfn-schema.js';

let template: CfnTemplate;
let schemas: Map<string, ResourceSchema>;

beforeAll(async () => {
  ({ template } = generatedTemplate());
  schemas = loadResourceSchemas();
});

function props(copy: CfnTemplate, resource: string): Record<string, unknown> {
  return copy.Resources[resource]!.Properties as Record<string, unknown>;
}

function messages(copy: CfnTemplate): string[] {
  return checkReferences(copy, schemas).map((issue) => `${issue.at}: ${issue.message}`);
}

describe('names used in the template', () => {
  it('every Ref, Fn::GetAtt, Fn::Sub variable, condition and DependsOn names something that exists', () => {
    expect(checkReferences(template, schemas)).toEqual([]);
  });

  it('every parameter and condition is used', () => {
    expect(unusedNames(template)).toEqual([]);
  });

  it('reads ${Var} and ${Res.Attr} from Fn::Sub text, but not the ${!Literal} escape', () => {
    expect(subVariables('arn:${AWS::Partition}:x:${Fn.Arn}/${!NotAVar}/${ Spaced }')).toEqual(['AWS::Partition', 'Fn.Arn', 'Spaced']);
  });
});

describe('the reference check catches broken templates', () => {
  it('reports a Ref to nothing', () => {
    const copy = structuredClone(template);
    props(copy, 'Function').Role = { Ref: 'NoSuchRole' };
    expect(messages(copy)).toContain('Resources/Function/Properties/Role: Ref to unknown name NoSuchRole');
  });

  it('reports Fn::GetAtt on a missing resource and on an attribute the type does not have', () => {
    const copy = structuredClone(template);
    props(copy, 'Function').Role = { 'Fn::GetAtt': ['FunctionRole', 'Arnn'] };
    props(copy, 'ApiProxyResource').ParentId = { 'Fn::GetAtt': ['Apii', 'RootResourceId'] };
    expect(messages(copy)).toEqual(
      expect.arrayContaining([
        'Resources/Function/Properties/Role: Fn::GetAtt FunctionRole.Arnn: AWS::IAM::Role has no attribute Arnn',
        'Resources/ApiProxyResource/Properties/ParentId: Fn::GetAtt on unknown resource "Apii"',
      ]),
    );
  });

  it('reports unknown ${Var} and ${Res.Attr} in Fn::Sub, but accepts its own variable map', () => {
    const copy = structuredClone(template);
    props(copy, 'ApiInvokePermission').SourceArn = { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Regionn}:${Api.Id}/*' };
    props(copy, 'Function').Description = { 'Fn::Sub': ['${Local} ${FunctionRole.Arn}', { Local: { Ref: 'AWS::StackName' } }] };
    expect(messages(copy)).toEqual([
      'Resources/ApiInvokePermission/Properties/SourceArn: Ref to unknown name AWS::Regionn',
      'Resources/ApiInvokePermission/Properties/SourceArn: Fn::GetAtt Api.Id: AWS::ApiGateway::RestApi has no attribute Id',
    ]);
  });

  it('reports unknown conditions in Condition, Fn::If and !Condition, and unknown DependsOn', () => {
    const copy = structuredClone(template);
    copy.Resources.Certificate!.Condition = 'HasDomainn';
    copy.Outputs!.CustomDomainUrl!.Condition = 'NoSuchCondition';
    props(copy, 'Function').Timeout = { 'Fn::If': ['Nope', 10, 20] };
    copy.Conditions!.HasSesFromAddress = { 'Fn::And': [{ Condition: 'Missing' }, { Condition: 'HasSesIdentity' }] };
    const deploymentId = Object.keys(copy.Resources).find((id) => copy.Resources[id]!.Type === 'AWS::ApiGateway::Deployment')!;
    copy.Resources[deploymentId]!.DependsOn = ['ApiRootMethod', 'ApiAnyMethod'];
    expect(messages(copy)).toEqual(
      expect.arrayContaining([
        'Resources/Certificate/Condition: unknown condition "HasDomainn"',
        'Outputs/CustomDomainUrl/Condition: unknown condition "NoSuchCondition"',
        'Resources/Function/Properties/Timeout: unknown condition "Nope"',
        'Conditions/HasSesFromAddress/Fn::And/0: unknown condition "Missing"',
        `Resources/${deploymentId}/DependsOn: DependsOn unknown resource ApiAnyMethod`,
      ]),
    );
  });

  it('reports a condition that refers to a resource (conditions may only use parameters)', () => {
    const copy = structuredClone(template);
    copy.Conditions!.HasDomain = { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Api' }, ''] }] };
    expect(messages(copy)).toContain('Conditions/HasDomain/Fn::Not/0/Fn::Equals/0: Conditions may only Ref parameters and pseudo parameters, not Api');
  });

  it('reports a reference to a conditional resource from where its condition is not known to hold', () => {
    const copy = structuredClone(template);
    delete copy.Outputs!.CustomDomainUrl!.Condition;
    copy.Outputs!.CustomDomainUrl!.Value = { Ref: 'ApiDomainName' };
    props(copy, 'Function').Description = { 'Fn::If': ['HasDomain', { Ref: 'Certificate' }, { Ref: 'Certificate' }] };
    expect(messages(copy)).toEqual([
      'Resources/Function/Properties/Description/Fn::If/2: Certificate exists only when HasDomain holds, which is not known here',
      'Outputs/CustomDomainUrl/Value: ApiDomainName exists only when HasDomain holds, which is not known here',
    ]);
  });

  it('reports a parameter nothing uses', () => {
    const copy = structuredClone(template);
    copy.Parameters!.Forgotten = { Type: 'String', Default: '', Description: 'unused' };
    expect(unusedNames(copy)).toEqual(['Forgotten']);
  });
});
