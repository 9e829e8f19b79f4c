/**
 * `authstack picture set | url | remove` against a fake API (the three routes, in a few lines) whose uploads go to
 * the local S3, where the real processing code publishes them: the commands follow the API's flow end to end.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore, sessionKey } from '../../../src/core/sessions.js';
import { s3PictureStorage } from '../../../src/functions/pictures/handler.js';
import { processUpload } from '../../../src/functions/pictures/process.js';
import { MAX_UPLOAD_BYTES, newVersion, PUBLIC_PREFIX, UPLOAD_PREFIX, uploadKey } from '../../../src/lambda/picture-keys.js';
import { type LocalStorage, startLocalStorage } from '../../../src/local/storage/index.js';
import { hasStackTrace } from '../../helpers/lambda-events.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

const SUB = '7a7a7a7a-3333-4e4e-9f9f-000000000007';
const TARGET = { cognitoEndpoint: 'http://127.0.0.1:9', region: '', userPoolId: 'us-east-1_Test', clientId: 'client123' };
const CREDS = { accessKeyId: 'local', secretAccessKey: 'local' };

let tmp: Awaited<ReturnType<typeof tempDir>>;
let storage: LocalStorage;
let api: http.Server;
let apiUrl: string;
let picture: string | null;
let calls: string[];

beforeEach(async () => {
  tmp = await tempDir();
  picture = null;
  calls = [];
  let s3: S3Client | undefined;
  storage = await startLocalStorage({
    dir: join(tmp.dir, 'storage'),
    buckets: ['pics'],
    credentials: CREDS,
    clock: { now: () => Date.now() },
    cdn: { bucket: 'pics', prefix: PUBLIC_PREFIX },
    onObjectCreatedPrefix: UPLOAD_PREFIX,
    onObjectCreated: async (key) => {
      await processUpload(key, {
        storage: s3PictureStorage(s3!, 'pics'),
        publicBaseUrl: storage.cdnUrl,
        setPicture: async (_sub, url) => void (picture = url),
      });
    },
  });
  s3 = new S3Client({ endpoint: storage.url, forcePathStyle: true, region: 'us-east-1', credentials: CREDS });
  api = http.createServer(async (req, res) => {
    calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== 'Bearer access-token') return send(401, { error: { code: 'InvalidToken', message: 'bad token' } });
    if (req.method === 'POST' && req.url === '/user/picture') {
      const version = newVersion(Date.now(), 'abcdef01');
      const key = uploadKey(SUB, version);
      const post = await createPresignedPost(s3!, {
        Bucket: 'pics',
        Key: key,
        Conditions: [
          ['content-length-range', 1, MAX_UPLOAD_BYTES],
          ['eq', '$Content-Type', 'image/jpeg'],
        ],
        Fields: { 'Content-Type': 'image/jpeg' },
        Expires: 300,
      });
      return send(200, { ...post, key, version, content_type: 'image/jpeg', max_bytes: MAX_UPLOAD_BYTES, expires_in: 300 });
    }
    if (req.method === 'GET' && req.url === '/user/profile') {
      // The profile answers once processing has settled, so the command's first look finds the picture (no sleep).
      await storage.idle();
      return send(200, { username: SUB, sub: SUB, email: 'ada@example.com', email_verified: true, groups: [], attributes: {}, picture });
    }
    if (req.method === 'DELETE' && req.url === '/user/picture') {
      const removed = picture ? 2 : 0;
      picture = null;
      return send(200, { picture: null, removed });
    }
    send(404, { error: { code: 'NotFound', message: 'no route' } });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  await mkdir(join(tmp.dir, 'config'), { recursive: true });
  await new SessionStore(join(tmp.dir, 'config')).set(sessionKey(TARGET), {
    username: 'ada@example.com',
    accessToken: 'access-token',
    expiresAt: Date.now() + 3_600_000,
  });
});

afterEach(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  api.closeAllConnections();
  await storage.stop();
  await tmp.cleanup();
});

const env = () => ({
  AUTHSTACK_API_URL: apiUrl,
  AUTHSTACK_USER_POOL_ID: TARGET.userPoolId,
  AUTHSTACK_USER_POOL_CLIENT_ID: TARGET.clientId,
  AUTHSTACK_COGNITO_ENDPOINT: TARGET.cognitoEndpoint,
});
const cli = (argv: string[]) => runCli(argv, { cwd: tmp.dir, env: env() });
const FIXTURE = join(import.meta.dirname, '../../fixtures/pictures/gps-rotated.jpg');

describe('authstack picture', () => {
  it('set uploads through the presigned POST, waits for processing and prints the CDN URL; url prints it; remove clears it', async () => {
    await writeFile(join(tmp.dir, 'me.jpg'), await readFile(FIXTURE));
    const set = await cli(['picture', 'set', 'me.jpg', '--json']);
    expect(set.code, set.stderr).toBe(0);
    const doc = set.json<{ picture: string; version: string; bytes: number }>();
    expect(doc.picture).toBe(picture);
    expect(doc.picture.startsWith(`${storage.cdnUrl}/public/${SUB}/${doc.version}`)).toBe(true);
    expect((await fetch(doc.picture)).status).toBe(200);
    expect(calls.filter((c) => c.startsWith('POST /user/picture'))).toHaveLength(1);

    const url = await cli(['picture', 'url']);
    expect(url.code, url.stderr).toBe(0);
    expect(url.stdout.trim()).toBe(doc.picture);

    const removed = await cli(['picture', 'remove', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.json()).toEqual({ picture: null, removed: 2 });
    expect((await cli(['picture', 'url', '--json'])).json()).toEqual({ picture: null });
  });

  it('refuses a text file named .jpg and a file over 5 MB before sending anything (one line, exit 2)', async () => {
    await writeFile(join(tmp.dir, 'fake.jpg'), 'this is not an image');
    await writeFile(join(tmp.dir, 'big.jpg'), Buffer.alloc(5 * 1024 * 1024 + 1, 0xff));
    for (const [file, says] of [
      ['fake.jpg', 'is not a JPEG, PNG, WebP or GIF image'],
      ['big.jpg', 'a picture may be at most 5 MB'],
    ] as const) {
      const r = await cli(['picture', 'set', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(says);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect(await cli(['picture', 'set', 'missing.jpg']).then((r) => r.code)).not.toBe(0);
    expect(calls).toEqual([]);
  });

  it('a stack without pictures (404) is one clear line', async () => {
    await writeFile(join(tmp.dir, 'me.jpg'), await readFile(FIXTURE));
    api.removeAllListeners('request');
    api.on('request', (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound","message":"no"}}'));
    const r = await cli(['picture', 'set', 'me.jpg']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('This stack has no pictures.');
  });
});
