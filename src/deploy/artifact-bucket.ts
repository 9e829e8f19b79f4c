/**
 * Publishing the functions' zips before the stack changes, as the CDK publishes file assets: the artifact bucket
 * (one per account and region, shared by every stack there) is created and secured on first use, then each zip is
 * stored under its content hash unless an object is already there. One HeadBucket when the bucket exists, one
 * HeadObject per zip, a PutObject only for a zip S3 does not have.
 */
import type { BucketSetup, S3Api } from '../aws/s3.js';
import { UserError } from '../core/errors.js';
import { artifactBucketName, assetKey } from './assets.js';
import type { BuiltAsset } from './build-functions.js';

/** Old versions go after 30 days (an object is replaced only when it had gone missing); a stuck upload after 1. */
const BUCKET_SETUP: BucketSetup = { noncurrentVersionDays: 30, abortMultipartDays: 1 };

export type AssetEvent =
  | { type: 'bucket'; phase: 'creating' | 'created'; bucket: string }
  | { type: 'asset'; phase: 'present' | 'uploading' | 'uploaded'; functionIds: string[]; key: string; size: number };

export interface PublishResult {
  readonly bucket: string;
  readonly bucketCreated: boolean;
  /** The keys written by this deploy. */
  readonly uploaded: string[];
}

/** The account a stack lives in, from its ARN (`arn:<partition>:cloudformation:<region>:<account>:stack/...`). */
export function accountOfStackId(stackId: string | undefined): string | undefined {
  return /^arn:[^:]+:cloudformation:[^:]*:(\d{12}):stack\//.exec(stackId ?? '')?.[1];
}

export async function publishAssets(
  assets: readonly BuiltAsset[],
  target: { accountId: string; region: string },
  s3: S3Api,
  emit: (event: AssetEvent) => void,
): Promise<PublishResult> {
  const bucket = artifactBucketName(target.accountId, target.region);
  const owner = target.accountId;
  const state = await s3.headBucket(bucket, owner);
  if (state === 'forbidden') {
    throw new UserError(
      'auth',
      `The artifact bucket ${bucket} exists, but S3 refuses these credentials access to it: it belongs to another account, or this identity may not read it.`,
      {
        code: 'ArtifactBucketForbidden',
        hint: 'Allow the S3 actions "authstack iam-policy" lists on that bucket; if another account owns the name, delete nothing and tell us',
      },
    );
  }
  const bucketCreated = state === 'missing';
  if (bucketCreated) {
    emit({ type: 'bucket', phase: 'creating', bucket });
    await s3.createBucket(bucket, target.region);
    const steps: Array<[string, () => Promise<void>]> = [
      ['block public access', () => s3.putPublicAccessBlock(bucket, owner)],
      ['disable ACLs', () => s3.putOwnershipControls(bucket, owner)],
      ['turn on encryption', () => s3.putEncryption(bucket, owner)],
      ['turn on versioning', () => s3.putVersioning(bucket, owner)],
      ['set the lifecycle rule', () => s3.putLifecycle(bucket, owner, BUCKET_SETUP)],
      ['deny requests without TLS', () => s3.putTlsOnlyPolicy(bucket, owner)],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (err) {
        // The next deploy sees the bucket and would not set it up again: say how to start over.
        throw new UserError('deployment', `Created the artifact bucket ${bucket}, but could not ${what}: ${err instanceof Error ? err.message : String(err)}`, {
          code: 'ArtifactBucketSetup',
          cause: err,
          hint: `Fix the cause, delete the empty bucket (aws s3 rb s3://${bucket} --region ${target.region}) and deploy again`,
        });
      }
    }
    emit({ type: 'bucket', phase: 'created', bucket });
  }

  // Functions built from the same bytes share one object.
  const byKey = new Map<string, BuiltAsset[]>();
  for (const asset of assets) byKey.set(assetKey(asset), [...(byKey.get(assetKey(asset)) ?? []), asset]);
  const present = bucketCreated
    ? new Map<string, boolean>()
    : new Map(await Promise.all([...byKey.keys()].map(async (key) => [key, (await s3.headObject(bucket, key, owner)) !== undefined] as const)));
  const uploaded: string[] = [];
  for (const [key, group] of byKey) {
    const first = group[0]!;
    const functionIds = group.map((a) => a.functionId);
    if (present.get(key)) {
      emit({ type: 'asset', phase: 'present', functionIds, key, size: first.size });
      continue;
    }
    emit({ type: 'asset', phase: 'uploading', functionIds, key, size: first.size });
    await s3.putObject(bucket, key, first.zip, Buffer.from(first.sha256, 'hex').toString('base64'), owner);
    uploaded.push(key);
    emit({ type: 'asset', phase: 'uploaded', functionIds, key, size: first.size });
  }
  return { bucket, bucketCreated, uploaded };
}
