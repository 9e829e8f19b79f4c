// `node bench/pictures.mjs`: the picture processing function's figures, for the choice of image library: its
// bundle's size (esbuild, photon's .wasm beside it), its cold start (a fresh process loading the bundle and
// processing a small picture) and the time for a 5 MB photo. Figures, not tests; nothing leaves the machine.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(tmpdir(), `authstack-bench-pictures-${process.pid}`);
const PHOTON = join(ROOT, 'node_modules/@silvia-odwyer/photon-node');
const ROUNDS = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'node_modules/@silvia-odwyer/photon-node'), { recursive: true });
// The processing code itself, as the function's entry would load it (photon stays a package: it reads its .wasm).
await build({
  entryPoints: { index: join(ROOT, 'src/functions/pictures/handler.ts'), process: join(ROOT, 'src/functions/pictures/process.ts') },
  outdir: OUT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  outExtension: { '.js': '.mjs' },
  external: ['@silvia-odwyer/photon-node'],
  banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
  logLevel: 'error',
});
for (const f of ['package.json', 'photon_rs.js', 'photon_rs_bg.wasm']) copyFileSync(join(PHOTON, f), join(OUT, 'node_modules/@silvia-odwyer/photon-node', f));
const files = ['index.mjs', 'node_modules/@silvia-odwyer/photon-node/photon_rs.js', 'node_modules/@silvia-odwyer/photon-node/photon_rs_bg.wasm'];
const raw = files.reduce((n, f) => n + statSync(join(OUT, f)).size, 0);
const gz = files.reduce((n, f) => n + gzipSync(readFileSync(join(OUT, f)), { level: 9 }).length, 0);

const small = join(ROOT, 'test/fixtures/pictures/gps-rotated.jpg');
const probe = (file) => `
const t0 = performance.now();
const m = await import(${JSON.stringify(join(OUT, 'index.mjs'))});
const p = await import(${JSON.stringify(join(OUT, 'process.mjs'))});
const t1 = performance.now();
const bytes = (await import('node:fs')).readFileSync(${JSON.stringify(file)});
const check = p.refusal(bytes);
await p.encode(bytes, check.type);
const t2 = performance.now();
console.log(JSON.stringify({ load: t1 - t0, first: t2 - t1, handler: typeof m.handler }));`;
const run = (file) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe(file)], { encoding: 'utf8' }));

// A 12 MP photo's worth of pixels (gradients and noise), JPEG-encoded by photon itself at quality 80.
const photon = (await import('@silvia-odwyer/photon-node')).default;
const w = 4032;
const h = 3024;
const px = new Uint8Array(w * h * 4);
for (let i = 0, y = 0; y < h; y++)
  for (let x = 0; x < w; x++, i += 4) {
    const n = (Math.random() * 28) | 0;
    px[i] = ((x * 255) / w + n) & 255;
    px[i + 1] = ((y * 255) / h + n) & 255;
    px[i + 2] = (((x + y) * 128) / w + n) & 255;
    px[i + 3] = 255;
  }
const img = new photon.PhotonImage(px, w, h);
const photo = join(OUT, 'photo.jpg');
writeFileSync(photo, img.get_bytes_jpeg(80));
img.free();

const cold = Array.from({ length: ROUNDS }, () => run(small));
const big = Array.from({ length: Math.max(1, Math.ceil(ROUNDS / 2)) }, () => run(photo));
const result = {
  node: process.version,
  bundle: { files: raw, gzipped: gz },
  coldStartMs: { load: Math.round(median(cold.map((r) => r.load))), firstSmallPicture: Math.round(median(cold.map((r) => r.first))) },
  photo: { bytes: statSync(photo).size, pixels: `${w}x${h}`, processMs: Math.round(median(big.map((r) => r.first))) },
};
console.log(JSON.stringify(result, null, 2));
rmSync(OUT, { recursive: true, force: true });
