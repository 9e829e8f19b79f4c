import { describe, expect, it } from 'vitest';
import { CfnYamlError, parseCfnYaml } from '../../../src/deploy/cfn-yaml.js';

describe('parseCfnYaml', () => {
  it('turns scalar short forms into their long JSON forms', () => {
    const parsed = parseCfnYaml(
      [
        'a: !Ref Bucket',
        'b: !Sub "arn:${AWS::Partition}:s3:::${Bucket}"',
        'c: !Base64 hello',
        'd: !ImportValue shared-vpc',
        'e: !GetAZs ""',
        'f: !Condition IsProd',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      a: { Ref: 'Bucket' },
      b: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' },
      c: { 'Fn::Base64': 'hello' },
      d: { 'Fn::ImportValue': 'shared-vpc' },
      e: { 'Fn::GetAZs': '' },
      f: { Condition: 'IsProd' },
    });
  });

  it('splits a dotted !GetAtt at the first dot only, and keeps the sequence form as given', () => {
    expect(parseCfnYaml('a: !GetAtt Fn.Arn\nb: !GetAtt Db.Endpoint.Address\nc: !GetAtt [Fn, Arn]')).toEqual({
      a: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      b: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
      c: { 'Fn::GetAtt': ['Fn', 'Arn'] },
    });
  });

  it('converts sequence-form functions and the tags nested inside them', () => {
    const parsed = parseCfnYaml(
      [
        'if: !If [HasX, !Ref X, !Ref AWS::NoValue]',
        'eq: !Equals [!Ref Env, prod]',
        'not: !Not [!Equals [!Ref Env, ""]]',
        'and: !And [!Condition A, !Condition B]',
        'or: !Or [!Condition A, !Condition B]',
        'join: !Join [",", [a, b]]',
        'select: !Select [0, !GetAZs ""]',
        'split: !Split [",", "a,b"]',
        'map: !FindInMap [Regions, !Ref AWS::Region, Ami]',
        'cidr: !Cidr [10.0.0.0/16, 4, 8]',
        'sub:',
        '  !Sub',
        '    - "${Name}-${Other}"',
        '    - Name: !Ref AWS::StackName',
        '      Other: !GetAtt Res.Attr',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      if: { 'Fn::If': ['HasX', { Ref: 'X' }, { Ref: 'AWS::NoValue' }] },
      eq: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
      not: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Env' }, ''] }] },
      and: { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] },
      or: { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] },
      join: { 'Fn::Join': [',', ['a', 'b']] },
      select: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      split: { 'Fn::Split': [',', 'a,b'] },
      map: { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Ami'] },
      cidr: { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] },
      sub: { 'Fn::Sub': ['${Name}-${Other}', { Name: { Ref: 'AWS::StackName' }, Other: { 'Fn::GetAtt': ['Res', 'Attr'] } }] },
    });
  });

  it('accepts a tag on a mapping (e.g. !Base64 of a !Sub in long form)', () => {
    expect(parseCfnYaml('a: !Base64\n  Fn::Sub: "x-${AWS::Region}"')).toEqual({
      a: { 'Fn::Base64': { 'Fn::Sub': 'x-${AWS::Region}' } },
    });
  });

  it('leaves the long forms and untagged YAML values as they are', () => {
    const text = 'a: { "Fn::Join": ["", [x, { Ref: Y }]] }\nb: 3\nc: "true"\nd: true\ne: ~\nf: "2010-09-09"';
    expect(parseCfnYaml(text)).toEqual({
      a: { 'Fn::Join': ['', ['x', { Ref: 'Y' }]] },
      b: 3,
      c: 'true',
      d: true,
      e: null,
      f: '2010-09-09',
    });
  });

  it('resolves anchors and aliases, tags included', () => {
    expect(parseCfnYaml('a: &arn !GetAtt Fn.Arn\nb: *arn')).toEqual({
      a: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      b: { 'Fn::GetAtt': ['Fn', 'Arn'] },
    });
  });

  it('rejects an unknown !Tag with its line instead of passing it through', () => {
    try {
      parseCfnYaml('a: 1\nb: !Reff Bucket\n');
      expect.unreachable('an unknown tag must throw');
    } catch (error) {
      expect(error).toBeInstanceOf(CfnYamlError);
      expect((error as CfnYamlError).message).toContain('!Reff');
      expect((error as CfnYamlError).line).toBe(2);
    }
  });

  it('rejects invalid YAML and duplicate keys with the line of the problem', () => {
    expect(() => parseCfnYaml('a: [1, 2\n')).toThrow(CfnYamlError);
    try {
      parseCfnYaml('Resources:\n  A: 1\n  A: 2\n');
      expect.unreachable('a duplicate key must throw');
    } catch (error) {
      expect(error).toBeInstanceOf(CfnYamlError);
      expect((error as CfnYamlError).line).toBe(3);
    }
  });
});
