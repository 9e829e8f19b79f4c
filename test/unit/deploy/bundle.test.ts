import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageLambda, REQUIRE_BANNER, writeLambdaBundle, zipBundle, type LambdaPackage } from '../../../src/deploy/bundle.js';
import { loadShippedLambda, shippedLambdaPaths } from '../../../src/deploy/artifact.js';
import { packageRoot } from '../../../src/deploy/package-root.js';
import { readZip } from '../../helpers/lambda-zip.js';

const run = promisify(execFile);
const fixture = path.join(packageRoot(), 'test', 'fixtures', 'lambda', 'run-health.mjs');
/** Loopback only, and no credential lookups that could leave the machine. */
const childEnv = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  USER_POOL_ID: 'us-east-1_TestPool1',
  USER_POOL_CLIENT_ID: 'testclientid123',
  COGNITO_ENDPOINT: 'http://127.0.0.1:9',
};

let first: LambdaPackage;
let tmp: string;

beforeAll(async () => {
  first = await packageLambda();
  tmp = await mkdtemp(path.join(tmpdir(), 'authstack-bundle-'));
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function unzipTo(zip: Buffer, dir: string): Promise<void> {
  for (const entry of readZip(zip)) {
    const target = path.join(dir, ...entry.name.split('/'));
    expect(path.relative(dir, target).startsWith('..')).toBe(false);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, entry.data);
  }
}

async function runNode(dir: string, script: string): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [script], { cwd: dir, env: childEnv, timeout: 15_000 });
}

describe('the Lambda package', () => {
  it('is byte-identical across builds, with the SHA-256 of its bytes', async () => {
    const second = await packageLambda();
    expect(second.zip.equals(first.zip)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(first.sha256).toBe(createHash('sha256').update(first.zip).digest('hex'));
    expect(first.size).toBe(first.zip.length);
  }, 60_000);

  it('is the zip the build ships in dist/lambda.zip, with its SHA-256 in dist/lambda.json, so every install deploys these bytes', async () => {
    const shipped = await loadShippedLambda();
    expect(shipped.zip.equals(first.zip)).toBe(true);
    expect(shipped.sha256).toBe(first.sha256);
    expect(JSON.parse(await readFile(shippedLambdaPaths().manifest, 'utf8'))).toMatchObject({
      sha256: first.sha256,
      size: first.size,
      bundleSize: first.bundleSize,
    });
  });

  it('holds, file for file, what dev runs from dist/lambda/', async () => {
    const dir = path.dirname(shippedLambdaPaths().bundle);
    for (const entry of readZip(first.zip)) expect((await readFile(path.join(dir, ...entry.name.split('/')))).equals(entry.data), entry.name).toBe(true);
  });

  it('refuses a shipped zip whose bytes differ from the SHA-256 its build recorded', async () => {
    const root = path.join(tmp, 'tampered');
    await mkdir(path.join(root, 'dist'), { recursive: true });
    await writeFile(path.join(root, 'dist', 'lambda.zip'), Buffer.concat([first.zip, Buffer.from('x')]));
    await writeFile(path.join(root, 'dist', 'lambda.json'), JSON.stringify({ sha256: first.sha256 }));
    await expect(loadShippedLambda(root)).rejects.toMatchObject({ code: 'LambdaPackageMismatch' });
    await expect(loadShippedLambda(path.join(tmp, 'never-built'))).rejects.toMatchObject({ code: 'NoLambdaPackage' });
  });

  it('holds index.mjs and its chunks, in path order, dated 1980-01-01 with mode 0644', () => {
    const entries = readZip(first.zip);
    const names = entries.map((e) => e.name);
    expect(names).toContain('index.mjs');
    expect(names).toEqual([...names].sort());
    for (const e of entries) {
      expect(e.name).toMatch(/^(index\.mjs|chunks\/[\w-]+\.mjs)$/);
      expect(e.mode).toBe(0o644);
      expect(e.dosDate).toBe((0 << 9) | (1 << 5) | 1);
      expect(e.dosTime).toBe(0);
    }
    expect(first.bundleSize).toBe(entries.reduce((n, e) => n + e.data.length, 0));
  });

  it('starts every file with the createRequire banner that bundled CommonJS code needs', () => {
    for (const e of readZip(first.zip)) expect(e.data.toString('utf8').startsWith(REQUIRE_BANNER)).toBe(true);
  });

  it('unzips and answers a health event with `node file.mjs`, reporting the package version', async () => {
    const dir = path.join(tmp, 'health');
    await unzipTo(first.zip, dir);
    await copyFile(fixture, path.join(dir, 'run-health.mjs'));
    const { stdout, stderr } = await runNode(dir, 'run-health.mjs');
    const result = JSON.parse(/RESULT (.*)/.exec(stderr)![1]!);
    const { version } = JSON.parse(await readFile(path.join(packageRoot(), 'package.json'), 'utf8'));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'healthy', version });
    // The one request log line is JSON on stdout.
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'request', status: 200, path: '/app/health' });
  }, 30_000);

  it('loads the bundled Cognito client (CommonJS parts included) and turns an unreachable Cognito into 503', async () => {
    const dir = path.join(tmp, 'signup');
    await unzipTo(first.zip, dir);
    await writeFile(
      path.join(dir, 'run-signup.mjs'),
      `const { handler } = await import('./index.mjs');
const r = await handler({ httpMethod: 'POST', path: '/user', headers: {}, body: JSON.stringify({ username: 'a@example.com', password: 'Passw0rd!' }), isBase64Encoded: false, requestContext: { requestId: 'r' } }, { awsRequestId: 'l', getRemainingTimeInMillis: () => 5000 });
process.stderr.write('RESULT ' + JSON.stringify(r) + '\\n');
process.exit(0);
`,
    );
    const { stderr } = await runNode(dir, 'run-signup.mjs');
    const result = JSON.parse(/RESULT (.*)/.exec(stderr)![1]!);
    expect(result.statusCode).toBe(503);
    expect(result.headers['Retry-After']).toBeDefined();
  }, 30_000);

  it('is accepted by the system unzip, when there is one', async (ctx) => {
    if (spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status !== 0) ctx.skip();
    const file = path.join(tmp, 'lambda.zip');
    await writeFile(file, first.zip);
    const check = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
    expect(check.status).toBe(0);
  });
});

describe('zipBundle', () => {
  it('zips a single buffer as index.mjs, deterministically', async () => {
    const code = Buffer.from('export const handler = async () => ({ statusCode: 200, body: "" });\n');
    const [a, b] = await Promise.all([zipBundle(code), zipBundle(code)]);
    expect(a.equals(b)).toBe(true);
    const entries = readZip(a);
    expect(entries.map((e) => e.name)).toEqual(['index.mjs']);
    expect(entries[0]!.data.equals(code)).toBe(true);
  });
});

describe('writeLambdaBundle', () => {
  it('writes the entry with its chunks beside it, runnable with `node file.mjs`', async () => {
    const dir = path.join(tmp, 'written');
    await writeLambdaBundle(path.join(dir, 'index.mjs'));
    await copyFile(fixture, path.join(dir, 'run-health.mjs'));
    const { stderr } = await runNode(dir, 'run-health.mjs');
    expect(JSON.parse(/RESULT (.*)/.exec(stderr)![1]!).statusCode).toBe(200);
  }, 60_000);
});
