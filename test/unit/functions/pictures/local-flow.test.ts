/**
 * The whole upload path on the local S3, with the same S3 code the Lambda runs: a presigned POST for the
 * server-chosen key, the upload, the notification firing the processing function, the picture at its CDN URL.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import exifr from 'exifr';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { eventKey, handleEvent, s3PictureStorage } from '../../../../src/functions/pictures/handler.js';
import { type Outcome, processUpload } from '../../../../src/functions/pictures/process.js';
import { MAX_UPLOAD_BYTES, newVersion, PUBLIC_PREFIX, UPLOAD_PREFIX, uploadKey } from '../../../../src/lambda/picture-keys.js';
import { CDN_CACHE_CONTROL, type LocalStorage, startLocalStorage } from '../../../../src/local/storage/index.js';

const CREDS = { accessKeyId: 'local', secretAccessKey: 'local' };
const SUB = '0b7e2f3a-2222-4c4c-8d8d-abcdefabcdef';
let dir: string;
let storage: LocalStorage;
let s3: S3Client;
const outcomes: Outcome[] = [];
const pictures = new Map<string, string>();

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authstack-pictures-'));
  outcomes.length = 0;
  pictures.clear();
  storage = await startLocalStorage({
    dir,
    buckets: ['pics'],
    credentials: CREDS,
    clock: { now: () => Date.now() },
    cdn: { bucket: 'pics', prefix: PUBLIC_PREFIX },
    onObjectCreatedPrefix: UPLOAD_PREFIX,
    onObjectCreated: async (key) => {
      outcomes.push(
        await processUpload(key, {
          storage: s3PictureStorage(s3, 'pics'),
          publicBaseUrl: storage.cdnUrl,
          setPicture: async (sub, url) => void pictures.set(sub, url),
        }),
      );
    },
  });
  s3 = new S3Client({ endpoint: storage.url, forcePathStyle: true, region: 'us-east-1', credentials: CREDS });
});

afterEach(async () => {
  await storage.stop();
  await rm(dir, { recursive: true, force: true });
});

it('an upload through the presigned POST is processed and served at its CDN URL without EXIF; the raw upload is gone', async () => {
  const key = uploadKey(SUB, newVersion(Date.now(), '12345678'));
  const post = await createPresignedPost(s3, {
    Bucket: 'pics',
    Key: key,
    Conditions: [
      ['content-length-range', 1, MAX_UPLOAD_BYTES],
      ['eq', '$Content-Type', 'image/jpeg'],
    ],
    Fields: { 'Content-Type': 'image/jpeg' },
    Expires: 300,
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append('file', new Blob([await readFile(path.join(import.meta.dirname, '../../../fixtures/pictures/gps-rotated.jpg'))]));
  expect((await fetch(post.url, { method: 'POST', body: form })).status).toBe(204);
  await storage.idle();
  expect(outcomes).toEqual([expect.objectContaining({ status: 'processed' })]);
  const url = pictures.get(SUB)!;
  expect(url.startsWith(`${storage.cdnUrl}/public/${SUB}/`)).toBe(true);
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe(CDN_CACHE_CONTROL);
  expect(await exifr.gps(Buffer.from(await res.arrayBuffer()))).toBeUndefined();
  expect(await s3PictureStorage(s3, 'pics').list('uploads/')).toEqual([]);
});

it('the Lambda entry reads S3 event records (form-encoded keys) and needs its environment', async () => {
  expect(eventKey('uploads/a%2Bb/c+d')).toBe('uploads/a+b/c d');
  const event = { Records: [{ s3: { bucket: { name: 'pics' }, object: { key: 'elsewhere/x' } } }] } as Parameters<typeof handleEvent>[0];
  await expect(handleEvent(event, {})).rejects.toThrow('USER_POOL_ID and PICTURES_URL must be set');
  const env = {
    USER_POOL_ID: 'local_pool',
    PICTURES_URL: storage.cdnUrl,
    AWS_REGION: 'us-east-1',
    S3_ENDPOINT: storage.url,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  expect(await handleEvent(event, env)).toEqual([{ status: 'ignored', reason: 'not-an-upload' }]);
});
