/**
 * `authstack dev --pictures`: the local S3, the processing function in the local function runtime on each upload
 * (the Lambda entry deploy ships, its clients pointed at the local S3 and Cognito), the API with the bucket in its
 * environment, the CDN path; driven through the real CLI and the API's presigned POST.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDN_CACHE_CONTROL } from '../../src/local/storage/index.js';
import { cli, ROOT, startDev, workspace, type DevProcess } from '../helpers/e2e.js';

const PASSWORD = 'Corr3ct-horse!';
const JPEG = join(ROOT, 'test/fixtures/pictures/gps-rotated.jpg');
let ws: Awaited<ReturnType<typeof workspace>>;
let dev: DevProcess;
let local: { userPoolId: string; clientId: string; cognitoEndpoint: string; apiUrl: string; picturesUrl?: string };
let cognito: CognitoIdentityProviderClient;
const run = (args: string[], stdin?: string) => cli(args, { cwd: ws.cwd, env: ws.env, stdin, timeoutMs: 30_000 });

async function createUser(email: string): Promise<string> {
  await cognito.send(
    new AdminCreateUserCommand({ UserPoolId: local.userPoolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }),
  );
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: local.userPoolId, Username: email, Password: PASSWORD, Permanent: true }));
  const auth = await cognito.send(
    new InitiateAuthCommand({ ClientId: local.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
  );
  return auth.AuthenticationResult!.AccessToken!;
}

async function presignedPost(token: string): Promise<{ url: string; fields: Record<string, string>; key: string }> {
  const res = await fetch(`${local.apiUrl}/user/picture`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { url: string; fields: Record<string, string>; key: string };
}

function form(fields: Record<string, string>, bytes: Uint8Array): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', new Blob([bytes], { type: 'image/jpeg' }));
  return body;
}

const profilePicture = async (token: string): Promise<string | null | undefined> =>
  ((await (await fetch(`${local.apiUrl}/user/profile`, { headers: { authorization: `Bearer ${token}` } })).json()) as { picture?: string | null }).picture;

beforeAll(async () => {
  ws = await workspace();
  dev = await startDev(ws, ['--pictures', '--storage-port', '0']);
  local = JSON.parse(await readFile(join(ws.cwd, '.authstack', 'targets.json'), 'utf8')).targets.local;
  cognito = new CognitoIdentityProviderClient({ endpoint: local.cognitoEndpoint, region: 'local', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
}, 30_000);

afterAll(async () => {
  await dev?.stop();
  await ws?.cleanup();
});

describe('authstack dev --pictures', () => {
  it('says where the local S3 and the pictures CDN are, and outputs --json carries PicturesUrl as the AWS target does', async () => {
    expect(local.picturesUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_cdn$/);
    expect(dev.output()).toContain(local.picturesUrl);
    const out = await run(['outputs', '--json']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.json()).toMatchObject({ PicturesUrl: local.picturesUrl });
  });

  it('picture set: a JPEG with EXIF GPS is processed in the function runtime and served from the CDN URL, immutable, with no EXIF', async () => {
    await createUser('ada@example.com');
    const login = await run(['login', 'ada@example.com', '--password-stdin'], PASSWORD);
    expect(login.code, login.stderr).toBe(0);
    expect(await exifr.gps(await readFile(JPEG))).toMatchObject({ latitude: expect.any(Number) });
    const set = await run(['picture', 'set', JPEG, '--json']);
    expect(set.code, set.stderr).toBe(0);
    const { picture } = set.json() as { picture: string };
    expect(picture.startsWith(`${local.picturesUrl}/public/`)).toBe(true);
    const res = await fetch(picture);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe(CDN_CACHE_CONTROL);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(await exifr.parse(bytes)).toBeUndefined();
    // The processing function's own log line reached dev's output.
    expect(dev.output()).toMatch(/λ .*status=processed.*\[pictures\]/);
  });

  it('a text file named .jpg, posted straight to the bucket with valid fields, is dropped: no picture is set or served', async () => {
    const token = await createUser('bob@example.com');
    const post = await presignedPost(token);
    const text = new TextEncoder().encode('not a picture at all, only text\n'.repeat(8));
    expect((await fetch(post.url, { method: 'POST', body: form(post.fields, text) })).status).toBe(204);
    // The outcome is logged by the function: wait for it, then nothing of bob's is public.
    await expect.poll(() => new RegExp(`key=${post.key} status=dropped`).test(dev.output()), { timeout: 10_000, interval: 50 }).toBe(true);
    expect(await profilePicture(token)).toBeNull();
    const sub = post.key.split('/')[1]!;
    const version = post.key.split('/')[2]!;
    expect((await fetch(`${local.picturesUrl}/public/${sub}/${version}.jpg`)).status).toBe(403);
    expect((await fetch(`${local.picturesUrl}/${post.key}`)).status).toBe(403);
  });

  it("one user cannot write another's key: the POST policy names the exact key (S3's AccessDenied)", async () => {
    const eve = await createUser('eve@example.com');
    const victim = await createUser('carol@example.com');
    const eves = await presignedPost(eve);
    const carols = await presignedPost(victim);
    const jpeg = await readFile(JPEG);
    // Eve's signed fields with Carol's key: the policy's `key` condition fails.
    const res = await fetch(eves.url, { method: 'POST', body: form({ ...eves.fields, key: carols.key }, jpeg) });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    expect(await profilePicture(victim)).toBeNull();
  });

  it("the console shows each user's picture: the users it lists carry it, and its page may load images from the CDN", async () => {
    const base = `${local.cognitoEndpoint}/_authstack`;
    const { users } = (await (await fetch(`${base}/api/users`)).json()) as { users: { email?: string; attributes: Record<string, string> }[] };
    expect(users.find((u) => u.email === 'ada@example.com')?.attributes.picture).toMatch(new RegExp(`^${local.picturesUrl}/public/`));
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toContain(`img-src 'self' data: ${new URL(local.picturesUrl!).origin};`);
    expect(await page.text()).toContain("el('img', { class: 'picture'");
    // The page's script is still valid JavaScript with that rendering in it.
    const html = await (await fetch(`${base}/`)).text();
    const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(() => new Function(script)).not.toThrow();
  });

  it('smoke uploads a tiny JPEG with GPS, fetches it through the CDN without metadata, removes it, and leaves nothing', async () => {
    const r = await run(['smoke', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json() as { ok: boolean; steps: { name: string; status: string; message?: string }[] };
    expect(report.ok).toBe(true);
    const names = report.steps.map((s) => s.name);
    expect(names.slice(names.indexOf('picture upload'), names.indexOf('picture remove') + 1)).toEqual([
      'picture upload',
      'picture through the CDN, without metadata',
      'picture remove',
    ]);
    const served = report.steps.find((s) => s.name === 'picture through the CDN, without metadata')!;
    expect(served).toMatchObject({ status: 'passed', message: expect.stringMatching(new RegExp(`^${local.picturesUrl}/public/`)) });
    // Removed: the CDN no longer has it.
    expect((await fetch(served.message!)).status).toBe(403);
    expect(report.steps.find((s) => s.name === 'picture remove')).toMatchObject({ status: 'passed', message: '2 objects removed' });
  });

  it('keeps the objects under .authstack/local/storage', async () => {
    const files = await readdir(join(ws.cwd, '.authstack', 'local', 'storage', 'authstack-local-pictures'));
    // Ada's picture and its thumbnail: each object's bytes and its metadata beside them.
    expect(files.length).toBeGreaterThanOrEqual(4);
  });
});
