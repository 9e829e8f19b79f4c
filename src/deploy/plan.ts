/**
 * What a deploy has to do, decided from what is deployed without calling anything: nothing, upload the code
 * straight to Lambda, or go through a change set. `deployStack` reads the facts (lazily, so a no-op deploy stays
 * three reads), asks `planDeploy`, and carries the plan out.
 */

/** Stack statuses whose deployed template and parameters are a trustworthy record of the last deploy. */
const COMPARABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

export interface DeployFacts {
  /** The stack once settled; undefined when it has to be created. */
  readonly stack?: { readonly status: string; readonly parameters: Readonly<Record<string, string>> };
  /** Parameter values this deploy sets (the others keep their deployed values). */
  readonly desired: Readonly<Record<string, string>>;
  readonly templateSha256: string;
  /** Hex SHA-256 of the deployed template text; read only when `mayCompareTemplate`. */
  readonly deployedTemplateSha256?: string;
  /** Base64 SHA-256 of the deployed function's code (Lambda's `CodeSha256`); read only when `needsFunction`. */
  readonly functionCodeSha256?: string;
  /** Base64 SHA-256 of the code to deploy. */
  readonly codeSha256: string;
  /** False for `--no-execute`: show what would happen, change nothing. */
  readonly execute: boolean;
}

export type NoChangeReason = 'template, parameters and code hash unchanged' | 'change set empty';

export type DeployPlan =
  /** `codeDiffers`: CloudFormation has nothing to do and the code differs, but `--no-execute` was given. */
  | { readonly kind: 'no-changes'; readonly reason: NoChangeReason; readonly codeDiffers?: boolean }
  /** Upload the code to Lambda; CloudFormation has nothing to do. */
  | { readonly kind: 'code-only'; readonly reason: 'template and parameters unchanged, code changed' | 'change set empty, code changed' }
  /** Only the code differs, and `--no-execute` was given. */
  | { readonly kind: 'code-only-preview'; readonly reason: 'code only (not executed)' }
  | { readonly kind: 'change-set'; readonly type: 'CREATE' | 'UPDATE'; readonly reason: 'template changed' | 'parameters changed' };

/** Whether the deployed template is worth reading: the stack is in a state a deploy may leave as it is. */
export function mayCompareTemplate(facts: Pick<DeployFacts, 'stack'>): boolean {
  return facts.stack !== undefined && COMPARABLE.has(facts.stack.status);
}

/** Template text and every parameter this deploy sets are as deployed. */
export function sameConfiguration(facts: DeployFacts): boolean {
  const stack = facts.stack;
  if (!stack || !mayCompareTemplate(facts) || facts.deployedTemplateSha256 !== facts.templateSha256) return false;
  return Object.entries(facts.desired).every(([k, v]) => stack.parameters[k] === v);
}

/** Whether the deployed function's code hash is needed to decide: only when CloudFormation may be skipped. */
export function needsFunction(facts: DeployFacts): boolean {
  return sameConfiguration(facts);
}

export function planDeploy(facts: DeployFacts): DeployPlan {
  if (sameConfiguration(facts) && facts.functionCodeSha256 !== undefined) {
    if (facts.functionCodeSha256 === facts.codeSha256) return { kind: 'no-changes', reason: 'template, parameters and code hash unchanged' };
    if (!facts.execute) return { kind: 'code-only-preview', reason: 'code only (not executed)' };
    return { kind: 'code-only', reason: 'template and parameters unchanged, code changed' };
  }
  return {
    kind: 'change-set',
    type: facts.stack ? 'UPDATE' : 'CREATE',
    reason: facts.deployedTemplateSha256 !== undefined && facts.deployedTemplateSha256 === facts.templateSha256 ? 'parameters changed' : 'template changed',
  };
}

/**
 * After CloudFormation answered an update's change set with "no changes": the code alone may still differ.
 * `functionCodeSha256` is undefined when the stack has no function.
 */
export function planAfterEmptyChangeSet(functionCodeSha256: string | undefined, codeSha256: string, execute: boolean): DeployPlan {
  const differs = functionCodeSha256 !== undefined && functionCodeSha256 !== codeSha256;
  if (differs && execute) return { kind: 'code-only', reason: 'change set empty, code changed' };
  return { kind: 'no-changes', reason: 'change set empty', codeDiffers: differs };
}
