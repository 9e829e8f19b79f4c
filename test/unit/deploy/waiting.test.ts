/** Waiting: CloudFormation brings the code with the function (no Lambda waits of ours), and no abort listener leaks. */
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../../src/core/clock.js';
import { deployTemplate, deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

describe('the code arrives with the function', () => {
  it('a create and a code change leave the waiting to CloudFormation: no Lambda call, however long the function stays Pending', async () => {
    w = await deployWorld({ functionActivePolls: 3 });
    expect((await w.deploy([], { code: 'code v1' })).code).toBe(0);
    expect((await w.deploy([], { code: 'code v2' })).code).toBe(0);
    expect(w.aws.count('lambda')).toBe(0);
    expect(w.aws.cfn.get('authstack')!.status).toBe('UPDATE_COMPLETE');
  });
});

describe('long waits', () => {
  it('a deploy polling a busy stack many times adds no abort listener per poll (no MaxListenersExceededWarning)', async () => {
    w = await deployWorld();
    await w.deploy();
    w.aws.cfn.startOtherOperation('authstack', 60);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const controller = new AbortController();
    try {
      const { result } = await deployTemplate(w.aws, undefined, { signal: controller.signal, parameters: { StageName: 'v2' } }, realClock);
      expect(result.outcome).toBe('updated');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    expect(w.aws.count('cloudformation', 'DescribeStacks')).toBeGreaterThan(20);
  });
});
