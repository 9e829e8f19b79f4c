/** The fake S3 does what fake-s3.md says, through the real S3 client (as deploy reaches it). */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { FakeAws } from '../../helpers/fake-aws/fake-aws.js';
import { CODE_V1, deployTemplate, testTemplate } from './helpers.js';

const ACCOUNT = '123456789012';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('base64');

async function world(region?: string): Promise<{ aws: FakeAws; s3: S3Client }> {
  const aws = new FakeAws();
  return { aws, s3: await aws.factory(region ? { region } : {}).s3() };
}

/** The error's name and HTTP status, or "ok". */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${e.$metadata?.httpStatusCode ?? '?'} ${e.name}`;
  }
}

describe('fake S3: buckets', () => {
  it("HeadBucket: 200 for the account's bucket, 404 for none, 403 for another account's or another ExpectedBucketOwner", async () => {
    const { aws, s3 } = await world();
    await s3.send(new CreateBucketCommand({ Bucket: 'mine' }));
    aws.s3.addForeignBucket('theirs');
    expect(await outcome(s3.send(new HeadBucketCommand({ Bucket: 'mine', ExpectedBucketOwner: ACCOUNT })))).toBe('ok');
    expect(await outcome(s3.send(new HeadBucketCommand({ Bucket: 'nobody' })))).toBe('404 NotFound');
    expect(await outcome(s3.send(new HeadBucketCommand({ Bucket: 'theirs' })))).toBe('403 Forbidden');
    expect(await outcome(s3.send(new HeadBucketCommand({ Bucket: 'mine', ExpectedBucketOwner: '111111111111' })))).toBe('403 Forbidden');
  });

  it("CreateBucket: name rules; us-east-1 takes no location constraint, other regions must name themselves (the SDK adds the client's region when none is given)", async () => {
    const east = await world();
    expect(await outcome(east.s3.send(new CreateBucketCommand({ Bucket: 'Upper_Case' })))).toBe('400 InvalidBucketName');
    expect(
      await outcome(east.s3.send(new CreateBucketCommand({ Bucket: 'bkt1', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } }))),
    ).toBe('400 InvalidLocationConstraint');
    const west = await world('eu-west-2');
    expect(await outcome(west.s3.send(new CreateBucketCommand({ Bucket: 'bkt2', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })))).toBe(
      '400 IllegalLocationConstraintException',
    );
    expect(await outcome(west.s3.send(new CreateBucketCommand({ Bucket: 'bkt2' })))).toBe('ok');
    expect(west.aws.s3.buckets.get('bkt2')!.region).toBe('eu-west-2');
  });

  it("CreateBucket again: BucketAlreadyOwnedByYou outside us-east-1 (200 there), BucketAlreadyExists for another account's name", async () => {
    const east = await world();
    await east.s3.send(new CreateBucketCommand({ Bucket: 'mine' }));
    expect(await outcome(east.s3.send(new CreateBucketCommand({ Bucket: 'mine' })))).toBe('ok');
    east.aws.s3.addForeignBucket('theirs');
    expect(await outcome(east.s3.send(new CreateBucketCommand({ Bucket: 'theirs' })))).toBe('409 BucketAlreadyExists');
    const west = await world('eu-west-1');
    const config = { CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' as const } };
    await west.s3.send(new CreateBucketCommand({ Bucket: 'mine', ...config }));
    expect(await outcome(west.s3.send(new CreateBucketCommand({ Bucket: 'mine', ...config })))).toBe('409 BucketAlreadyOwnedByYou');
  });

  it('bucket settings: stored as given; NoSuchBucket for none, AccessDenied for another owner, MalformedXML / MalformedPolicy for bad input', async () => {
    const { aws, s3 } = await world();
    await s3.send(new CreateBucketCommand({ Bucket: 'mine' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'mine', VersioningConfiguration: { Status: 'Enabled' } }));
    expect(aws.s3.buckets.get('mine')!.versioning).toBe('Enabled');
    expect(await outcome(s3.send(new PutBucketVersioningCommand({ Bucket: 'mine', VersioningConfiguration: {} })))).toBe('400 MalformedXML');
    expect(await outcome(s3.send(new PutBucketPolicyCommand({ Bucket: 'mine', Policy: 'not json' })))).toBe('400 MalformedPolicy');
    expect(await outcome(s3.send(new PutBucketVersioningCommand({ Bucket: 'nobody', VersioningConfiguration: { Status: 'Enabled' } })))).toBe(
      '404 NoSuchBucket',
    );
    expect(
      await outcome(
        s3.send(new PutBucketVersioningCommand({ Bucket: 'mine', ExpectedBucketOwner: '111111111111', VersioningConfiguration: { Status: 'Enabled' } })),
      ),
    ).toBe('403 AccessDenied');
  });
});

describe('fake S3: objects', () => {
  it('PutObject checks ChecksumSHA256 (BadDigest), keeps versions in a versioned bucket; HeadObject answers the current one or 404', async () => {
    const { aws, s3 } = await world();
    await s3.send(new CreateBucketCommand({ Bucket: 'mine' }));
    expect(await outcome(s3.send(new HeadObjectCommand({ Bucket: 'mine', Key: 'k' })))).toBe('404 NotFound');
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'mine', Key: 'k', Body: Buffer.from('one'), ChecksumSHA256: sha('other') })))).toBe(
      '400 BadDigest',
    );
    await s3.send(new PutObjectCommand({ Bucket: 'mine', Key: 'k', Body: Buffer.from('one'), ChecksumSHA256: sha('one') }));
    await s3.send(new PutObjectCommand({ Bucket: 'mine', Key: 'k', Body: Buffer.from('two!') }));
    expect(aws.s3.buckets.get('mine')!.objects.get('k')).toHaveLength(1);
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'mine', VersioningConfiguration: { Status: 'Enabled' } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'mine', Key: 'k', Body: Buffer.from('three') }));
    expect(put.VersionId).toBe('v1');
    expect(
      aws.s3.buckets
        .get('mine')!
        .objects.get('k')!
        .map((v) => v.body.toString()),
    ).toEqual(['two!', 'three']);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'mine', Key: 'k' }));
    expect(head).toMatchObject({ ContentLength: 5, VersionId: 'v1' });
  });
});

describe('fake S3: emptying and deleting a bucket', () => {
  async function versioned(): Promise<{ aws: FakeAws; s3: S3Client }> {
    const w = await world();
    await w.s3.send(new CreateBucketCommand({ Bucket: 'pics' }));
    await w.s3.send(new PutBucketVersioningCommand({ Bucket: 'pics', VersioningConfiguration: { Status: 'Enabled' } }));
    return w;
  }

  it('ListObjectVersions: keys in order, each key newest first with IsLatest, delete markers apart; pages of MaxKeys resume at NextKeyMarker/NextVersionIdMarker', async () => {
    const { s3 } = await versioned();
    for (const [key, body] of [
      ['b', '1'],
      ['a', '1'],
      ['a', '2'],
    ]) {
      await s3.send(new PutObjectCommand({ Bucket: 'pics', Key: key, Body: body }));
    }
    await s3.send(new DeleteObjectsCommand({ Bucket: 'pics', Delete: { Objects: [{ Key: 'b' }] } }));
    const all = await s3.send(new ListObjectVersionsCommand({ Bucket: 'pics' }));
    expect(all.IsTruncated).toBe(false);
    expect(all.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
      ['a', 'v3', true],
      ['a', 'v2', false],
      ['b', 'v1', false],
    ]);
    expect(all.DeleteMarkers!.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([['b', 'v4', true]]);
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket: 'pics', MaxKeys: 3 }));
    expect(first).toMatchObject({ IsTruncated: true, NextKeyMarker: 'b', NextVersionIdMarker: 'v4' });
    const rest = await s3.send(
      new ListObjectVersionsCommand({ Bucket: 'pics', MaxKeys: 3, KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker }),
    );
    expect(rest.IsTruncated).toBe(false);
    expect(rest.Versions!.map((v) => v.VersionId)).toEqual(['v1']);
    expect(await outcome(s3.send(new ListObjectVersionsCommand({ Bucket: 'pics', ExpectedBucketOwner: '111111111111' })))).toBe('403 AccessDenied');
  });

  it('DeleteObjects: a version id deletes that version for good (a missing one is no error), none leaves a delete marker; more than 1,000 keys is MalformedXML', async () => {
    const { aws, s3 } = await versioned();
    await s3.send(new PutObjectCommand({ Bucket: 'pics', Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'pics', Key: 'k', Body: 'two' }));
    const marker = await s3.send(new DeleteObjectsCommand({ Bucket: 'pics', Delete: { Objects: [{ Key: 'k' }] } }));
    expect(marker.Deleted).toEqual([{ Key: 'k', DeleteMarker: true, DeleteMarkerVersionId: 'v3' }]);
    expect(await outcome(s3.send(new HeadObjectCommand({ Bucket: 'pics', Key: 'k' })))).toBe('404 NotFound');
    expect(aws.s3.versionCount('pics')).toBe(3);
    const res = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'pics',
        ExpectedBucketOwner: ACCOUNT,
        Delete: {
          Quiet: true,
          Objects: [
            { Key: 'k', VersionId: 'v1' },
            { Key: 'k', VersionId: 'v3' },
            { Key: 'gone', VersionId: 'v9' },
          ],
        },
      }),
    );
    expect(res.Errors ?? []).toEqual([]);
    expect(res.Deleted).toBeUndefined();
    expect(aws.s3.object('pics', 'k')!.body.toString()).toBe('two');
    const many = Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` }));
    expect(await outcome(s3.send(new DeleteObjectsCommand({ Bucket: 'pics', Delete: { Objects: many } })))).toBe('400 MalformedXML');
  });

  it('DeleteBucket: 409 BucketNotEmpty while any version or delete marker is left, 403 for another ExpectedBucketOwner, then the bucket is gone', async () => {
    const { aws, s3 } = await versioned();
    await s3.send(new PutObjectCommand({ Bucket: 'pics', Key: 'k', Body: 'one' }));
    await s3.send(new DeleteObjectsCommand({ Bucket: 'pics', Delete: { Objects: [{ Key: 'k', VersionId: 'v1' }, { Key: 'k' }] } }));
    expect(await outcome(s3.send(new DeleteBucketCommand({ Bucket: 'pics' })))).toBe('409 BucketNotEmpty');
    await s3.send(new DeleteObjectsCommand({ Bucket: 'pics', Delete: { Objects: [{ Key: 'k', VersionId: 'v2' }] } }));
    expect(await outcome(s3.send(new DeleteBucketCommand({ Bucket: 'pics', ExpectedBucketOwner: '111111111111' })))).toBe('403 AccessDenied');
    expect(await outcome(s3.send(new DeleteBucketCommand({ Bucket: 'pics', ExpectedBucketOwner: ACCOUNT })))).toBe('ok');
    expect(aws.s3.buckets.has('pics')).toBe(false);
    expect(await outcome(s3.send(new DeleteBucketCommand({ Bucket: 'pics' })))).toBe('404 NoSuchBucket');
  });
});

