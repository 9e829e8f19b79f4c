import { afterEach, describe, expect, it } from 'vitest';
import { deployWorld, type DeployWorld } from '../deploy/helpers.js';

/**
 * A deploy interrupted by the network, through the public `authstack deploy` command and real SDK clients answered by
 * the fake AWS account: a connection reset is retried by the SDK; when the network stays down, the deploy stops with
 * one line saying what to run next, and running it once the network is back finishes the job with nothing lost.
 */
let w: DeployWorld;
afterEach(async () => w?.cleanup());

/** What Node's HTTP stack throws when a connection dies mid-request. */
function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/**
 * Makes calls of `operation` (or of every operation, `*`) fail as a reset connection would, `times` times, once
 * `after` has been called. The failure is thrown where the HTTP answer would be read, inside the SDK's retry loop.
 */
function breakNetwork(world: DeployWorld, options: { operation: string; times: number; after?: string }): { failures(): number } {
  const aws = world.aws;
  const original = aws.handle.bind(aws);
  let armed = options.after === undefined;
  let left = options.times;
  let failures = 0;
  aws.handle = (service: string, operation: string, input: unknown) => {
    if (armed && left > 0 && (options.operation === '*' || options.operation === operation)) {
      left--;
      failures++;
      aws.calls.push({ service, operation, input });
      throw connectionReset();
    }
    const out = original(service, operation, input);
    if (operation === options.after) armed = true;
    return out;
  };
  return { failures: () => failures };
}

const status = () => w.aws.cfn.get('authstack')?.status;

describe('a deploy interrupted by a network failure', () => {
  it('is retried by the SDK when the connection resets, and the deploy completes', async () => {
    w = await deployWorld();
    const net = breakNetwork(w, { operation: 'DescribeStacks', times: 2, after: 'ExecuteChangeSet' });
    const r = await w.deploy();
    expect(r.code, r.stderr).toBe(0);
    expect(net.failures()).toBe(2);
    expect(status()).toBe('CREATE_COMPLETE');
  }, 30_000);

  it('when the network stays down, stops with one line saying what to run next; running it finishes the deploy', async () => {
    w = await deployWorld();
    const net = breakNetwork(w, { operation: '*', times: Number.POSITIVE_INFINITY, after: 'ExecuteChangeSet' });
    const r = await w.deploy();
    expect(r.code).toBe(1);
    expect(net.failures()).toBeGreaterThanOrEqual(5);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^error: /);
    expect(last).toMatch(/^error: Cannot reach the AWS endpoint .*\(ECONNRESET\)\. Check your network .*run the command again: it is safe to repeat\.$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    // The network comes back; CloudFormation carried on meanwhile. What the error said to run finishes the job.
    w.aws.handle = Object.getPrototypeOf(w.aws).handle.bind(w.aws);
    const again = await w.deploy();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('is busy (CREATE_IN_PROGRESS); waiting');
    expect(status()).toBe('CREATE_COMPLETE');
    expect(w.aws.count('cloudformation', 'ExecuteChangeSet')).toBeLessThanOrEqual(2);
  }, 60_000);
});
