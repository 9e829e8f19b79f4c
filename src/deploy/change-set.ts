/** What a change set would do, and whether it may: the user pool replacement guard. */
import type { ResourceChange } from '../aws/cloudformation.js';
import { UserError, EXIT } from '../core/errors.js';
import { LOGICAL_IDS, USER_POOL_LOGICAL_IDS } from './template.js';

/**
 * The changes that would lose the user pool or its client: a Remove, or a Modify that replaces (or may
 * replace) the resource. Either way the users' accounts, or every caller's client id, would be gone.
 */
export function dangerousChanges(changes: readonly ResourceChange[], protectedIds: readonly string[] = USER_POOL_LOGICAL_IDS): ResourceChange[] {
  return changes.filter(
    (c) =>
      protectedIds.includes(c.logicalId) && (c.action === 'Remove' || (c.action === 'Modify' && (c.replacement === 'True' || c.replacement === 'Conditional'))),
  );
}

export function replacementRefused(stackName: string, risky: readonly ResourceChange[]): UserError {
  const what = risky.map((c) => `${c.logicalId} (${c.action === 'Remove' ? 'removed' : c.replacement === 'True' ? 'replaced' : 'may be replaced'})`).join(', ');
  // Users live in the pool; the client holds only the id every caller uses.
  const lost = [
    ...(risky.some((c) => c.logicalId === LOGICAL_IDS.userPool) ? ['the users in it'] : []),
    ...(risky.some((c) => c.logicalId === LOGICAL_IDS.userPoolClient) ? ['the client id every caller uses'] : []),
  ];
  return new UserError('refused', `Refused: this deploy would lose ${what} of stack ${stackName}${lost.length ? `, and ${lost.join(' and ')} with it` : ''}.`, {
    code: 'UserPoolReplacement',
    exitCode: EXIT.refused,
    hint: 'Undo the change that forces it, or pass --allow-user-pool-replacement if losing them is intended',
    details: { resources: risky.map((c) => c.logicalId) },
  });
}

/** Rows for the change set table: action, logical id, type, replacement (as CloudFormation says it; empty stays empty). */
export function changeRows(changes: readonly ResourceChange[]): string[][] {
  return changes.map((c) => [c.action, c.logicalId, c.resourceType, c.action === 'Modify' ? c.replacement : '']);
}
