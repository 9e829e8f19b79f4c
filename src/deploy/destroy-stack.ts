/**
 * Deleting the stack, as a plain function. The user pool (and its client) outlive the stack through their
 * DeletionPolicy (RetainExceptOnCreate), and so does the pictures bucket (Retain); deleting either too is a
 * separate, explicitly confirmed step, taken once the stack is gone.
 */
import { accountOfStackId } from './artifact-bucket.js';
import { artifactBucketName } from './assets.js';
import type { CloudFormationApi } from '../aws/cloudformation.js';
import type { CognitoAdminApi } from '../aws/cognito-admin.js';
import { S3_BATCH, type S3Api } from '../aws/s3.js';
import type { Clock } from '../core/context.js';
import { UserError, interruptedError } from '../core/errors.js';
import type { DeploySink } from './deploy-stack.js';
import { Interrupted, eventMark, firstFailure, isTerminal, watchStack } from './events.js';
import { LOGICAL_IDS, OUTPUTS } from './template.js';
import { PICTURES_IDS } from './template/pictures.js';

/** The output naming the pictures bucket (a stack with pictures on). */
const PICTURES_BUCKET_OUTPUT = 'PicturesBucketName';
/** Pages of ListObjectVersions counted before asking; a bigger bucket is "more than" that many objects. */
const COUNT_PAGES = 10;

export interface DestroyStackOptions {
  readonly stackName: string;
  readonly region: string;
  /** Skip the confirmations. Default false. */
  readonly yes?: boolean;
  /** Delete the retained user pool too (its users are lost). Default false. */
  readonly deleteUserPool?: boolean;
  /** Empty and delete the retained pictures bucket too (the pictures are lost). Default false. */
  readonly deletePictures?: boolean;
  /** Time between status polls. Default 2 s. */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

export interface DestroyStackDeps {
  readonly cfn: CloudFormationApi;
  readonly cognitoAdmin: () => Promise<CognitoAdminApi>;
  readonly s3: () => Promise<S3Api>;
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
  /** The stack's pictures bucket, when it has one. */
  picturesBucket?: string;
  /** Object versions and delete markers removed from it (with deletePictures). */
  pictureObjects?: number;
  picturesDeleted: boolean;
}

/** Object versions and delete markers in a bucket, counted over at most `pages` pages. */
interface ObjectCount {
  count: number;
  /** False when there were more than the pages counted. */
  complete: boolean;
}

async function countObjects(s3: S3Api, bucket: string, owner: string, pages: number): Promise<ObjectCount> {
  let count = 0;
  let page = await s3.listObjectVersions(bucket, owner);
  for (let n = 1; ; n++) {
    count += page.versions.length;
    if (!page.next) return { count, complete: true };
    if (n >= pages) return { count, complete: false };
    page = await s3.listObjectVersions(bucket, owner, page.next);
  }
}

/**
 * Deletes every version and delete marker, a page of (up to) 1,000 at a time, then the bucket. Each round lists
 * from the start again: what the last round deleted is gone from the listing.
 */
async function emptyAndDeleteBucket(s3: S3Api, bucket: string, owner: string, region: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { versions } = await s3.listObjectVersions(bucket, owner);
    if (versions.length === 0) break;
    for (let i = 0; i < versions.length; i += S3_BATCH) {
      const batch = versions.slice(i, i + S3_BATCH);
      const failures = await s3.deleteObjects(bucket, owner, batch);
      deleted += batch.length - failures.length;
      const first = failures[0];
      if (first) {
        throw new UserError(
          'deployment',
          `Could not delete ${objects(failures.length)} of the pictures bucket ${bucket}: ${first.key}${first.versionId ? ` (version ${first.versionId})` : ''}: ${first.code}${first.message ? ` ${first.message}` : ''}.`,
          { code: 'DeleteFailed', hint: `The stack is deleted; to delete the bucket: ${deletePicturesCommands(bucket, region)}` },
        );
      }
    }
  }
  await s3.deleteBucket(bucket, owner);
  return deleted;
}

/** What deletes the bucket once the stack (and with it `authstack destroy`) is gone. */
function deletePicturesCommands(bucket: string, region: string): string {
  return `aws s3 rm s3://${bucket} --recursive --region ${region}, then aws s3 rb s3://${bucket} --region ${region}`;
}

