/** The deploy plan, decided from the facts alone: no AWS, no clock. */
import { describe, expect, it } from 'vitest';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { codeOnlyDifference, mayCompareTemplate, planDeploy, type DeployFacts } from '../../../src/deploy/plan.js';
import { generatedTemplate } from '../../helpers/template.js';

const deployed: DeployFacts = {
  stack: { status: 'UPDATE_COMPLETE', parameters: { StageName: 'prod', LogRetentionInDays: '7' } },
  desired: { StageName: 'prod' },
  templateSha256: 't1',
  deployedTemplateSha256: 't1',
};

describe('planDeploy', () => {
  it('does nothing when the template (which names every zip by its hash) and the parameters set match what is deployed', () => {
    expect(planDeploy(deployed)).toEqual({ kind: 'no-changes', reason: 'template and parameters unchanged' });
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

  it('names the functions when only their code differs: still a change set, through CloudFormation', () => {
    expect(planDeploy({ ...deployed, templateSha256: 't2', codeOnly: ['Function'] })).toEqual({
      kind: 'change-set',
      type: 'UPDATE',
      reason: 'code changed',
      functions: ['Function'],
    });
    // The code and a parameter: a plain update.
    expect(planDeploy({ ...deployed, templateSha256: 't2', codeOnly: ['Function'], desired: { StageName: 'beta' } })).toMatchObject({
      reason: 'template changed',
    });
  });

  it('creates the stack when there is none', () => {
    expect(planDeploy({ desired: {}, templateSha256: 't1' })).toEqual({ kind: 'change-set', type: 'CREATE', reason: 'template changed' });
  });

  it('never skips CloudFormation for a stack whose last update rolled back, even with matching hashes', () => {
    const rolledBack = { ...deployed, stack: { ...deployed.stack!, status: 'UPDATE_ROLLBACK_COMPLETE' } };
    expect(mayCompareTemplate(rolledBack)).toBe(false);
    expect(planDeploy(rolledBack)).toMatchObject({ kind: 'change-set', type: 'UPDATE' });
  });
});

describe('which facts the plan needs', () => {
  it('reads the deployed template only for a stack in a state a deploy may leave alone', () => {
    expect(mayCompareTemplate({ stack: { status: 'CREATE_COMPLETE', parameters: {} } })).toBe(true);
    expect(mayCompareTemplate({ stack: undefined })).toBe(false);
  });
});

describe('codeOnlyDifference', () => {
  const model = buildStackModel();
  const two = { ...model, functions: [...model.functions, { ...model.functions[0]!, id: 'worker' }] };

  it('names the one function whose zip changed, when nothing else in the template did', () => {
    expect(codeOnlyDifference(generatedTemplate(model, 'a'.repeat(64)).template, generatedTemplate(model, 'b'.repeat(64)).template)).toEqual(['Function']);
    expect(codeOnlyDifference(generatedTemplate(model).template, generatedTemplate(model).template)).toEqual([]);
  });

  it('is undefined when anything but the code differs (a setting, a route, a new function)', () => {
    const a = generatedTemplate(model, 'a'.repeat(64)).template;
    expect(
      codeOnlyDifference(a, generatedTemplate(buildStackModel({ memorySize: 512, corsOrigin: 'https://app.example.com' }), 'b'.repeat(64)).template),
    ).toBeUndefined();
    expect(
      codeOnlyDifference(
        a,
        generatedTemplate({ ...model, routes: [...model.routes, { method: 'GET', path: '/x', functionId: 'api' }] }, 'a'.repeat(64)).template,
      ),
    ).toBeUndefined();
    expect(codeOnlyDifference(a, generatedTemplate(two, 'a'.repeat(64)).template)).toBeUndefined();
  });
});
