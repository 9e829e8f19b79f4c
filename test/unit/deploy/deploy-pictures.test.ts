import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployWorld, type DeployWorld } from './helpers.js';
import { loadShippedPictures, shippedPicturesPaths } from '../../../src/deploy/artifact.js';
import { PICTURES_IDS } from '../../../src/deploy/template/pictures.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const BUCKET = 'authstack-assets-123456789012-us-east-1';
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('authstack deploy --pictures', () => {
  it('uploads the shipped pictures zip once, by its hash, and the template names it as the processing function’s code', async () => {
    w = await deployWorld();
    const zip = await readFile(shippedPicturesPaths().zip);
    const r = await w.deploy(['--pictures', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const key = `functions/${hex(zip)}.zip`;
    expect(
      w.aws.s3.buckets
        .get(BUCKET)!
        .objects.get(key)
        ?.map((v) => v.body.equals(zip)),
    ).toEqual([true]);
    const template = JSON.parse(w.aws.cfn.get('authstack')!.templateBody) as { Resources: Record<string, { Properties: { Code?: { S3Key?: unknown } } }> };
    expect(template.Resources[PICTURES_IDS.function]!.Properties.Code).toMatchObject({ S3Bucket: expect.anything(), S3Key: key });
    // The target records the CDN URL, as dev's does.
    const targets = JSON.parse(await readFile(join(w.dir, '.authstack', 'targets.json'), 'utf8'));
    expect(targets.targets.authstack.picturesUrl).toMatch(/^https:\/\//);

    // Again, unchanged: nothing is uploaded twice.
    const puts = w.aws.count('s3', 'PutObject');
    expect((await w.deploy(['--pictures', '--json'])).code).toBe(0);
    expect(w.aws.count('s3', 'PutObject')).toBe(puts);
  });

  it('synth --pictures names the same zip: its hash in the assets and the processing function’s S3 key', async () => {
    w = await deployWorld();
    const r = await w.run(['synth', '--pictures', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const shipped = await loadShippedPictures();
    expect(r.json().assets.pictures).toEqual({ sha256: shipped.sha256 });
    expect(JSON.stringify(r.json().template.Resources[PICTURES_IDS.function].Properties.Code)).toContain(`${shipped.sha256}.zip`);
  });

  it('an installation without the built pictures package is one line naming the file, exit 2', async () => {
    const root = await mkdtemp(join(tmpdir(), 'authstack-no-pictures-'));
    try {
      await expect(loadShippedPictures(root)).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining(join(root, 'dist', 'pictures.zip')) });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
