/**
 * The S3 calls authstack makes: on its artifact bucket, find it, create and secure it on first use, and store each
 * function's zip once under its hash; on a stack's retained pictures bucket, only when destroy is asked to delete it,
 * list every version, delete them and then the bucket. Every call names the account expected to own the bucket
 * (`ExpectedBucketOwner`), so a bucket of that (guessable) name in another account is refused, never written to.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AwsFactory } from '../core/aws.js';
import { awsError, errorName, type AwsCallSettings } from './errors.js';

/** What HeadBucket says of a bucket name: ours, free, or someone else's (or ours, but this identity may not read it). */
export type BucketState = 'exists' | 'missing' | 'forbidden';

export interface ObjectState {
  readonly size: number;
}

/** How the artifact bucket is set up, as SAM's managed bucket is: private, encrypted, versioned, TLS only. */
export interface BucketSetup {
  /** Days a replaced (noncurrent) version of an object is kept. */
  readonly noncurrentVersionDays: number;
  /** Days an unfinished multipart upload is kept. */
  readonly abortMultipartDays: number;
}

/** One version of an object, or a delete marker, as ListObjectVersions names it. */
export interface ObjectVersion {
  readonly key: string;
  /** `null` for an object stored while versioning was off. */
  readonly versionId: string;
  readonly deleteMarker: boolean;
}

/** Where the next page of ListObjectVersions starts. */
export interface VersionsMarker {
  readonly keyMarker: string;
  readonly versionIdMarker?: string;
}

export interface VersionsPage {
  readonly versions: ObjectVersion[];
  /** Undefined on the last page. */
  readonly next?: VersionsMarker;
}

/** A version DeleteObjects could not delete. */
export interface DeleteFailure {
  readonly key: string;
  readonly versionId?: string;
  readonly code: string;
  readonly message: string;
}

export interface S3Api {
  headBucket(bucket: string, owner: string): Promise<BucketState>;
  /** Creates the bucket in `region` (us-east-1 takes no location constraint); one we already own is no error. */
  createBucket(bucket: string, region: string): Promise<void>;
  putPublicAccessBlock(bucket: string, owner: string): Promise<void>;
  putOwnershipControls(bucket: string, owner: string): Promise<void>;
  putEncryption(bucket: string, owner: string): Promise<void>;
  putVersioning(bucket: string, owner: string): Promise<void>;
  putLifecycle(bucket: string, owner: string, setup: BucketSetup): Promise<void>;
  /** Denies every request that does not use TLS. */
  putTlsOnlyPolicy(bucket: string, owner: string): Promise<void>;
  /** The object's size, or undefined when there is none under `key`. */
  headObject(bucket: string, key: string, owner: string): Promise<ObjectState | undefined>;
  /** Stores `body`; S3 checks it against `sha256Base64` and refuses a body that does not match. */
  putObject(bucket: string, key: string, body: Uint8Array, sha256Base64: string, owner: string): Promise<void>;
  /** One page (up to 1,000) of the bucket's object versions and delete markers, from `from`. */
  listObjectVersions(bucket: string, owner: string, from?: VersionsMarker): Promise<VersionsPage>;
  /** Deletes up to 1,000 versions (each by its version id) in one request; answers those S3 could not delete. */
  deleteObjects(bucket: string, owner: string, versions: readonly ObjectVersion[]): Promise<DeleteFailure[]>;
  /** Deletes the bucket, which must be empty (no versions, no delete markers). */
  deleteBucket(bucket: string, owner: string): Promise<void>;
}

/** The most keys one DeleteObjects request takes (and one ListObjectVersions page holds), as the S3 API reference says. */
export const S3_BATCH = 1000;

