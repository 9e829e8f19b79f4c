/** The fake CloudFormation keeps the promises of its spec (test/helpers/fake-aws/fake-cloudformation.md). */
import { describe, expect, it } from 'vitest';
import { FakeCloudFormation } from '../../helpers/fake-aws/fake-cloudformation.js';

const TEMPLATE = `
Parameters:
  Name: { Type: String, Default: one, AllowedValues: [one, two, three] }
  Size: { Type: Number, Default: 1, MinValue: 1, MaxValue: 5 }
  Extra: { Type: String, Default: '' }
Conditions:
  HasExtra: !Not [!Equals [!Ref Extra, '']]
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    DeletionPolicy: Retain
    Properties: { UserPoolName: !Sub '\${AWS::StackName}-\${Name}' }
  Group:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub '/x/\${Pool}', RetentionInDays: !Ref Size }
  Optional:
    Type: AWS::Logs::LogGroup
    Condition: HasExtra
    Properties: { LogGroupName: !Ref Extra }
Outputs:
  PoolId: { Value: !Ref Pool }
  GroupName: { Value: !Ref Group }
  ExtraOut: { Condition: HasExtra, Value: !Ref Extra }
`;

function cfn() {
  return new FakeCloudFormation({ now: () => 1_700_000_000_000 });
}

function create(
  f: FakeCloudFormation,
  params: Array<{ ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }> = [],
  type = 'CREATE',
  body = TEMPLATE,
) {
  return f.handle('CreateChangeSet', {
    StackName: 's',
    ChangeSetName: `cs${Math.random().toString(36).slice(2, 8)}`,
    ChangeSetType: type,
    TemplateBody: body,
    Parameters: params,
  }) as { Id: string; StackId: string };
}

function ready(f: FakeCloudFormation, id: string) {
  let cs: any;
  for (let i = 0; i < 5; i++) {
    cs = f.handle('DescribeChangeSet', { ChangeSetName: id, StackName: 's' });
    if (cs.Status !== 'CREATE_IN_PROGRESS') break;
  }
  return cs;
}

function deploy(f: FakeCloudFormation, params: Parameters<typeof create>[1] = [], type = 'CREATE', body = TEMPLATE) {
  const { Id } = create(f, params, type, body);
  const cs = ready(f, Id);
  if (cs.Status === 'CREATE_COMPLETE') {
    f.handle('ExecuteChangeSet', { ChangeSetName: Id, StackName: 's' });
    f.settle();
  }
  return cs;
}

const describe1 = (f: FakeCloudFormation, name = 's') => (f.handle('DescribeStacks', { StackName: name }) as any).Stacks[0];
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  return 'no error';
};

