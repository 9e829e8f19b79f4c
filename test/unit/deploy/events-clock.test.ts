/** Stack events are told apart by CloudFormation's clock, and destroy is not stopped by a lookup for a message. */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeError } from '../../helpers/fake-aws/errors.js';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const REASON = 'Resource handler returned message: "Code storage limit exceeded"';

describe("events by CloudFormation's clock", () => {
  it("a failed create names its cause even when this machine's clock runs 15 minutes ahead of CloudFormation's", async () => {
    w = await deployWorld({ now: () => Date.now() - 15 * 60_000 });
    w.aws.cfn.failures.set('Function', REASON);
    const r = await w.deploy();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Function (AWS::Lambda::Function) CREATE_FAILED: ${REASON}`);
  });

  it('the events of a delete are shown when the clocks differ, and none of the create before it', async () => {
    w = await deployWorld({ now: () => Date.now() + 15 * 60_000 });
    await w.deploy();
    const r = await w.run(['destroy', '--yes', '--poll-interval', '1ms']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Function\s.*DELETE_COMPLETE|DELETE_COMPLETE.*Function/);
    expect(r.stderr).not.toContain('CREATE_COMPLETE');
  });
});

describe('authstack destroy', () => {
  it('deletes the stack even when looking up the pool id, needed only for a message, fails', async () => {
    w = await deployWorld();
    await w.deploy();
    const s = w.aws.cfn.get('authstack')!;
    delete s.template.Outputs!.UserPoolId;
    const handle = w.aws.handle.bind(w.aws);
    w.aws.handle = (service, operation, input) => {
      if (operation === 'DescribeStackResource') throw fakeError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStackResource', 403);
      return handle(service, operation, input);
    };
    const r = await w.run(['destroy', '--yes', '--poll-interval', '1ms']);
    expect(r.code, r.stderr).toBe(0);
    expect(w.aws.count('cloudformation', 'DeleteStack')).toBe(1);
    expect(w.aws.cfn.get('authstack')).toBeUndefined();
  });
});
