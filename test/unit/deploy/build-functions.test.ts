/** Each declared function built into its own zip, named by its hash, and the template naming each one. */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStackModel, type StackModel } from '../../../src/core/stack-model.js';
import { assetKey } from '../../../src/deploy/assets.js';
import { buildFunctions } from '../../../src/deploy/build-functions.js';
import { synthesize } from '../../../src/deploy/template/index.js';
import { tempDir } from '../../helpers/run-cli.js';

let tmp: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(async () => tmp?.cleanup());

function withWorker(model: StackModel): StackModel {
  return { ...model, functions: [...model.functions, { id: 'worker', entry: 'worker.mjs', handler: 'index.handler', environment: {}, memorySize: 128, timeout: 5 }] };
}

describe('buildFunctions', () => {
  it('uses the API zip as given (the shipped one or --zip) and bundles another function from its entry with esbuild, deterministically', async () => {
    tmp = await tempDir('authstack-build-');
    await writeFile(join(tmp.dir, 'worker.mjs'), 'export const handler = async () => ({ ok: true });\n');
    const model = withWorker(buildStackModel());
    const apiZip = { zip: Buffer.from('api zip'), file: 'api.zip' };
    const first = await buildFunctions(model, { projectDir: tmp.dir, apiZip });
    const again = await buildFunctions(model, { projectDir: tmp.dir, apiZip });
    expect(first.api!.sha256).toBe(createHash('sha256').update('api zip').digest('hex'));
    expect(first.worker!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.worker!.zip.subarray(0, 2).toString()).toBe('PK');
    expect(again.worker!.sha256).toBe(first.worker!.sha256);
    // Each function's Code names its own object.
    const template = synthesize(model, first);
    expect(template.Resources.Function!.Properties!.Code).toMatchObject({ S3Key: assetKey(first.api!) });
    expect(template.Resources.WorkerFunction!.Properties!.Code).toMatchObject({ S3Key: assetKey(first.worker!) });
  });

  it('a function whose entry does not build is one clear line naming the entry', async () => {
    tmp = await tempDir('authstack-build-');
    await writeFile(join(tmp.dir, 'worker.mjs'), 'export const handler = async () => {;\n');
    await expect(buildFunctions(withWorker(buildStackModel()), { projectDir: tmp.dir, apiZip: { zip: Buffer.from('x'), file: 'x' } })).rejects.toThrow(
      new RegExp(`^Could not build the function ${join(tmp.dir, 'worker.mjs').replace(/[/.]/g, '\\$&')}: line 2: Unexpected end of file$`),
    );
  });
});
