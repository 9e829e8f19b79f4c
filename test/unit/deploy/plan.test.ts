/** The deploy plan, decided from the facts alone: no AWS, no clock. */
import { describe, expect, it } from 'vitest';
import { mayCompareTemplate, needsFunction, planAfterEmptyChangeSet, planDeploy, type DeployFacts } from '../../../src/deploy/plan.js';

const deployed: DeployFacts = {
  stack: { status: 'UPDATE_COMPLETE', parameters: { StageName: 'prod', LogRetentionInDays: '7' } },
  desired: { StageName: 'prod' },
  templateSha256: 't1',
  deployedTemplateSha256: 't1',
  functionCodeSha256: 'c1',
  codeSha256: 'c1',
  execute: true,
};

describe('planDeploy', () => {
  it('does nothing when template, the parameters set and the code hash all match what is deployed', () => {
    expect(planDeploy(deployed)).toEqual({ kind: 'no-changes', reason: 'template, parameters and code hash unchanged' });
  });

  it('uploads the code alone when only the code hash differs, and only previews that with --no-execute', () => {
    expect(planDeploy({ ...deployed, codeSha256: 'c2' })).toEqual({ kind: 'code-only', reason: 'template and parameters unchanged, code changed' });
    expect(planDeploy({ ...deployed, codeSha256: 'c2', execute: false })).toEqual({ kind: 'code-only-preview', reason: 'code only (not executed)' });
  });

  it('goes through an UPDATE change set when a parameter this deploy sets differs, naming parameters as the reason', () => {
    expect(planDeploy({ ...deployed, desired: { StageName: 'beta' } })).toEqual({ kind: 'change-set', type: 'UPDATE', reason: 'parameters changed' });
  });

  it('ignores parameters this deploy does not set (they keep their deployed values)', () => {
    expect(planDeploy({ ...deployed, desired: {} }).kind).toBe('no-changes');
  });

  it('goes through a change set when the template text differs, naming the template as the reason', () => {
    expect(planDeploy({ ...deployed, templateSha256: 't2' })).toEqual({ kind: 'change-set', type: 'UPDATE', reason: 'template changed' });
  });

  it('creates the stack when there is none', () => {
    expect(planDeploy({ desired: {}, templateSha256: 't1', codeSha256: 'c1', execute: true })).toEqual({ kind: 'change-set', type: 'CREATE', reason: 'template changed' });
  });

  it('never skips CloudFormation for a stack whose last update rolled back, even with matching hashes', () => {
    const rolledBack = { ...deployed, stack: { ...deployed.stack!, status: 'UPDATE_ROLLBACK_COMPLETE' } };
    expect(mayCompareTemplate(rolledBack)).toBe(false);
    expect(planDeploy(rolledBack)).toMatchObject({ kind: 'change-set', type: 'UPDATE' });
  });

  it('goes through a change set when the stack has no function to compare the code with', () => {
    expect(planDeploy({ ...deployed, functionCodeSha256: undefined })).toMatchObject({ kind: 'change-set', type: 'UPDATE', reason: 'parameters changed' });
  });
});

describe('which facts the plan needs', () => {
  it('reads the deployed template only for a stack in a state a deploy may leave alone', () => {
    expect(mayCompareTemplate({ stack: { status: 'CREATE_COMPLETE', parameters: {} } })).toBe(true);
    expect(mayCompareTemplate({ stack: undefined })).toBe(false);
  });

  it('reads the function only once template and parameters are known to match', () => {
    expect(needsFunction({ ...deployed, functionCodeSha256: undefined })).toBe(true);
    expect(needsFunction({ ...deployed, deployedTemplateSha256: undefined })).toBe(false);
    expect(needsFunction({ ...deployed, desired: { StageName: 'beta' } })).toBe(false);
  });
});

describe('planAfterEmptyChangeSet', () => {
  it('uploads the code when CloudFormation has nothing to change but the code differs', () => {
    expect(planAfterEmptyChangeSet('c1', 'c2', true)).toEqual({ kind: 'code-only', reason: 'change set empty, code changed' });
  });

  it('changes nothing with --no-execute, saying the code differs', () => {
    expect(planAfterEmptyChangeSet('c1', 'c2', false)).toEqual({ kind: 'no-changes', reason: 'change set empty', codeDiffers: true });
  });

  it('changes nothing when the code matches or there is no function', () => {
    expect(planAfterEmptyChangeSet('c1', 'c1', true)).toEqual({ kind: 'no-changes', reason: 'change set empty', codeDiffers: false });
    expect(planAfterEmptyChangeSet(undefined, 'c1', true)).toEqual({ kind: 'no-changes', reason: 'change set empty', codeDiffers: false });
  });
});
