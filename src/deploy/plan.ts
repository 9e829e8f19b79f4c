/**
 * What a deploy has to do, decided from what is deployed without calling anything: nothing, or a change set.
 * The template names each function's zip by its hash, so the deployed template text and parameters are the whole
 * record of the last deploy, code included: `deployStack` reads them (two calls) and asks `planDeploy`.
 */
import type { CfnTemplate } from './template.js';

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
  /**
   * The functions (logical ids) whose `Code` alone differs between the deployed template and this one, when that is
   * the template's only difference; undefined otherwise.
   */
  readonly codeOnly?: readonly string[];
}

type NoChangeReason = 'template and parameters unchanged' | 'change set empty';

export type DeployPlan =
  | { readonly kind: 'no-changes'; readonly reason: NoChangeReason }
  | {
      readonly kind: 'change-set';
      readonly type: 'CREATE' | 'UPDATE';
      readonly reason: 'template changed' | 'parameters changed' | 'code changed';
      readonly functions?: readonly string[];
    };

/** Whether the deployed template is worth reading: the stack is in a state a deploy may leave as it is. */
export function mayCompareTemplate(facts: Pick<DeployFacts, 'stack'>): boolean {
  return facts.stack !== undefined && COMPARABLE.has(facts.stack.status);
}

function sameParameters(facts: DeployFacts): boolean {
  const stack = facts.stack;
  return stack !== undefined && Object.entries(facts.desired).every(([k, v]) => stack.parameters[k] === v);
}

/** Template text and every parameter this deploy sets are as deployed. */
function sameConfiguration(facts: DeployFacts): boolean {
  return mayCompareTemplate(facts) && facts.deployedTemplateSha256 === facts.templateSha256 && sameParameters(facts);
}

export function planDeploy(facts: DeployFacts): DeployPlan {
  if (sameConfiguration(facts)) return { kind: 'no-changes', reason: 'template and parameters unchanged' };
  if (!facts.stack) return { kind: 'change-set', type: 'CREATE', reason: 'template changed' };
  if (facts.deployedTemplateSha256 !== undefined && facts.deployedTemplateSha256 === facts.templateSha256)
    return { kind: 'change-set', type: 'UPDATE', reason: 'parameters changed' };
  if (facts.codeOnly && facts.codeOnly.length > 0 && sameParameters(facts))
    return { kind: 'change-set', type: 'UPDATE', reason: 'code changed', functions: facts.codeOnly };
  return { kind: 'change-set', type: 'UPDATE', reason: 'template changed' };
}

/**
 * The functions whose `Code` is the only difference between two templates (nothing else differs, in any section),
 * or undefined when anything else differs. An empty list: the templates are equal.
 */
export function codeOnlyDifference(deployed: CfnTemplate, next: CfnTemplate): string[] | undefined {
  const withoutCode = (t: CfnTemplate) =>
    JSON.stringify({
      ...t,
      Resources: Object.fromEntries(
        Object.entries(t.Resources)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([id, r]) => [id, r.Type === 'AWS::Lambda::Function' ? { ...r, Properties: { ...r.Properties, Code: null } } : r]),
      ),
    });
  if (withoutCode(deployed) !== withoutCode(next)) return undefined;
  return Object.entries(next.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties?.Code) !== JSON.stringify(deployed.Resources[id]?.Properties?.Code))
    .map(([id]) => id);
}
