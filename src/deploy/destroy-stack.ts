/**
 * Deleting the stack, as a plain function. The user pool (and its client) outlive the stack through their
 * DeletionPolicy (RetainExceptOnCreate); deleting the pool too is a separate, explicitly confirmed step.
 */
import { accountOfStackId } from './artifact-bucket.js';
import { artifactBucketName } from './assets.js';
import type { CloudFormationApi } from '../aws/cloudformation.js';
import type { CognitoAdminApi } from '../aws/cognito-admin.js';
import type { Clock } from '../core/context.js';
import { UserError, interruptedError } from '../core/errors.js';
import type { DeploySink } from './deploy-stack.js';
import { Interrupted, eventMark, firstFailure, isTerminal, watchStack } from './events.js';
import { LOGICAL_IDS, OUTPUTS } from './template.js';

export interface DestroyStackOptions {
  readonly stackName: string;
  readonly region: string;
  /** Skip the confirmations. Default false. */
  readonly yes?: boolean;
  /** Delete the retained user pool too (its users are lost). Default false. */
  readonly deleteUserPool?: boolean;
  /** Time between status polls. Default 2 s. */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

export interface DestroyStackDeps {
  readonly cfn: CloudFormationApi;
  readonly cognitoAdmin: () => Promise<CognitoAdminApi>;
  readonly clock: Clock;
  /** Asks the user; throws when nobody can answer. Not called with `yes`. */
  readonly confirm: (message: string) => Promise<boolean>;
  readonly emit: DeploySink;
}

export interface DestroyStackResult {
  outcome: 'deleted' | 'not-found';
  userPoolId?: string;
  /** Users the pool held when it was deleted (with deleteUserPool). */
  users?: number;
  userPoolDeleted: boolean;
}

export async function destroyStack(options: DestroyStackOptions, deps: DestroyStackDeps): Promise<DestroyStackResult> {
  const { stackName, region } = options;
  const stack = await deps.cfn.describeStack(stackName);
  if (!stack) {
    deps.emit({ type: 'info', message: `There is no stack ${stackName} in ${region}: nothing to delete.` });
    return { outcome: 'not-found', userPoolDeleted: false };
  }
  if (!isTerminal(stack.status)) {
    throw new UserError('deployment', `Stack ${stackName} is busy (${stack.status}); it cannot be deleted now.`, {
      code: 'StackBusy',
      hint: `Wait for it to finish (authstack status --stack ${stackName}), then run authstack destroy again`,
    });
  }
  // Without --delete-user-pool the pool's id is only for the messages: a failed lookup must not stop the delete.
  const lookup = () => deps.cfn.physicalId(stack.stackId, LOGICAL_IDS.userPool);
  const userPoolId = stack.outputs[OUTPUTS.userPoolId] ?? (await (options.deleteUserPool ? lookup() : lookup().catch(() => undefined)));
  const pool = options.deleteUserPool && userPoolId ? await (await deps.cognitoAdmin()).describeUserPool(userPoolId) : undefined;

  if (!options.yes) {
    const keep = userPoolId && !options.deleteUserPool ? ` The user pool ${userPoolId} and its users are kept.` : '';
    if (!(await deps.confirm(`Delete stack ${stackName} in ${region}?${keep}`))) {
      throw new UserError('aborted', 'Nothing was deleted.', { code: 'Declined' });
    }
    if (pool && !(await deps.confirm(`Also delete the user pool ${pool.id} and the ${users(pool.estimatedUsers)} in it? This cannot be undone.`))) {
      throw new UserError('aborted', 'Nothing was deleted.', {
        code: 'Declined',
        hint: 'Run without --delete-user-pool to delete the stack and keep the pool',
      });
    }
  }

  const mark = await eventMark(deps.cfn, stack.stackId);
  await deps.cfn.deleteStack(stack.stackId);
  deps.emit({ type: 'operation-start', stackName, operation: 'delete', resources: 0 });
  let result: Awaited<ReturnType<typeof watchStack>>;
  try {
    result = await watchStack({
      cfn: deps.cfn,
      stack: stack.stackId,
      since: mark.since,
      seen: mark.seen,
      clock: deps.clock,
      pollIntervalMs: options.pollIntervalMs ?? 2000,
      signal: options.signal,
      onEvent: (event) => deps.emit({ type: 'stack-event', event }),
    });
  } catch (err) {
    if (err instanceof Interrupted) {
      throw interruptedError(
        'Stopped watching: the deletion goes on in CloudFormation without authstack.',
        `Follow it with "authstack status --stack ${stackName}"`,
      );
    }
    throw err;
  }
  deps.emit({ type: 'operation-end', status: result.status, ok: result.status === 'DELETE_COMPLETE' });
  if (result.status !== 'DELETE_COMPLETE') {
    const failure = firstFailure(result.events);
    throw new UserError(
      'deployment',
      `Could not delete stack ${stackName} (${result.status})${failure ? `: ${failure.logicalId}: ${failure.reason ?? 'no reason given'}` : ''}.`,
      {
        code: 'DeleteFailed',
        hint: 'Fix or remove that resource by hand, then run authstack destroy again',
      },
    );
  }
  // The artifact bucket is no part of the stack: every stack of the account and region shares it, as SAM's
  // managed bucket, so a destroy never deletes it (nor a zip another stack may still run).
  const account = accountOfStackId(stack.stackId);
  deps.emit({
    type: 'info',
    message: `The artifact bucket ${account ? artifactBucketName(account, region) : `authstack-assets-<account>-${region}`} was kept: it holds the code of every authstack stack in this account and region.`,
  });

  if (!pool) {
    if (userPoolId) {
      deps.emit({
        type: 'info',
        message: `The user pool ${userPoolId} was kept, with its users (its DeletionPolicy keeps it). To delete it too: turn off its deletion protection, then aws cognito-idp delete-user-pool --user-pool-id ${userPoolId} --region ${region}.`,
      });
    }
    return { outcome: 'deleted', userPoolId, userPoolDeleted: false };
  }
  const cognito = await deps.cognitoAdmin();
  if (pool.deletionProtection === 'ACTIVE') await cognito.disableDeletionProtection(pool.id);
  await cognito.deleteUserPool(pool.id);
  deps.emit({ type: 'info', message: `Deleted the user pool ${pool.id} and the ${users(pool.estimatedUsers)} in it.` });
  return { outcome: 'deleted', userPoolId, users: pool.estimatedUsers, userPoolDeleted: true };
}

function users(n: number): string {
  return n === 1 ? '1 user' : `${n} users`;
}
