/** Waiting: for Lambda's function states before and after the upload, and without leaking abort listeners. */
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../../src/core/clock.js';
import { deployTemplate, deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

describe('code upload and Lambda function states', () => {
  it('waits for a new function to become Active before uploading, then for its update to be Successful', async () => {
    w = await deployWorld({ functionActivePolls: 3, functionUpdatePolls: 2 });
    const r = await w.deploy();
    expect(r.code, r.stderr).toBe(0);
    const fn = [...w.aws.functions.values()][0]!;
    expect(fn).toMatchObject({ state: 'Active', lastUpdateStatus: 'Successful' });
    expect(w.aws.count('lambda', 'UpdateFunctionCode')).toBe(1);
    // Three Pending answers, the Active one, then two InProgress and the Successful one.
    expect(w.aws.count('lambda', 'GetFunction')).toBeGreaterThanOrEqual(6);
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
