/**
 * The picture routes of the built-in API, with the real S3 presigned-POST signer against the local S3 (which
 * checks the policy as S3 does) and Cognito mocked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CognitoIdentityProviderClient, DeleteUserAttributesCommand, GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, parseUploadKey } from '../../../src/lambda/picture-keys.js';
import { type LocalStorage, startLocalStorage } from '../../../src/local/storage/index.js';
import { bodyOf, harness, testEnv } from '../../helpers/lambda-events.js';
import { accessClaims, type JwksServer, signingKey, signJwt, startJwksServer } from '../../helpers/lambda-jwt.js';
import { mockClientInFile } from '../../helpers/sdk-mock.js';

const CLIENT_ID = 'testclientid123';
const SUB = '5f0c7a1e-0000-4000-8000-000000000001';
const key = signingKey('key-1');
const cognito = mockClientInFile(CognitoIdentityProviderClient);
const CREDS = { accessKeyId: 'local', secretAccessKey: 'local' };
let jwks: JwksServer;
let storage: LocalStorage;
let dir: string;

beforeAll(async () => {
  jwks = await startJwksServer([key]);
  dir = await mkdtemp(path.join(tmpdir(), 'authstack-picture-route-'));
  storage = await startLocalStorage({ dir, buckets: ['pics'], credentials: CREDS, clock: { now: () => Date.now() } });
});
afterAll(async () => {
  await jwks.close();
  await storage.stop();
  await rm(dir, { recursive: true, force: true });
});
let attributes: Array<{ Name: string; Value: string }>;
beforeEach(() => {
  cognito.reset();
  attributes = [
    { Name: 'sub', Value: SUB },
    { Name: 'email', Value: 'alice@example.com' },
  ];
  cognito.on(GetUserCommand).callsFake(async () => ({ Username: 'alice', UserAttributes: attributes }));
  cognito.on(DeleteUserAttributesCommand).resolves({});
});

function env(pictures = true) {
  return testEnv({
    TOKEN_ISSUER: jwks.issuer,
    JWKS_URI: jwks.jwksUri,
    PROFILE_CACHE_SECONDS: '0',
    ...(pictures
      ? { PICTURES_BUCKET: 'pics', PICTURES_URL: 'https://cdn.example/', S3_ENDPOINT: storage.url, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }
      : {}),
  });
}
const auth = () => ({ Authorization: `Bearer ${signJwt(key, accessClaims(jwks.issuer, CLIENT_ID))}` });

async function post(form: { url: string; fields: Record<string, string> }, bytes: Uint8Array, extra: Record<string, string> = {}) {
  const data = new FormData();
  for (const [k, v] of Object.entries({ ...form.fields, ...extra })) data.append(k, v);
  data.append('file', new Blob([bytes]));
  return fetch(form.url, { method: 'POST', body: data });
}

describe('pictures off', () => {
  it('POST and DELETE /user/picture are 404s like any unknown path, and the profile has no picture field', async () => {
    const h = harness(env(false));
    for (const method of ['POST', 'DELETE', 'OPTIONS']) {
      expect((await h.invoke({ method, path: '/user/picture', headers: auth() })).statusCode).toBe(404);
    }
    const profile = bodyOf(await h.invoke({ path: '/user/profile', headers: auth() }));
    expect(profile).not.toHaveProperty('picture');
  });
});

describe('POST /user/picture', () => {
  it("answers a presigned POST for the user's own new key, ≤ 5 MB, the asked type, 5 minutes; S3 takes exactly that", async () => {
    const res = await harness(env()).invoke({ method: 'POST', path: '/user/picture', headers: auth(), body: { content_type: 'image/png' } });
    expect(res.statusCode).toBe(200);
    const body = bodyOf(res);
    expect(body).toMatchObject({ url: `${storage.url}/pics`, content_type: 'image/png', max_bytes: MAX_UPLOAD_BYTES, expires_in: 300 });
    expect(parseUploadKey(body.key)).toEqual({ sub: SUB, version: body.version });
    expect(body.fields.key).toBe(body.key);
    const policy = JSON.parse(Buffer.from(body.fields.Policy, 'base64').toString()) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([['content-length-range', 1, MAX_UPLOAD_BYTES], ['eq', '$Content-Type', 'image/png'], { key: body.key }]),
    );
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(300_000);
    expect((await post(body, Buffer.from('png'))).status).toBe(204);
    const other = await post(body, Buffer.from('png'), { key: `uploads/someone-else/${body.version}` });
    expect(other.status).toBe(403);
    expect(await post(body, Buffer.from('gif'), { 'Content-Type': 'image/gif' }).then((r) => r.status)).toBe(403);
  });

  it('each request gets a new version; JPEG is the default type', async () => {
    const h = harness(env());
    const a = bodyOf(await h.invoke({ method: 'POST', path: '/user/picture', headers: auth() }));
    const b = bodyOf(await h.invoke({ method: 'POST', path: '/user/picture', headers: auth() }));
    expect(a.content_type).toBe('image/jpeg');
    expect(a.key).not.toBe(b.key);
  });

  it('refuses a type outside the short list (400 naming the field) and a missing token (401)', async () => {
    const h = harness(env());
    const bad = await h.invoke({ method: 'POST', path: '/user/picture', headers: auth(), body: { content_type: 'image/svg+xml' } });
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).error).toMatchObject({ code: 'InvalidField', message: expect.stringContaining('content_type') });
    expect((await h.invoke({ method: 'POST', path: '/user/picture' })).statusCode).toBe(401);
  });
});

describe('DELETE /user/picture and the profile', () => {
  it('GET /user/profile returns picture (null when none); DELETE removes the objects and clears the attribute', async () => {
    const h = harness(env());
    expect(bodyOf(await h.invoke({ path: '/user/profile', headers: auth() })).picture).toBeNull();
    attributes.push({ Name: 'picture', Value: `https://cdn.example/public/${SUB}/v.jpg` });
    const profile = bodyOf(await h.invoke({ path: '/user/profile', headers: auth() }));
    expect(profile.picture).toBe(`https://cdn.example/public/${SUB}/v.jpg`);
    expect(profile.attributes).not.toHaveProperty('picture');

    const form = bodyOf(await h.invoke({ method: 'POST', path: '/user/picture', headers: auth() }));
    expect((await post(form, Buffer.from('jpg'))).status).toBe(204);
    const res = await h.invoke({ method: 'DELETE', path: '/user/picture', headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res).removed).toBeGreaterThanOrEqual(1);
    const again = await h.invoke({ method: 'DELETE', path: '/user/picture', headers: auth() });
    expect(bodyOf(again)).toEqual({ picture: null, removed: 0 });
    expect(cognito.commandCalls(DeleteUserAttributesCommand)[0]!.args[0].input).toMatchObject({ UserAttributeNames: ['picture'] });
  });
});
