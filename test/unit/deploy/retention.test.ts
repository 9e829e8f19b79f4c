/**
 * What happens to the user pool (and its client) in each way a stack can lose it, against the fake account,
 * which applies DeletionPolicy and UpdateReplacePolicy as CloudFormation does: behaviour, not template text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deployTemplate, deployWorld, testTemplate, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const stack = () => w.aws.cfn.get('authstack');
const poolOf = () => stack()!.resources.get('UserPool')!.physicalId;

describe('the user pool is never leaked and never lost', () => {
  it('a failed first create leaves no user pool behind, nor does the delete-and-create that follows', async () => {
    w = await deployWorld({ usersPerPool: 0 });
    w.aws.cfn.failures.set('Function', 'Resource handler returned message: "boom"');
    const failed = await w.deploy();
    expect(failed.code).toBe(1);
    expect(stack()!.status).toBe('ROLLBACK_COMPLETE');
    expect([...w.aws.pools.keys()]).toEqual([]);

    w.aws.cfn.failures.clear();
    const again = await w.deploy();
    expect(again.code).toBe(0);
    expect([...w.aws.pools.keys()]).toEqual([poolOf()]);
  });

  it('a replacement (allowed with --allow-user-pool-replacement) keeps the old pool with its users', async () => {
    w = await deployWorld({ usersPerPool: 3 });
    await w.deploy();
    const oldPool = poolOf();
    w.aws.cfn.replacementOverrides.set('UserPool', 'True');
    const r = await w.deploy(['--stage', 'v2', '--allow-user-pool-replacement']);
    expect(r.code).toBe(0);
    expect(poolOf()).not.toBe(oldPool);
    expect(w.aws.pools.get(oldPool)).toMatchObject({ users: 3 });
    expect(w.aws.pools.has(poolOf())).toBe(true);
  });

  it('removing the pool and its client from the template keeps both', async () => {
    w = await deployWorld({ usersPerPool: 2 });
    await w.deploy();
    const oldPool = poolOf();
    const { template } = testTemplate();
    // The same template without the pool and the client; what referred to them gets fixed values.
    const { UserPool: _pool, UserPoolClient: _client, ...resources } = template.Resources;
    const { UserPoolId: _id, UserPoolClientId: _clientId, ...outputs } = template.Outputs ?? {};
    const without = JSON.parse(JSON.stringify({ ...template, Resources: resources, Outputs: outputs }).replace(/\{"Ref":"UserPool(Client)?"\}/g, '"external"'));
    const { result, events } = await deployTemplate(w.aws, JSON.stringify(without), { allowUserPoolReplacement: true });
    const stackEvents = events.flatMap((e) => (e.type === 'stack-event' ? [`${e.event.logicalId} ${e.event.status}`] : []));
    expect(result.outcome).toBe('updated');
    expect(stack()!.resources.has('UserPool')).toBe(false);
    expect(w.aws.pools.get(oldPool)).toMatchObject({ users: 2 });
    expect(stackEvents).toEqual(expect.arrayContaining(['UserPool DELETE_SKIPPED', 'UserPoolClient DELETE_SKIPPED']));
  });
});