export async function destroyStack(options: DestroyStackOptions, deps: DestroyStackDeps): Promise<DestroyStackResult> {
  const { stackName, region } = options;
  const stack = await deps.cfn.describeStack(stackName);
  if (!stack) {
    deps.emit({ type: 'info', message: `There is no stack ${stackName} in ${region}: nothing to delete.` });
    return { outcome: 'not-found', userPoolDeleted: false, picturesDeleted: false };
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
  // Buckets are named by their account, and each S3 call names it as the expected owner.
  const account = accountOfStackId(stack.stackId);
  const picturesBucket =
    stack.outputs[PICTURES_BUCKET_OUTPUT] ?? (options.deletePictures ? await deps.cfn.physicalId(stack.stackId, PICTURES_IDS.bucket) : undefined);
  let pictures: ObjectCount | undefined;
  if (options.deletePictures && picturesBucket) {
    if (!account) throw new UserError('deployment', `Cannot tell the account of stack ${stack.stackId}: the pictures bucket was not deleted, nor the stack.`);
    // Counted first: a bucket this identity may not list stops the destroy before anything is deleted.
    pictures = await countObjects(await deps.s3(), picturesBucket, account, COUNT_PAGES);
  }

  if (!options.yes) {
    const keep =
      (userPoolId && !options.deleteUserPool ? ` The user pool ${userPoolId} and its users are kept.` : '') +
      (picturesBucket && !pictures ? ` The pictures bucket ${picturesBucket} and its pictures are kept.` : '');
    if (!(await deps.confirm(`Delete stack ${stackName} in ${region}?${keep}`))) {
      throw new UserError('aborted', 'Nothing was deleted.', { code: 'Declined' });
    }
    if (pool && !(await deps.confirm(`Also delete the user pool ${pool.id} and the ${users(pool.estimatedUsers)} in it? This cannot be undone.`))) {
      throw new UserError('aborted', 'Nothing was deleted.', {
        code: 'Declined',
        hint: 'Run without --delete-user-pool to delete the stack and keep the pool',
      });
    }
    if (pictures && !(await deps.confirm(`Also delete the pictures bucket ${picturesBucket} and the ${objectCount(pictures)} in it? This cannot be undone.`))) {
      throw new UserError('aborted', 'Nothing was deleted.', {
        code: 'Declined',
        hint: 'Run without --delete-pictures to delete the stack and keep the pictures',
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
  deps.emit({
    type: 'info',
    message: `The artifact bucket ${account ? artifactBucketName(account, region) : `authstack-assets-<account>-${region}`} was kept: it holds the code of every authstack stack in this account and region.`,
  });

  const kept = await keptOrDeletedPictures(deps, { bucket: picturesBucket, account, region, remove: pictures !== undefined });

  if (!pool) {
    if (userPoolId) {
      deps.emit({
        type: 'info',
        message: `The user pool ${userPoolId} was kept, with its users (its DeletionPolicy keeps it). To delete it too: turn off its deletion protection, then aws cognito-idp delete-user-pool --user-pool-id ${userPoolId} --region ${region}.`,
      });
    }
    return { outcome: 'deleted', userPoolId, userPoolDeleted: false, ...kept };
  }
  const cognito = await deps.cognitoAdmin();
  if (pool.deletionProtection === 'ACTIVE') await cognito.disableDeletionProtection(pool.id);
  await cognito.deleteUserPool(pool.id);
  deps.emit({ type: 'info', message: `Deleted the user pool ${pool.id} and the ${users(pool.estimatedUsers)} in it.` });
  return { outcome: 'deleted', userPoolId, users: pool.estimatedUsers, userPoolDeleted: true, ...kept };
}

/** Once the stack is gone: empties and deletes the pictures bucket (`remove`), or says it was kept and how to delete it. */
async function keptOrDeletedPictures(
  deps: DestroyStackDeps,
  p: { bucket: string | undefined; account: string | undefined; region: string; remove: boolean },
): Promise<Pick<DestroyStackResult, 'picturesBucket' | 'pictureObjects' | 'picturesDeleted'>> {
  const { bucket, account, region } = p;
  if (!bucket) return { picturesDeleted: false };
  if (p.remove && account) {
    const removed = await emptyAndDeleteBucket(await deps.s3(), bucket, account, region);
    deps.emit({ type: 'info', message: `Deleted the pictures bucket ${bucket} and the ${objects(removed)} in it.` });
    return { picturesBucket: bucket, pictureObjects: removed, picturesDeleted: true };
  }
  // The count is only for the message (one page at most): a failed lookup must not turn a done delete into an error.
  const counted = account ? await countObjects(await deps.s3(), bucket, account, 1).catch(() => undefined) : undefined;
  deps.emit({
    type: 'info',
    message: `The pictures bucket ${bucket} was kept${counted ? `, with its ${objectCount(counted)}` : ''} (its DeletionPolicy keeps it). To delete it too: ${deletePicturesCommands(bucket, region)}.`,
  });
  return { picturesBucket: bucket, picturesDeleted: false };
}

function objects(n: number): string {
  return n === 1 ? '1 object' : `${n} objects`;
}

function objectCount(c: ObjectCount): string {
  return c.complete ? objects(c.count) : `more than ${c.count} objects`;
}

function users(n: number): string {
  return n === 1 ? '1 user' : `${n} users`;
}
