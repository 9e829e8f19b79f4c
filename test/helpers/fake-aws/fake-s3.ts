/**
 * An in-memory S3: the buckets and objects of the fake account (and buckets of other accounts, for the name
 * clashes a guessable bucket name allows), the calls deploy makes on its artifact bucket, and those destroy makes
 * to empty and delete a retained bucket. `fake-s3.md` states
 * what it does; `test/unit/deploy/fake-s3.test.ts` checks every statement.
 */
import { createHash } from 'node:crypto';
import { fakeError } from './errors.js';

export interface FakeObjectVersion {
  versionId: string;
  body: Buffer;
  sha256: string;
  contentType?: string;
  /** A delete marker: what a DeleteObjects without a version id leaves in a versioned bucket. */
  deleteMarker?: boolean;
}

export interface FakeBucket {
  name: string;
  region: string;
  owner: string;
  versioning?: 'Enabled' | 'Suspended';
  encryption?: unknown;
  publicAccessBlock?: unknown;
  ownershipControls?: unknown;
  lifecycle?: unknown;
  policy?: unknown;
  /** Key → versions, oldest first; the last is the current one. */
  objects: Map<string, FakeObjectVersion[]>;
}

const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class FakeS3 {
  readonly buckets = new Map<string, FakeBucket>();
  private versions = 0;

  constructor(
    /** The account the fake's credentials belong to. */
    readonly account: string,
    /** The region the clients are made for. */
    readonly region: string,
  ) {}

  /** A bucket of that name owned by another account (somebody took the name first). */
  addForeignBucket(name: string, owner = '999999999999'): void {
    this.buckets.set(name, { name, region: this.region, owner, objects: new Map() });
  }

  /** The current version of an object, or undefined (none, or a delete marker). */
  object(bucket: string, key: string): FakeObjectVersion | undefined {
    const current = this.buckets.get(bucket)?.objects.get(key)?.at(-1);
    return current?.deleteMarker ? undefined : current;
  }

  /** Every version and delete marker the bucket holds. */
  versionCount(bucket: string): number {
    return [...(this.buckets.get(bucket)?.objects.values() ?? [])].reduce((n, list) => n + list.length, 0);
  }

  /** One call; `region` is the one the client was made for (where CreateBucket creates). */
  handle(operation: string, input: any, region: string = this.region): unknown {
    switch (operation) {
      case 'HeadBucket': {
        const b = this.buckets.get(input.Bucket);
        // HEAD answers carry no body: S3 says only 404 or 403, and the SDK names the error after the status.
        if (!b) throw fakeError('NotFound', 'Not Found', 404);
        if (b.owner !== this.account || (input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== b.owner))
          throw fakeError('Forbidden', 'Forbidden', 403);
        return { BucketRegion: b.region };
      }
      case 'CreateBucket':
        return this.createBucket(input, region);
      case 'PutPublicAccessBlock':
        this.owned(input).publicAccessBlock = input.PublicAccessBlockConfiguration;
        return {};
      case 'PutBucketOwnershipControls':
        this.owned(input).ownershipControls = input.OwnershipControls;
        return {};
      case 'PutBucketEncryption':
        this.owned(input).encryption = input.ServerSideEncryptionConfiguration;
        return {};
      case 'PutBucketVersioning': {
        const status = input.VersioningConfiguration?.Status;
        if (status !== 'Enabled' && status !== 'Suspended')
          throw fakeError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
        this.owned(input).versioning = status;
        return {};
      }
      case 'PutBucketLifecycleConfiguration': {
        const rules = input.LifecycleConfiguration?.Rules;
        if (!Array.isArray(rules) || rules.length === 0)
          throw fakeError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
        this.owned(input).lifecycle = input.LifecycleConfiguration;
        return {};
      }
      case 'PutBucketPolicy': {
        const b = this.owned(input);
        try {
          b.policy = JSON.parse(input.Policy);
        } catch {
          throw fakeError('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
        }
        return {};
      }
      case 'HeadObject': {
        const b = this.owned(input);
        const o = b.objects.get(input.Key)?.at(-1);
        if (!o || o.deleteMarker) throw fakeError('NotFound', 'Not Found', 404);
        return {
          ContentLength: o.body.length,
          ContentType: o.contentType,
          ETag: `"${createHash('md5').update(o.body).digest('hex')}"`,
          ...(b.versioning === 'Enabled' ? { VersionId: o.versionId } : {}),
        };
      }
      case 'PutObject':
        return this.putObject(input);
      case 'ListObjectVersions':
        return this.listObjectVersions(input);
      case 'DeleteObjects':
        return this.deleteObjects(input);
      case 'DeleteBucket': {
        const b = this.owned(input);
        if (this.versionCount(b.name) > 0) throw fakeError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
        this.buckets.delete(b.name);
        return {};
      }
    }
    throw fakeError('InvalidAction', `no fake for s3 ${operation}`);
  }

  private createBucket(input: any, region: string): unknown {
    const name = String(input.Bucket ?? '');
    if (!BUCKET_NAME.test(name) || name.includes('..')) throw fakeError('InvalidBucketName', 'The specified bucket is not valid.');
    const constraint = input.CreateBucketConfiguration?.LocationConstraint as string | undefined;
    // us-east-1 takes no constraint (naming it is an error); every other region must name itself.
    if (region === 'us-east-1' ? constraint !== undefined : constraint !== region) {
      if (region === 'us-east-1') throw fakeError('InvalidLocationConstraint', 'The specified location-constraint is not valid');
      throw fakeError(
        'IllegalLocationConstraintException',
        `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      );
    }
    const existing = this.buckets.get(name);
    if (existing) {
      if (existing.owner !== this.account)
        throw fakeError(
          'BucketAlreadyExists',
          'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
          409,
        );
      // us-east-1 answers 200 to its owner re-creating a bucket; every other region 409.
      if (region !== 'us-east-1')
        throw fakeError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409);
      return { Location: `/${name}` };
    }
    this.buckets.set(name, { name, region, owner: this.account, objects: new Map() });
    return { Location: `/${name}` };
  }

  private putObject(input: any): unknown {
    const b = this.owned(input);
    const body = Buffer.from(input.Body as Uint8Array);
    const sha256 = createHash('sha256').update(body).digest('base64');
    if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== sha256)
      throw fakeError('BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    const versionId = b.versioning === 'Enabled' ? `v${++this.versions}` : 'null';
    const version: FakeObjectVersion = { versionId, body, sha256, contentType: input.ContentType };
    const list = b.versioning === 'Enabled' ? [...(b.objects.get(input.Key) ?? []), version] : [version];
    b.objects.set(input.Key, list);
    return {
      ETag: `"${createHash('md5').update(body).digest('hex')}"`,
      ChecksumSHA256: sha256,
      ...(b.versioning === 'Enabled' ? { VersionId: versionId } : {}),
    };
  }

  /** Versions by key (ascending), each key's newest first; a page ends after MaxKeys entries (default and most 1,000). */
  private listObjectVersions(input: any): unknown {
    const b = this.owned(input);
    const max = Math.min(Number(input.MaxKeys ?? 1000), 1000);
    const all = [...b.objects.entries()]
      .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
      .flatMap(([key, list]) => list.map((v, i) => ({ key, v, latest: i === list.length - 1 })).reverse());
    let start = 0;
    if (input.KeyMarker !== undefined) {
      const marker = String(input.KeyMarker);
      const at = input.VersionIdMarker !== undefined ? all.findIndex((e) => e.key === marker && e.v.versionId === input.VersionIdMarker) : -1;
      start = at >= 0 ? at + 1 : all.findIndex((e) => e.key > marker);
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + max);
    const truncated = start + max < all.length;
    const last = page.at(-1);
    const entry = (e: (typeof all)[number]) => ({ Key: e.key, VersionId: e.v.versionId, IsLatest: e.latest });
    return {
      Name: b.name,
      IsTruncated: truncated,
      MaxKeys: max,
      ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.v.versionId } : {}),
      Versions: page.filter((e) => !e.v.deleteMarker).map((e) => ({ ...entry(e), Size: e.v.body.length })),
      DeleteMarkers: page.filter((e) => e.v.deleteMarker).map(entry),
    };
  }

  /**
   * Up to 1,000 keys (more is MalformedXML). With a version id, that version (or delete marker) goes for good, and
   * one that does not exist is no error; without, a versioned bucket gets a delete marker and any other loses the key.
   */
  private deleteObjects(input: any): unknown {
    const b = this.owned(input);
    const objects = (input.Delete?.Objects ?? []) as { Key: string; VersionId?: string }[];
    if (objects.length === 0 || objects.length > 1000)
      throw fakeError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const deleted: unknown[] = [];
    for (const o of objects) {
      const list = b.objects.get(o.Key) ?? [];
      if (o.VersionId !== undefined) {
        const rest = list.filter((v) => v.versionId !== o.VersionId);
        if (rest.length) b.objects.set(o.Key, rest);
        else b.objects.delete(o.Key);
        deleted.push({ Key: o.Key, VersionId: o.VersionId });
      } else if (b.versioning === 'Enabled') {
        const marker: FakeObjectVersion = { versionId: `v${++this.versions}`, body: Buffer.alloc(0), sha256: '', deleteMarker: true };
        b.objects.set(o.Key, [...list, marker]);
        deleted.push({ Key: o.Key, DeleteMarker: true, DeleteMarkerVersionId: marker.versionId });
      } else {
        b.objects.delete(o.Key);
        deleted.push({ Key: o.Key });
      }
    }
    return input.Delete?.Quiet ? { Errors: [] } : { Deleted: deleted, Errors: [] };
  }

  /** A bucket of this account the request may act on (404 for none, 403 for another owner or a wrong expected owner). */
  private owned(input: { Bucket?: string; ExpectedBucketOwner?: string }): FakeBucket {
    const b = this.buckets.get(String(input.Bucket));
    if (!b) throw fakeError('NoSuchBucket', 'The specified bucket does not exist', 404);
    if (b.owner !== this.account || (input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== b.owner))
      throw fakeError('AccessDenied', 'Access Denied', 403);
    return b;
  }
}
