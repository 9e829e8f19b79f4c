/**
 * The local S3 against the real AWS SDK (@aws-sdk/client-s3, @aws-sdk/s3-presigned-post,
 * @aws-sdk/s3-request-presigner): what S3 accepts works, and what S3 refuses fails with S3's code and status
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CDN_CACHE_CONTROL, type LocalStorage, type ObjectCreatedEvent, startLocalStorage } from '../../../../src/local/storage/index.js';

const CREDS = { accessKeyId: 'local', secretAccessKey: 'local-secret' };
const BUCKET = 'pictures';
const MB = 1024 * 1024;

let dir: string;
let storage: LocalStorage;
let offsetMs: number;
let created: ObjectCreatedEvent[];
const clock = { now: () => Date.now() + offsetMs };

async function start(): Promise<LocalStorage> {
  return startLocalStorage({
    dir,
    buckets: [BUCKET],
    credentials: CREDS,
    clock,
    cdn: { bucket: BUCKET, prefix: 'public/' },
    corsOrigins: ['http://localhost:5173'],
    onObjectCreated: (_key, event) => {
      created.push(event);
    },
  });
}

function client(credentials = CREDS): S3Client {
  return new S3Client({ endpoint: storage.url, forcePathStyle: true, region: 'us-east-1', credentials, maxAttempts: 1 });
}

async function failure(work: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await work;
  } catch (err) {
    const e = err as S3ServiceException;
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authstack-storage-'));
  offsetMs = 0;
  created = [];
  storage = await start();
});

afterEach(async () => {
  await storage.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('REST operations with SigV4 header auth', () => {
  it('PutObject, GetObject and HeadObject round-trip the bytes, type, metadata and an MD5 ETag', async () => {
    const s3 = client();
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a/b c.txt', Body: 'hello', ContentType: 'text/plain', Metadata: { owner: 'u1' } }));
    expect(put.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a/b c.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ owner: 'u1' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'a/b c.txt' }));
    expect(head.ContentLength).toBe(5);
    expect(head.ETag).toBe(put.ETag);
    expect(created.map((e) => e.key)).toEqual(['a/b c.txt']);
  });

  it('a missing key is NoSuchKey 404 on GET and 404 on HEAD; DeleteObject of a missing key succeeds (204)', async () => {
    const s3 = client();
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nope' })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'nope' })))).toMatchObject({ name: 'NotFound', status: 404 });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'x' }));
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'x' })))).toMatchObject({ name: 'NoSuchKey' });
  });

  it('ListObjectsV2 lists by prefix, groups by delimiter and pages with continuation tokens', async () => {
    const s3 = client();
    for (const key of ['p/1', 'p/2', 'p/3', 'p/d/4', 'q/5']) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    const grouped = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'p/', Delimiter: '/' }));
    expect(grouped.Contents?.map((o) => o.Key)).toEqual(['p/1', 'p/2', 'p/3']);
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['p/d/']);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 2, ContinuationToken: token }));
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys).toEqual(['p/1', 'p/2', 'p/3', 'p/d/4', 'q/5']);
  });

  it('a wrong secret is SignatureDoesNotMatch 403, an unknown key id InvalidAccessKeyId 403', async () => {
    const wrong = client({ accessKeyId: 'local', secretAccessKey: 'guess' });
    expect(await failure(wrong.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    const unknown = client({ accessKeyId: 'AKIAOTHER', secretAccessKey: 'local-secret' });
    expect(await failure(unknown.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' })))).toMatchObject({
      name: 'InvalidAccessKeyId',
      status: 403,
    });
    expect(created).toEqual([]);
  });

  it('an unsigned request is AccessDenied 403 with S3 XML; an unknown bucket is NoSuchBucket 404', async () => {
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' }));
    const res = await fetch(`${storage.url}/${BUCKET}/k`);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('<Message>Access Denied</Message>');
    expect(await failure(client().send(new GetObjectCommand({ Bucket: 'other', Key: 'k' })))).toMatchObject({ name: 'NoSuchBucket', status: 404 });
  });

  it('a request signed more than 15 minutes away from the server clock is RequestTimeTooSkewed 403', async () => {
    offsetMs = 16 * 60 * 1000;
    expect(await failure(client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })))).toMatchObject({
      name: 'RequestTimeTooSkewed',
      status: 403,
    });
  });

  it('a body that does not match its signed x-amz-content-sha256 is XAmzContentSHA256Mismatch 400', async () => {
    const s3 = client();
    s3.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: unknown };
        request.body = 'tampered';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
    );
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'original', ChecksumAlgorithm: undefined })))).toMatchObject({
      name: 'XAmzContentSHA256Mismatch',
      status: 400,
    });
  });
});

describe('presigned URLs (query auth)', () => {
  it('a presigned GET works until X-Amz-Expires, then AccessDenied "Request has expired" 403', async () => {
    const s3 = client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc', Body: 'secret' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'doc' }), { expiresIn: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('secret');
    offsetMs = 61_000;
    const late = await fetch(url);
    expect(late.status).toBe(403);
    const text = await late.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('<Message>Request has expired</Message>');
  });

  it('a presigned URL for one key does not open another (SignatureDoesNotMatch 403)', async () => {
    const s3 = client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'mine', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'theirs', Body: 'b' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'mine' }), { expiresIn: 60 });
    const res = await fetch(url.replace('/mine?', '/theirs?'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});

/** Posts the form as a browser would: the fields first, the file last. */
async function postForm(post: PresignedPost, file: Uint8Array, extra: Record<string, string> = {}, filename = 'me.jpg'): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...post.fields, ...extra })) form.append(name, value);
  form.append('file', new Blob([file]), filename);
  return fetch(post.url, { method: 'POST', body: form });
}