describe('fake S3 with CloudFormation and Lambda', () => {
  it('a bucket the stack creates is in S3 under its BucketName; a stack delete keeps it with DeletionPolicy Retain and deletes an empty one without', async () => {
    const aws = new FakeAws();
    const template = JSON.parse(testTemplate().body) as { Resources: Record<string, unknown> };
    template.Resources.Kept = { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', Properties: { BucketName: { 'Fn::Sub': 'kept-${AWS::AccountId}' } } };
    template.Resources.Plain = { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } };
    await deployTemplate(aws, JSON.stringify(template));
    const stack = aws.cfn.get('authstack')!;
    const plain = stack.resources.get('Plain')!.physicalId;
    expect(stack.resources.get('Kept')!.physicalId).toBe(`kept-${ACCOUNT}`);
    expect(aws.s3.buckets.get(`kept-${ACCOUNT}`)).toMatchObject({ owner: ACCOUNT, region: 'us-east-1' });
    expect(plain).toMatch(/^[a-z0-9-]+$/);
    expect(aws.s3.buckets.get(plain)?.versioning).toBe('Enabled');
    aws.cfn.handle('DeleteStack', { StackName: stack.stackId });
    aws.cfn.settle();
    expect(aws.s3.buckets.has(`kept-${ACCOUNT}`)).toBe(true);
    expect(aws.s3.buckets.has(plain)).toBe(false);
  });

  it("a function created from Code.S3Bucket/S3Key gets the zip: its CodeSha256 is the object's", async () => {
    const aws = new FakeAws();
    await deployTemplate(aws);
    const fn = [...aws.functions.values()][0]!;
    expect(fn.codeSha256).toBe(sha('code v1'));
    expect(aws.cfn.get('authstack')!.resources.get('Function')!.properties.Code).toEqual({
      S3Bucket: `authstack-assets-${ACCOUNT}-us-east-1`,
      S3Key: `functions/${CODE_V1.sha256}.zip`,
    });
  });

  it('a create whose code object is missing fails with the reason CloudFormation reports for Lambda, and rolls back', async () => {
    const aws = new FakeAws();
    const cfn = aws.cfn;
    cfn.handle('CreateChangeSet', {
      StackName: 'bare',
      ChangeSetName: 'c1',
      ChangeSetType: 'CREATE',
      TemplateBody: testTemplate().body,
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [],
    });
    cfn.changeSetPolls = 0;
    cfn.handle('DescribeChangeSet', { ChangeSetName: 'c1', StackName: 'bare' });
    cfn.handle('ExecuteChangeSet', { ChangeSetName: 'c1', StackName: 'bare' });
    cfn.settle();
    expect(cfn.get('bare')!.status).toBe('ROLLBACK_COMPLETE');
    const events = (
      cfn.handle('DescribeStackEvents', { StackName: cfn.get('bare')!.stackId }) as {
        StackEvents: Array<{ LogicalResourceId: string; ResourceStatus: string; ResourceStatusReason?: string }>;
      }
    ).StackEvents;
    const failed = events.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    expect(failed?.LogicalResourceId).toBe('Function');
    expect(failed?.ResourceStatusReason).toContain('Error occurred while GetObject. S3 Error Code: NoSuchBucket');
  });

  it('an update that points the function at a missing object fails (NoSuchKey) and rolls back to the code it had', async () => {
    const aws = new FakeAws();
    await deployTemplate(aws);
    const other = testTemplate(undefined, { ...CODE_V1, sha256: 'cd'.repeat(32) });
    await expect(deployTemplate(aws, other.body, { assets: [] })).rejects.toThrow(/S3 Error Code: NoSuchKey/);
    expect(aws.cfn.get('authstack')!.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect([...aws.functions.values()][0]!.codeSha256).toBe(sha('code v1'));
  });
});
