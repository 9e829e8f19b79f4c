/** What deploy says in the change table, the user pool guard and a refusal without a terminal. */
import { afterEach, describe, expect, it } from 'vitest';
import { changeRows, replacementRefused } from '../../../src/deploy/change-set.js';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

describe('deploy wording', () => {
  it('shows an empty Replacement as nothing, not "False"', () => {
    expect(changeRows([{ action: 'Modify', logicalId: 'Function', resourceType: 'AWS::Lambda::Function', replacement: '' }])[0]![3]).toBe('');
    expect(changeRows([{ action: 'Modify', logicalId: 'Function', resourceType: 'AWS::Lambda::Function', replacement: 'False' }])[0]![3]).toBe('False');
  });

  it('the guard names users only when the pool itself would be lost', () => {
    const client = replacementRefused('s', [{ action: 'Remove', logicalId: 'UserPoolClient', resourceType: 'AWS::Cognito::UserPoolClient', replacement: '' }]);
    expect(client.message).toBe('Refused: this deploy would lose UserPoolClient (removed) of stack s, and the client id every caller uses with it.');
    const pool = replacementRefused('s', [{ action: 'Modify', logicalId: 'UserPool', resourceType: 'AWS::Cognito::UserPool', replacement: 'True' }]);
    expect(pool.message).toBe('Refused: this deploy would lose UserPool (replaced) of stack s, and the users in it with it.');
  });

  it('a refusal without a terminal before any change set was shown does not point at one', async () => {
    w = await deployWorld();
    w.aws.cfn.failures.set('Function', 'boom');
    await w.deploy();
    w.aws.cfn.failures.clear();
    const r = await w.run(['deploy', '--zip', await w.zip(), '--poll-interval', '1ms']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Delete the empty stack authstack and create it again?');
    expect(r.stderr).not.toMatch(/change set/i);
  });
});