async function pictureUpload(key = 'uploads/u1/v1', expires = 300): Promise<PresignedPost> {
  return createPresignedPost(client(), {
    Bucket: BUCKET,
    Key: key,
    Conditions: [
      ['content-length-range', 1, 5 * MB],
      ['eq', '$Content-Type', 'image/jpeg'],
    ],
    Fields: { 'Content-Type': 'image/jpeg' },
    Expires: expires,
  });
}

async function errorOf(res: Response): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const text = await res.text();
  return { status: res.status, code: /<Code>(.*?)<\/Code>/.exec(text)?.[1], message: /<Message>(.*?)<\/Message>/.exec(text)?.[1] };
}

describe('presigned POST (POST Object with a policy, sigv4-HTTPPOSTConstructPolicy)', () => {
  it('an upload within the policy is stored (204), typed by the Content-Type field, and fires onObjectCreated', async () => {
    const post = await pictureUpload();
    expect(post.url).toBe(`${storage.url}/${BUCKET}`);
    const res = await postForm(post, Buffer.from('jpeg bytes'));
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    await storage.idle();
    expect(created).toEqual([expect.objectContaining({ bucket: BUCKET, key: 'uploads/u1/v1', size: 10, contentType: 'image/jpeg' })]);
    const head = await client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/u1/v1' }));
    expect(head.ContentType).toBe('image/jpeg');
  });

  it('success_action_status 201 answers the PostResponse XML', async () => {
    const post = await createPresignedPost(client(), {
      Bucket: BUCKET,
      Key: 'k201',
      Fields: { success_action_status: '201' },
      Conditions: [{ success_action_status: '201' }],
    });
    const res = await postForm(post, Buffer.from('x'));
    expect(res.status).toBe(201);
    expect(await res.text()).toContain('<Key>k201</Key>');
  });

  it('a changed signature is SignatureDoesNotMatch 403 and nothing is stored', async () => {
    const post = await pictureUpload();
    const res = await postForm(post, Buffer.from('x'), { 'X-Amz-Signature': '0'.repeat(64) });
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await readdir(path.join(dir, BUCKET))).toEqual([]);
  });

  it('a tampered policy (a bigger size limit) no longer matches its signature: SignatureDoesNotMatch 403', async () => {
    const post = await pictureUpload();
    const policy = JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString()) as { conditions: unknown[] };
    policy.conditions = policy.conditions.map((c) => (Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 50 * MB] : c));
    const res = await postForm(post, Buffer.from('x'), { Policy: Buffer.from(JSON.stringify(policy)).toString('base64') });
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('after the policy expiration: AccessDenied "Invalid according to Policy: Policy expired." 403', async () => {
    const post = await pictureUpload();
    offsetMs = 301_000;
    const res = await postForm(post, Buffer.from('x'));
    expect(await errorOf(res)).toEqual({ status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
  });

  it("another key than the one signed (another user's picture) fails the exact-key condition: AccessDenied 403", async () => {
    const post = await pictureUpload('uploads/u1/v1');
    const res = await postForm(post, Buffer.from('x'), { key: 'uploads/u2/v1' });
    expect(await errorOf(res)).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "uploads/u1/v1"]',
    });
    expect(await failure(client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/u2/v1' })))).toMatchObject({ status: 404 });
  });

  it('a file over content-length-range is EntityTooLarge 400; an empty one EntityTooSmall 400', async () => {
    const post = await pictureUpload();
    const big = await errorOf(await postForm(post, Buffer.alloc(5 * MB + 1)));
    expect(big).toEqual({ status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' });
    const empty = await errorOf(await postForm(post, Buffer.alloc(0)));
    expect(empty).toMatchObject({ status: 400, code: 'EntityTooSmall' });
    expect((await postForm(post, Buffer.alloc(5 * MB))).status).toBe(204);
  });

  it('a Content-Type outside the policy fails its condition: AccessDenied 403', async () => {
    const post = await pictureUpload();
    const res = await postForm(post, Buffer.from('<html>'), { 'Content-Type': 'text/html' });
    expect(await errorOf(res)).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/jpeg"]',
    });
  });

  it('a field the policy does not mention (x-amz-meta-*, acl) is refused: "Extra input fields" AccessDenied 403', async () => {
    const post = await pictureUpload();
    const res = await postForm(post, Buffer.from('x'), { 'x-amz-meta-owner': 'someone' });
    expect(await errorOf(res)).toEqual({ status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Extra input fields: x-amz-meta-owner' });
    const ignored = await postForm(post, Buffer.from('x'), { 'x-ignore-note': 'fine' });
    expect(ignored.status).toBe(204);
  });

  it('starts-with conditions and ${filename} keys work as on S3; the bucket condition binds the bucket', async () => {
    const post = await createPresignedPost(client(), {
      Bucket: BUCKET,
      Key: 'drop/${filename}',
      Conditions: [['starts-with', '$Content-Type', 'image/']],
      Fields: { 'Content-Type': 'image/png' },
    });
    expect((await postForm(post, Buffer.from('png'), {}, 'cat.png')).status).toBe(204);
    await client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'drop/cat.png' }));
    const bad = await postForm(post, Buffer.from('x'), { 'Content-Type': 'text/plain' });
    expect(await errorOf(bad)).toMatchObject({ status: 403, code: 'AccessDenied' });
    const otherBucket = await postForm(post, Buffer.from('x'), { bucket: 'elsewhere' });
    expect(await errorOf(otherBucket)).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('a POST with no policy (anonymous) is AccessDenied 403 on a private bucket', async () => {
    const form = new FormData();
    form.append('key', 'anon');
    form.append('file', new Blob(['x']));
    const res = await fetch(`${storage.url}/${BUCKET}`, { method: 'POST', body: form });
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('a browser at an allowed origin may read the answer (CORS); another origin gets no CORS headers', async () => {
    const post = await pictureUpload();
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', new Blob(['x']));
    const ok = await fetch(post.url, { method: 'POST', body: form, headers: { Origin: 'http://localhost:5173' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const preflight = await fetch(post.url, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(403);
  });
});

describe('the CDN read path', () => {
  it('serves the public prefix to anyone with a long immutable Cache-Control; elsewhere and missing keys are 403', async () => {
    const s3 = client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'public/u1/v1.jpg', Body: 'img', ContentType: 'image/jpeg' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/u1/v1', Body: 'raw' }));
    const res = await fetch(`${storage.cdnUrl}/public/u1/v1.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe(CDN_CACHE_CONTROL);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(await res.text()).toBe('img');
    const revalidated = await fetch(`${storage.cdnUrl}/public/u1/v1.jpg`, { headers: { 'If-None-Match': res.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
    expect((await fetch(`${storage.cdnUrl}/uploads/u1/v1`)).status).toBe(403);
    expect((await fetch(`${storage.cdnUrl}/public/u1/missing.jpg`)).status).toBe(403);
  });
});

describe('durability', () => {
  it("objects survive a restart; a crash's leftovers (temp files, unreferenced data) are cleared on start", async () => {
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'keep', Body: 'kept' }));
    await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'keep', Body: 'kept v2' }));
    await storage.stop();
    await writeFile(path.join(dir, BUCKET, 'abc.json.123.tmp'), 'half');
    await writeFile(path.join(dir, BUCKET, 'orphan.bin'), 'lost');
    storage = await start();
    const got = await client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'keep' }));
    expect(await got.Body?.transformToString()).toBe('kept v2');
    const files = await readdir(path.join(dir, BUCKET));
    expect(files.filter((f) => f.endsWith('.tmp') || f === 'orphan.bin')).toEqual([]);
    expect(files).toHaveLength(2);
  });
});