describe('fake CloudFormation: stacks and change sets', () => {
  it('a CREATE change set makes a REVIEW_IN_PROGRESS stack without outputs; executing it creates the resources', () => {
    const f = cfn();
    const { Id } = create(f);
    expect(describe1(f).StackStatus).toBe('REVIEW_IN_PROGRESS');
    expect(describe1(f).Outputs).toBeUndefined();
    const cs = ready(f, Id);
    expect(cs).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' });
    expect(cs.Changes.map((c: any) => [c.ResourceChange.Action, c.ResourceChange.LogicalResourceId])).toEqual([
      ['Add', 'Pool'],
      ['Add', 'Group'],
    ]);
    f.handle('ExecuteChangeSet', { ChangeSetName: Id, StackName: 's' });
    expect(f.get('s')!.status).toBe('CREATE_IN_PROGRESS');
    f.settle();
    const s = describe1(f);
    expect(s.StackStatus).toBe('CREATE_COMPLETE');
    const out = Object.fromEntries(s.Outputs.map((o: any) => [o.OutputKey, o.OutputValue]));
    expect(out.PoolId).toMatch(/^us-east-1_/);
    expect(out.GroupName).toBe(`/x/${out.PoolId}`);
    expect(out.ExtraOut).toBeUndefined();
  });

  it('a change set is CREATE_IN_PROGRESS for changeSetPolls describes, then ready', () => {
    const f = cfn();
    const { Id } = create(f);
    expect((f.handle('DescribeChangeSet', { ChangeSetName: Id }) as any).Status).toBe('CREATE_IN_PROGRESS');
    expect((f.handle('DescribeChangeSet', { ChangeSetName: Id }) as any).Status).toBe('CREATE_COMPLETE');
  });

  it('validates parameters like CloudFormation', () => {
    const f = cfn();
    expect(code(() => create(f, [{ ParameterKey: 'Nope', ParameterValue: 'x' }]))).toBe('ValidationError: Parameters: [Nope] do not exist in the template');
    expect(code(() => create(f, [{ ParameterKey: 'Name', ParameterValue: 'four' }]))).toBe("ValidationError: Parameter 'Name' must be one of AllowedValues");
    expect(code(() => create(f, [{ ParameterKey: 'Size', ParameterValue: '9' }]))).toBe(
      "ValidationError: Parameter 'Size' must be a number not greater than 5",
    );
    expect(code(() => create(f, [{ ParameterKey: 'Name', UsePreviousValue: true }]))).toMatch(/Cannot specify usePreviousValue/);
  });

  it('requires CAPABILITY_IAM for IAM resources', () => {
    const f = cfn();
    const body = 'Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {}\n';
    expect(code(() => f.handle('CreateChangeSet', { StackName: 's', ChangeSetName: 'a', ChangeSetType: 'CREATE', TemplateBody: body }))).toBe(
      'InsufficientCapabilitiesException: Requires capabilities : [CAPABILITY_IAM]',
    );
    expect(
      code(() =>
        f.handle('CreateChangeSet', { StackName: 's', ChangeSetName: 'a', ChangeSetType: 'CREATE', TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] }),
      ),
    ).toBe('no error');
  });

  it('an unknown stack is "Stack with id X does not exist"; CREATE over a live stack is AlreadyExists', () => {
    const f = cfn();
    expect(code(() => f.handle('DescribeStacks', { StackName: 'nope' }))).toBe('ValidationError: Stack with id nope does not exist');
    deploy(f);
    expect(code(() => create(f))).toBe('AlreadyExistsException: Stack [s] already exists');
  });

  it('reports Modify for a parameter change, with Replacement per REPLACING_PROPERTIES, and FAILED for no changes', () => {
    const f = cfn();
    deploy(f);
    const same = ready(f, create(f, [], 'UPDATE').Id);
    expect(same.Status).toBe('FAILED');
    expect(same.StatusReason).toMatch(/didn't contain changes/);
    const cs = ready(
      f,
      create(
        f,
        [
          { ParameterKey: 'Size', ParameterValue: '2' },
          { ParameterKey: 'Name', UsePreviousValue: true },
        ],
        'UPDATE',
      ).Id,
    );
    expect(cs.Changes.map((c: any) => c.ResourceChange)).toEqual([
      expect.objectContaining({ Action: 'Modify', LogicalResourceId: 'Group', Replacement: 'False' }),
    ]);
    const rename = ready(f, create(f, [], 'UPDATE', TEMPLATE.replace("'/x/", "'/y/")).Id);
    expect(rename.Changes[0].ResourceChange).toMatchObject({ LogicalResourceId: 'Group', Replacement: 'True' });
  });

  it('adds and removes resources with their Condition', () => {
    const f = cfn();
    deploy(f);
    deploy(f, [{ ParameterKey: 'Extra', ParameterValue: 'extra-group' }], 'UPDATE');
    expect(f.get('s')!.resources.get('Optional')!.physicalId).toBe('extra-group');
    const cs = ready(f, create(f, [{ ParameterKey: 'Extra', ParameterValue: '' }], 'UPDATE').Id);
    expect(cs.Changes.map((c: any) => [c.ResourceChange.Action, c.ResourceChange.LogicalResourceId])).toEqual([['Remove', 'Optional']]);
  });

  it('executing one change set drops the others; only AVAILABLE ones execute', () => {
    const f = cfn();
    deploy(f);
    const a = create(f, [{ ParameterKey: 'Size', ParameterValue: '2' }], 'UPDATE');
    const b = create(f, [{ ParameterKey: 'Size', ParameterValue: '3' }], 'UPDATE');
    expect(code(() => f.handle('ExecuteChangeSet', { ChangeSetName: a.Id }))).toMatch(/^InvalidChangeSetStatusException/);
    ready(f, a.Id);
    f.handle('ExecuteChangeSet', { ChangeSetName: a.Id });
    expect(code(() => f.handle('DescribeChangeSet', { ChangeSetName: b.Id }))).toMatch(/^ChangeSetNotFoundException/);
  });
});

