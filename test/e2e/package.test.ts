import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cliProcess, workspace } from '../helpers/e2e.js';
import { readZip } from '../helpers/lambda-zip.js';

let ws: Awaited<ReturnType<typeof workspace>>;
beforeAll(async () => (ws = await workspace()));
afterAll(async () => ws?.cleanup());

describe('authstack package', () => {
  it('writes the same zip, byte for byte, on every run, and prints its size and SHA-256', async () => {
    const a = await cliProcess(['package', '--out', 'a.zip', '--json'], { cwd: ws.cwd, env: ws.env, timeoutMs: 60_000 });
    const b = await cliProcess(['package', '--out', 'b.zip', '--json'], { cwd: ws.cwd, env: ws.env, timeoutMs: 60_000 });
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.json().sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.json().sha256).toBe(b.json().sha256);
    const [za, zb] = await Promise.all([readFile(join(ws.cwd, 'a.zip')), readFile(join(ws.cwd, 'b.zip'))]);
    expect(za.equals(zb)).toBe(true);
    expect(a.json().size).toBe(za.length);
  });

  it('writes exactly the zip this version ships (dist/lambda.zip), the bytes deploy uploads', async () => {
    const shipped = await readFile(join(ROOT, 'dist', 'lambda.zip'));
    expect((await readFile(join(ws.cwd, 'a.zip'))).equals(shipped)).toBe(true);
    expect(JSON.parse(await readFile(join(ROOT, 'dist', 'lambda.json'), 'utf8')).sha256).toBe(createHash('sha256').update(shipped).digest('hex'));
  });

  it('the zip unpacks to a handler that node can import and that answers a health event', async () => {
    const zip = await readFile(join(ws.cwd, 'a.zip'));
    const dir = join(ws.cwd, 'unzipped');
    for (const entry of readZip(zip)) {
      await mkdir(dirname(join(dir, entry.name)), { recursive: true });
      await writeFile(join(dir, entry.name), entry.data);
    }
    await copyFile(join(ROOT, 'test', 'fixtures', 'lambda', 'run-health.mjs'), join(dir, 'run-health.mjs'));
    // A plain `node file.mjs`: `node -e` would leak a global require and hide a missing createRequire banner.
    const { stderr } = await promisify(execFile)(process.execPath, [join(dir, 'run-health.mjs')], { cwd: dir, env: { PATH: process.env.PATH } });
    const result = JSON.parse(stderr.slice(stderr.indexOf('RESULT ') + 7));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'healthy' });
  });
});
