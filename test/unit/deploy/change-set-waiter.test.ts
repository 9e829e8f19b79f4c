/** Waiting for a change set goes through the SDK's own waiter, against the fake account's real SDK client. */
import { describe, expect, it } from 'vitest';
import { WaitAborted, cloudFormation } from '../../../src/aws/cloudformation.js';
import { FakeAws } from '../../helpers/fake-aws/fake-aws.js';

const TEMPLATE = 'Resources:\n  Group:\n    Type: AWS::Logs::LogGroup\n    Properties: { RetentionInDays: 7 }\n';
const fast = { maxWaitSeconds: 5, minDelaySeconds: 0.001, maxDelaySeconds: 0.005 };

async function world(changeSetPolls = 3) {
  const aws = new FakeAws({ changeSetPolls });
  const cfn = await cloudFormation(aws.factory());
  const create = (type: 'CREATE' | 'UPDATE', name: string) =>
    cfn.createChangeSet({ stackName: 's', changeSetName: name, type, templateBody: TEMPLATE, parameters: [] });
  return { aws, cfn, create };
}

describe('waitForChangeSet', () => {
  it('polls until the change set is CREATE_COMPLETE and returns it with its changes', async () => {
    const { aws, cfn, create } = await world();
    const cs = await create('CREATE', 'one');
    const done = await cfn.waitForChangeSet(cs.id, 's', fast);
    expect(done).toMatchObject({ status: 'CREATE_COMPLETE', changes: [{ action: 'Add', logicalId: 'Group' }] });
    expect(aws.count('cloudformation', 'DescribeChangeSet')).toBeGreaterThanOrEqual(4);
  });

  it("returns a change set with no changes as FAILED with CloudFormation's reason, not as an error", async () => {
    const { aws, cfn, create } = await world(0);
    const first = await create('CREATE', 'one');
    await cfn.waitForChangeSet(first.id, 's', fast);
    await cfn.executeChangeSet(first.id, 's');
    aws.cfn.settle();
    const again = await create('UPDATE', 'two');
    const done = await cfn.waitForChangeSet(again.id, 's', fast);
    expect(done.status).toBe('FAILED');
    expect(done.statusReason).toMatch(/didn't contain changes/);
  });

  it('stops with WaitAborted when its signal aborts, leaving the change set', async () => {
    const { cfn, create } = await world(Number.MAX_SAFE_INTEGER);
    const cs = await create('CREATE', 'one');
    const controller = new AbortController();
    const waiting = cfn.waitForChangeSet(cs.id, 's', { ...fast, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toBeInstanceOf(WaitAborted);
  });

  it('gives up with ChangeSetTimeout after maxWaitSeconds', async () => {
    const { cfn, create } = await world(Number.MAX_SAFE_INTEGER);
    const cs = await create('CREATE', 'one');
    await expect(cfn.waitForChangeSet(cs.id, 's', { maxWaitSeconds: 0.05, minDelaySeconds: 0.001, maxDelaySeconds: 0.01 })).rejects.toMatchObject({
      code: 'ChangeSetTimeout',
    });
  });
});