describe('fake CloudFormation: operations and events', () => {
  it('advances stepsPerPoll steps per DescribeStacks / DescribeStackEvents call and pages events newest first', () => {
    const f = cfn();
    f.eventPageSize = 2;
    const { Id } = create(f);
    ready(f, Id);
    f.handle('ExecuteChangeSet', { ChangeSetName: Id });
    const before = f.get('s')!.events.length;
    f.handle('DescribeStacks', { StackName: 's' });
    expect(f.get('s')!.events.length - before).toBe(3);
    const page = f.handle('DescribeStackEvents', { StackName: 's' }) as any;
    expect(page.StackEvents).toHaveLength(2);
    expect(page.NextToken).toBeDefined();
    const all = f.get('s')!.events;
    expect(page.StackEvents[0].EventId).toBe(all[all.length - 1]!.EventId);
  });

  it('a failed create rolls back to ROLLBACK_COMPLETE with the failure reason in its events', () => {
    const f = cfn();
    f.failures.set('Group', 'Invalid retention');
    deploy(f);
    const s = f.get('s')!;
    expect(s.status).toBe('ROLLBACK_COMPLETE');
    expect(s.events.find((e) => e.ResourceStatus === 'CREATE_FAILED')).toMatchObject({ LogicalResourceId: 'Group', ResourceStatusReason: 'Invalid retention' });
    // Pool is DeletionPolicy: Retain, which keeps it even when the create that made it rolls back.
    expect(s.events.some((e) => e.LogicalResourceId === 'Pool' && e.ResourceStatus === 'DELETE_SKIPPED')).toBe(true);
    expect(code(() => create(f, [], 'UPDATE'))).toMatch(/is in ROLLBACK_COMPLETE state and can not be updated/);
  });

  it('a failed update restores the previous template and parameters (UPDATE_ROLLBACK_COMPLETE)', () => {
    const f = cfn();
    deploy(f);
    const body = f.get('s')!.templateBody;
    f.failures.set('Group', 'nope');
    deploy(f, [{ ParameterKey: 'Size', ParameterValue: '4' }], 'UPDATE', `${TEMPLATE}\n# changed\n`);
    const s = f.get('s')!;
    expect(s.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(s.parameters.Size).toBe('1');
    expect((f.handle('GetTemplate', { StackName: 's' }) as any).TemplateBody).toBe(body);
  });

  it('a rollback that fails leaves UPDATE_ROLLBACK_FAILED, and ContinueUpdateRollback completes it', () => {
    const f = cfn();
    deploy(f);
    f.failures.set('Group', 'nope');
    f.rollbackFailures.set('Group', 'changed by hand');
    deploy(f, [{ ParameterKey: 'Size', ParameterValue: '4' }], 'UPDATE');
    expect(f.get('s')!.status).toBe('UPDATE_ROLLBACK_FAILED');
    f.handle('ContinueUpdateRollback', { StackName: 's' });
    f.settle();
    expect(f.get('s')!.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('deleting skips retained resources, and the stack is then found only by id', () => {
    const f = cfn();
    const deleted: string[] = [];
    f.hooks = { deleted: (r) => deleted.push(r.logicalId) };
    deploy(f);
    const id = f.get('s')!.stackId;
    f.handle('DeleteStack', { StackName: 's' });
    expect(f.get('s')!.status).toBe('DELETE_IN_PROGRESS');
    f.settle();
    expect(deleted).toEqual(['Group']);
    expect(f.get(id)).toBeUndefined();
    expect(describe1(f, id).StackStatus).toBe('DELETE_COMPLETE');
    expect(code(() => f.handle('DescribeStacks', { StackName: 's' }))).toBe('ValidationError: Stack with id s does not exist');
    expect(f.get(id) ?? 'gone').toBe('gone');
    expect(code(() => f.handle('DeleteStack', { StackName: 's' }))).toBe('no error');
  });

  it('a busy stack refuses updates and deletion until its operation ends', () => {
    const f = cfn();
    deploy(f);
    f.startOtherOperation('s', 2);
    expect(code(() => create(f, [], 'UPDATE'))).toMatch(/UPDATE_IN_PROGRESS state and can not be updated/);
    expect(code(() => f.handle('DeleteStack', { StackName: 's' }))).toMatch(/cannot be deleted while in status UPDATE_IN_PROGRESS/);
    expect(describe1(f).StackStatus).toBe('UPDATE_IN_PROGRESS');
    expect(describe1(f).StackStatus).toBe('UPDATE_IN_PROGRESS');
    expect(describe1(f).StackStatus).toBe('UPDATE_COMPLETE');
  });

  it('a step that is not ready waits at the head of the queue', () => {
    const f = cfn();
    let open = false;
    f.hooks = { ready: (r) => r.logicalId !== 'Group' || open };
    deploy(f);
    expect(f.get('s')!.status).toBe('CREATE_IN_PROGRESS');
    open = true;
    f.settle();
    expect(f.get('s')!.status).toBe('CREATE_COMPLETE');
  });
});

describe('fake CloudFormation: DeletionPolicy and UpdateReplacePolicy', () => {
  const POLICIES = `
Parameters:
  Attrs: { Type: String, Default: email }
  Fail: { Type: String, Default: '' }
  WithKept: { Type: String, Default: 'yes' }
Conditions:
  HasKept: !Equals [!Ref WithKept, 'yes']
Resources:
  Kept:
    Type: AWS::Cognito::UserPool
    Condition: HasKept
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties: { UsernameAttributes: [!Ref Attrs] }
  KeptExceptOnCreate:
    Type: AWS::Cognito::UserPool
    Condition: HasKept
    DeletionPolicy: RetainExceptOnCreate
    UpdateReplacePolicy: Retain
    Properties: { UsernameAttributes: [!Ref Attrs] }
  ReplacedAway:
    Type: AWS::Cognito::UserPool
    DeletionPolicy: RetainExceptOnCreate
    UpdateReplacePolicy: Delete
    Properties: { UsernameAttributes: [!Ref Attrs] }
  Last:
    Type: AWS::Logs::LogGroup
    DependsOn: [Kept, KeptExceptOnCreate, ReplacedAway]
    Properties: { LogGroupName: !Sub 'g\${Fail}' }
`;
  function world() {
    const f = cfn();
    const deleted: string[] = [];
    f.hooks = { deleted: (r) => deleted.push(`${r.logicalId}:${r.physicalId}`) };
    const physical = (id: string) => f.get('s')?.resources.get(id)?.physicalId;
    return { f, deleted, physical };
  }

  it('a first create that rolls back deletes a RetainExceptOnCreate resource and keeps a Retain one', () => {
    const { f, deleted } = world();
    f.failures.set('Last', 'boom');
    deploy(f, [], 'CREATE', POLICIES);
    expect(f.get('s')!.status).toBe('ROLLBACK_COMPLETE');
    expect(deleted.map((d) => d.split(':')[0]).sort()).toEqual(['KeptExceptOnCreate', 'ReplacedAway']);
    expect(f.get('s')!.events.find((e) => e.LogicalResourceId === 'Kept' && e.ResourceStatus === 'DELETE_SKIPPED')).toBeDefined();
  });

  it('a replacement keeps the old instance under UpdateReplacePolicy Retain and deletes it under Delete, whatever the DeletionPolicy', () => {
    const { f, deleted, physical } = world();
    deploy(f, [], 'CREATE', POLICIES);
    const before = { kept: physical('Kept'), onCreate: physical('KeptExceptOnCreate'), away: physical('ReplacedAway') };
    deploy(f, [{ ParameterKey: 'Attrs', ParameterValue: 'phone_number' }], 'UPDATE', POLICIES);
    expect(f.get('s')!.status).toBe('UPDATE_COMPLETE');
    expect(physical('Kept')).not.toBe(before.kept);
    expect(deleted).toEqual([`ReplacedAway:${before.away}`]);
    expect(deleted.join()).not.toContain(before.onCreate!);
  });

  it('removing a resource from the template keeps it under DeletionPolicy Retain or RetainExceptOnCreate', () => {
    const { f, deleted, physical } = world();
    deploy(f, [], 'CREATE', POLICIES);
    expect(physical('Kept')).toBeDefined();
    deploy(f, [{ ParameterKey: 'WithKept', ParameterValue: 'no' }], 'UPDATE', POLICIES);
    expect(f.get('s')!.status).toBe('UPDATE_COMPLETE');
    expect(physical('Kept')).toBeUndefined();
    expect(physical('KeptExceptOnCreate')).toBeUndefined();
    expect(deleted).toEqual([]);
    const skipped = f
      .get('s')!
      .events.filter((e) => e.ResourceStatus === 'DELETE_SKIPPED')
      .map((e) => e.LogicalResourceId);
    expect(skipped.sort()).toEqual(['Kept', 'KeptExceptOnCreate']);
  });

  it('deleting the stack keeps Retain and RetainExceptOnCreate resources alike', () => {
    const { f, deleted } = world();
    deploy(f, [], 'CREATE', POLICIES);
    f.handle('DeleteStack', { StackName: 's' });
    f.settle();
    expect(deleted.map((d) => d.split(':')[0])).toEqual(['Last']);
  });

  it('an update that rolls back deletes what it created unless DeletionPolicy is Retain, and restores the old instances', () => {
    const { f, deleted, physical } = world();
    deploy(f, [], 'CREATE', POLICIES);
    const before = { kept: physical('Kept'), onCreate: physical('KeptExceptOnCreate'), away: physical('ReplacedAway') };
    f.failures.set('Last', 'boom');
    deploy(
      f,
      [
        { ParameterKey: 'Attrs', ParameterValue: 'phone_number' },
        { ParameterKey: 'Fail', ParameterValue: 'x' },
      ],
      'UPDATE',
      POLICIES,
    );
    expect(f.get('s')!.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect({ kept: physical('Kept'), onCreate: physical('KeptExceptOnCreate'), away: physical('ReplacedAway') }).toEqual(before);
    expect(deleted.map((d) => d.split(':')[0]).sort()).toEqual(['KeptExceptOnCreate', 'ReplacedAway']);
    expect(deleted.join()).not.toContain(before.onCreate!);
  });
});
