/**
 * destroy and the pictures bucket: CloudFormation keeps it (DeletionPolicy Retain, DELETE_SKIPPED); destroy says so
 * and how to delete it, and with --delete-pictures, asked twice, empties and deletes it once the stack is gone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PICTURES_IDS } from '../../../src/deploy/template/pictures.js';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const ACCOUNT = '123456789012';
const ARTIFACTS = `authstack-assets-${ACCOUNT}-us-east-1`;

async function deployWithPictures(usersPerPool = 0): Promise<{ bucket: string; pool: string }> {
  w = await deployWorld({ usersPerPool });
  const r = await w.deploy(['--pictures']);
  expect(r.code, r.stderr).toBe(0);
  const stack = w.aws.cfn.get('authstack')!;
  const bucket = stack.resources.get(PICTURES_IDS.bucket)!.physicalId;
  expect(w.aws.s3.buckets.has(bucket)).toBe(true);
  return { bucket, pool: stack.resources.get('UserPool')!.physicalId };
}

function put(bucket: string, key: string, body = 'jpeg'): void {
  w.aws.s3.handle('PutObject', { Bucket: bucket, Key: key, Body: Buffer.from(body) });
}

const s3Calls = (bucket: string) => w.aws.calls.filter((c) => c.service === 's3' && c.input?.Bucket === bucket);

describe('authstack destroy, with pictures on', () => {
  it('keeps the pictures bucket and its objects (CloudFormation skips the Retain resource), and says so, naming the count and the aws CLI commands', async () => {
    const { bucket } = await deployWithPictures();
    put(bucket, 'public/a/1.webp');
    put(bucket, 'public/a/1-thumb.webp');
    const r = await w.run(['destroy', '--yes', '--json', '--poll-interval', '1ms']);
    expect(r.code, r.stderr).toBe(0);
    expect(w.aws.cfn.get('authstack')).toBeUndefined();
    expect(w.aws.s3.versionCount(bucket)).toBe(2);
    expect(r.stderr).toContain(
      `The pictures bucket ${bucket} was kept, with its 2 objects (its DeletionPolicy keeps it). To delete it too: aws s3 rm s3://${bucket} --recursive --region us-east-1, then aws s3 rb s3://${bucket} --region us-east-1.`,
    );
    expect(r.json()).toMatchObject({ outcome: 'deleted', picturesBucket: bucket, picturesDeleted: false });
    expect(s3Calls(bucket).map((c) => c.operation)).toEqual(['ListObjectVersions']);
    expect(s3Calls(bucket).every((c) => c.input.ExpectedBucketOwner === ACCOUNT)).toBe(true);
  });

  it('names the kept bucket in the first confirmation', async () => {
    const { bucket, pool } = await deployWithPictures();
    const r = await w.run(['destroy', '--poll-interval', '1ms'], {
      answers: {
        [`Delete stack authstack in us-east-1? The user pool ${pool} and its users are kept. The pictures bucket ${bucket} and its pictures are kept.`]: false,
      },
    });
    expect(r.code).toBe(4);
    expect(w.aws.cfn.get('authstack')?.status).toBe('CREATE_COMPLETE');
  });

  it('--delete-pictures --yes deletes every version and delete marker (1,000 per DeleteObjects, as the S3 API allows), then the bucket; the artifact bucket and the pool stay', async () => {
    const { bucket, pool } = await deployWithPictures(3);
    const b = w.aws.s3.buckets.get(bucket)!;
    b.versioning = 'Enabled';
    for (let i = 0; i < 1200; i++) put(bucket, `public/u${i}/1.webp`);
    put(bucket, 'public/u0/1.webp', 'second version');
    // A delete without a version id leaves a delete marker in a versioned bucket.
    w.aws.s3.handle('DeleteObjects', { Bucket: bucket, Delete: { Objects: [{ Key: 'public/u1/1.webp' }] } });
    expect(w.aws.s3.versionCount(bucket)).toBe(1202);
    const artifacts = w.aws.s3.versionCount(ARTIFACTS);
    expect(artifacts).toBeGreaterThan(0);

    const r = await w.run(['destroy', '--yes', '--delete-pictures', '--json', '--poll-interval', '1ms']);
    expect(r.code, r.stderr).toBe(0);
    expect(w.aws.s3.buckets.has(bucket)).toBe(false);
    expect(r.json()).toMatchObject({ outcome: 'deleted', picturesBucket: bucket, pictureObjects: 1202, picturesDeleted: true, userPoolDeleted: false });
    expect(r.stderr).toContain(`Deleted the pictures bucket ${bucket} and the 1202 objects in it.`);
    const deletes = s3Calls(bucket).filter((c) => c.operation === 'DeleteObjects');
    expect(deletes.map((c) => c.input.Delete.Objects.length)).toEqual([1000, 202]);
    expect(deletes.flatMap((c) => c.input.Delete.Objects).every((o: { VersionId?: string }) => typeof o.VersionId === 'string')).toBe(true);
    expect(s3Calls(bucket).at(-1)!.operation).toBe('DeleteBucket');
    expect(s3Calls(bucket).every((c) => c.input.ExpectedBucketOwner === ACCOUNT)).toBe(true);
    // The deletion comes after the stack's: nothing of the bucket is deleted while CloudFormation still runs.
    const order = w.aws.calls.map((c) => c.operation);
    expect(order.indexOf('DeleteStack')).toBeLessThan(order.indexOf('DeleteObjects'));
    expect(w.aws.s3.versionCount(ARTIFACTS)).toBe(artifacts);
    expect(w.aws.calls.filter((c) => c.service === 's3' && c.input?.Bucket === ARTIFACTS && /^Delete/.test(c.operation))).toEqual([]);
    expect(w.aws.pools.has(pool)).toBe(true);
  });

  it('--delete-pictures asks a second time naming the object count; declined, nothing is deleted', async () => {
    const { bucket } = await deployWithPictures();
    put(bucket, 'public/a/1.webp');
    const r = await w.run(['destroy', '--delete-pictures', '--poll-interval', '1ms'], {
      answers: { 'Delete stack authstack': true, [`Also delete the pictures bucket ${bucket} and the 1 object in it? This cannot be undone.`]: false },
    });
    expect(r.code).toBe(4);
    expect(w.aws.cfn.get('authstack')?.status).toBe('CREATE_COMPLETE');
    expect(w.aws.s3.versionCount(bucket)).toBe(1);

    const yes = await w.run(['destroy', '--delete-pictures', '--poll-interval', '1ms'], {
      answers: { 'Delete stack authstack': true, [`Also delete the pictures bucket ${bucket} and the 1 object in it?`]: true },
    });
    expect(yes.code, yes.stderr).toBe(0);
    expect(w.aws.s3.buckets.has(bucket)).toBe(false);
  });

  it('--delete-pictures without a terminal and without --yes refuses (exit 4): nothing is deleted', async () => {
    const { bucket, pool } = await deployWithPictures();
    put(bucket, 'public/a/1.webp');
    const r = await w.run(['destroy', '--delete-pictures', '--json']);
    expect(r.code).toBe(4);
    expect(r.json().error.code).toBe('NeedsConfirmation');
    expect(w.aws.count('cloudformation', 'DeleteStack')).toBe(0);
    expect(w.aws.cfn.get('authstack')?.status).toBe('CREATE_COMPLETE');
    expect(w.aws.s3.versionCount(bucket)).toBe(1);
    expect(w.aws.pools.has(pool)).toBe(true);
    expect(s3Calls(bucket).filter((c) => c.operation !== 'ListObjectVersions')).toEqual([]);
  });

  it('--delete-pictures on a bucket this identity may not list stops before the stack is deleted', async () => {
    const { bucket } = await deployWithPictures();
    w.aws.s3.buckets.get(bucket)!.owner = '999999999999';
    const r = await w.run(['destroy', '--yes', '--delete-pictures', '--poll-interval', '1ms']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^error: AWS denied permission to list the objects of ${bucket}: Access Denied`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(w.aws.count('cloudformation', 'DeleteStack')).toBe(0);
  });

  it('--delete-pictures on a stack without pictures deletes the stack and touches no bucket', async () => {
    w = await deployWorld();
    expect((await w.deploy()).code).toBe(0);
    const r = await w.run(['destroy', '--yes', '--delete-pictures', '--json', '--poll-interval', '1ms']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ outcome: 'deleted', picturesDeleted: false });
    expect(r.json().picturesBucket).toBeUndefined();
    expect(w.aws.calls.filter((c) => c.service === 's3' && /^(Delete|List)/.test(c.operation))).toEqual([]);
  });
});
