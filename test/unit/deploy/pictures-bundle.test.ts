import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPicturesBundle, PHOTON_WASM_FILE, writeBundleFiles, zipBundle } from '../../../src/deploy/bundle.js';
import { tempDir } from '../../helpers/local-temp.js';

describe('the pictures function bundle', () => {
  it('is index.mjs and photon’s .wasm beside it, zipped to the same bytes on every build, and its handler processes a JPEG from that folder', async () => {
    const [a, b] = [await buildPicturesBundle(), await buildPicturesBundle()];
    expect(a.files.map((f) => f.path)).toEqual(['index.mjs', PHOTON_WASM_FILE]);
    // WebAssembly's magic number: the real module, not a pointer to one.
    expect([...a.files[1]!.contents.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
    expect((await zipBundle(a.files)).equals(await zipBundle(b.files))).toBe(true);

    const dir = await tempDir('authstack-pictures-bundle-');
    try {
      await writeBundleFiles(join(dir.path, 'index.mjs'), a.files);
      // A fresh process with no node_modules in reach: photon is inside the bundle, its .wasm read from beside it.
      const probe = `
        const m = await import(${JSON.stringify(join(dir.path, 'index.mjs'))});
        const puts = [];
        const storage = { get: async () => new Uint8Array(${JSON.stringify([...readFileSync('test/fixtures/pictures/gps-rotated.jpg')])}),
          put: async (k) => void puts.push(k), delete: async () => {}, list: async () => [] };
        const outcome = await m.processUpload('uploads/sub-1/000000001-0123abcd', { storage, setPicture: async () => {}, publicBaseUrl: 'https://cdn.example' });
        console.log(JSON.stringify({ handler: typeof m.handler, status: outcome.status, puts }));`;
      const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir.path, encoding: 'utf8' })) as {
        handler: string;
        status: string;
        puts: string[];
      };
      expect(out).toEqual({
        handler: 'function',
        status: 'processed',
        puts: ['public/sub-1/000000001-0123abcd.jpg', 'public/sub-1/000000001-0123abcd-thumb.jpg'],
      });
    } finally {
      await dir.remove();
    }
  });
});

describe('reading the zip back (what dev runs from the shipped zip)', () => {
  it('gives the very files that were zipped, in order, and refuses what is not a zip', async () => {
    const { readZipEntries } = await import('../../../src/deploy/unzip.js');
    const files = [
      { path: 'index.mjs', contents: Buffer.from('export const handler = () => 1;\n'.repeat(50)) },
      { path: 'x/photon_rs_bg.wasm', contents: Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) },
    ];
    expect(readZipEntries(await zipBundle(files))).toEqual(files);
    expect(() => readZipEntries(Buffer.from('not a zip'))).toThrow(/not a zip/);
  });
});