const NOT_FOUND = new Set(['NotFound', 'NoSuchBucket', 'NoSuchKey']);
const FORBIDDEN = new Set(['Forbidden', 'AccessDenied', '403']);

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function s3Api(client: S3Client, settings: AwsCallSettings = {}): S3Api {
  const where: AwsCallSettings = { ...settings, service: 'S3' };
  const send = async (what: string, request: () => Promise<unknown>): Promise<void> => {
    try {
      await request();
    } catch (err) {
      throw awsError(err, what, where);
    }
  };
  return {
    async headBucket(bucket, owner) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: owner }));
        return 'exists';
      } catch (err) {
        // HeadBucket has no body: S3 answers 404 or 403 and the SDK names the error after the status.
        if (NOT_FOUND.has(errorName(err)) || status(err) === 404) return 'missing';
        if (FORBIDDEN.has(errorName(err)) || status(err) === 403) return 'forbidden';
        throw awsError(err, `look for the bucket ${bucket}`, where);
      }
    },
    async createBucket(bucket, region) {
      try {
        await client.send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
          }),
        );
      } catch (err) {
        if (errorName(err) === 'BucketAlreadyOwnedByYou') return;
        throw awsError(err, `create the bucket ${bucket}`, where);
      }
    },
    putPublicAccessBlock: (bucket, owner) =>
      send(`block public access to ${bucket}`, () =>
        client.send(
          new PutPublicAccessBlockCommand({
            Bucket: bucket,
            ExpectedBucketOwner: owner,
            PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
          }),
        ),
      ),
    putOwnershipControls: (bucket, owner) =>
      send(`disable ACLs on ${bucket}`, () =>
        client.send(
          new PutBucketOwnershipControlsCommand({
            Bucket: bucket,
            ExpectedBucketOwner: owner,
            OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          }),
        ),
      ),
    putEncryption: (bucket, owner) =>
      send(`turn on encryption for ${bucket}`, () =>
        client.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ExpectedBucketOwner: owner,
            ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          }),
        ),
      ),
    putVersioning: (bucket, owner) =>
      send(`turn on versioning for ${bucket}`, () =>
        client.send(new PutBucketVersioningCommand({ Bucket: bucket, ExpectedBucketOwner: owner, VersioningConfiguration: { Status: 'Enabled' } })),
      ),
    putLifecycle: (bucket, owner, setup) =>
      send(`set the lifecycle rule of ${bucket}`, () =>
        client.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: bucket,
            ExpectedBucketOwner: owner,
            LifecycleConfiguration: { Rules: [lifecycleRule(setup)] },
          }),
        ),
      ),
    putTlsOnlyPolicy: (bucket, owner) =>
      send(`set the policy of ${bucket}`, () =>
        client.send(new PutBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner, Policy: JSON.stringify(tlsOnlyPolicy(bucket)) })),
      ),
    async headObject(bucket, key, owner) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: owner }));
        return { size: res.ContentLength ?? 0 };
      } catch (err) {
        if (NOT_FOUND.has(errorName(err)) || status(err) === 404) return undefined;
        throw awsError(err, `look for s3://${bucket}/${key}`, where);
      }
    },
    putObject: (bucket, key, body, sha256Base64, owner) =>
      send(`upload s3://${bucket}/${key}`, () =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ChecksumSHA256: sha256Base64,
            ContentType: 'application/zip',
            ExpectedBucketOwner: owner,
          }),
        ),
      ),
    async listObjectVersions(bucket, owner, from) {
      try {
        const res = await client.send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            ExpectedBucketOwner: owner,
            MaxKeys: S3_BATCH,
            ...(from ? { KeyMarker: from.keyMarker, ...(from.versionIdMarker ? { VersionIdMarker: from.versionIdMarker } : {}) } : {}),
          }),
        );
        const versions: ObjectVersion[] = [
          ...(res.Versions ?? []).map((v) => ({ key: v.Key ?? '', versionId: v.VersionId ?? 'null', deleteMarker: false })),
          ...(res.DeleteMarkers ?? []).map((m) => ({ key: m.Key ?? '', versionId: m.VersionId ?? 'null', deleteMarker: true })),
        ];
        const next =
          res.IsTruncated && res.NextKeyMarker !== undefined
            ? { keyMarker: res.NextKeyMarker, ...(res.NextVersionIdMarker ? { versionIdMarker: res.NextVersionIdMarker } : {}) }
            : undefined;
        return next ? { versions, next } : { versions };
      } catch (err) {
        throw awsError(err, `list the objects of ${bucket}`, where);
      }
    },
    async deleteObjects(bucket, owner, versions) {
      if (versions.length === 0) return [];
      if (versions.length > S3_BATCH) throw new RangeError(`DeleteObjects takes at most ${S3_BATCH} keys, got ${versions.length}`);
      try {
        const res = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            ExpectedBucketOwner: owner,
            Delete: { Quiet: true, Objects: versions.map((v) => ({ Key: v.key, VersionId: v.versionId })) },
          }),
        );
        return (res.Errors ?? []).map((e) => ({
          key: e.Key ?? '',
          ...(e.VersionId ? { versionId: e.VersionId } : {}),
          code: e.Code ?? 'InternalError',
          message: e.Message ?? '',
        }));
      } catch (err) {
        throw awsError(err, `delete objects of ${bucket}`, where);
      }
    },
    deleteBucket: (bucket, owner) =>
      send(`delete the bucket ${bucket}`, () => client.send(new DeleteBucketCommand({ Bucket: bucket, ExpectedBucketOwner: owner }))),
  };
}

/** The bucket's one lifecycle rule, over every object. */
export function lifecycleRule(setup: BucketSetup) {
  return {
    ID: 'authstack-expire-old-versions',
    Status: 'Enabled' as const,
    Filter: { Prefix: '' },
    NoncurrentVersionExpiration: { NoncurrentDays: setup.noncurrentVersionDays },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: setup.abortMultipartDays },
    Expiration: { ExpiredObjectDeleteMarker: true },
  };
}

/** The bucket policy: no request without TLS, whoever makes it (the AWS Foundational Security check S3.5). */
export function tlsOnlyPolicy(bucket: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}

export async function s3(aws: AwsFactory): Promise<S3Api> {
  return s3Api(await aws.s3(), aws.settings);
}
