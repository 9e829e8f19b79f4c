/**
 * Builds the Lambda artefact, at build time (scripts/build.mjs ships the result in dist/) and for `dev --watch` in
 * a clone; nothing else runs esbuild. esbuild bundles `src/lambda/handler.ts` into one minified ESM file, archiver zips it
 * deterministically (same source → same bytes → same SHA-256), so an unchanged function is never re-uploaded.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { packageRoot } from './package-root.js';

export interface BundleOptions {
  /** Minify the output. Default: true. */
  readonly minify?: boolean;
  /** Version reported by the health route. Default: the `version` in authstack's package.json. */
  readonly version?: string;
  /** Entry module. Default: `src/lambda/handler.ts` under the package root. */
  readonly entry?: string;
  /**
   * Put what the handler loads with `import()` (the Cognito client, the JWT verifier) in separate chunk files, so a
   * cold start that only answers health never parses them. Default: true. Measured on Node 20 (fresh process
   * answering one health event, median of 21): 1.10× an empty module split, 1.60× as one file (the 420 KB of SDK
   * code is still parsed and its Node built-ins loaded even though it is never run).
   */
  readonly splitting?: boolean;
  /**
   * Leave `@aws-sdk/*` and `@smithy/*` out and use the copy the Lambda runtime ships. Default: false. Measured:
   * zip 11 KB instead of 130 KB, but 3.0× the empty module on health (esbuild hoists the SDK import to the top of
   * the file, so every cold start loads it) and 2× slower to the first Cognito call; and the zip no longer runs
   * outside Lambda.
   */
  readonly externalSdk?: boolean;
}

export interface BundleFile {
  /** Path inside the bundle, `/`-separated: `index.mjs`, `chunks/<name>-<hash>.mjs`. */
  readonly path: string;
  readonly contents: Buffer;
}

export interface LambdaBundle {
  /** The entry module, `index.mjs`. */
  readonly code: Buffer;
  /** Every file of the bundle, the entry included, sorted by path. */
  readonly files: readonly BundleFile[];
}

export interface LambdaPackage {
  readonly zip: Buffer;
  /** Hex SHA-256 of the zip. */
  readonly sha256: string;
  /** Zip size in bytes. */
  readonly size: number;
  /** Total size of the bundled files in bytes. */
  readonly bundleSize: number;
}

/** The name Lambda loads: handler setting `index.handler`. `.mjs` makes Node treat it as ESM without a package.json. */
export const BUNDLE_FILE_NAME = 'index.mjs';
const CHUNK_DIR = 'chunks';

/**
 * ESM output has no `require`; bundled CommonJS code (parts of the SDK) still calls it. The alias avoids clashing
 * with a bundled module's own `createRequire` import.
 */
/**
 * What every Lambda bundle authstack builds shares (the built-in API, the project's handlers, the pictures
 * function): one ES module for Node on Lambda, nothing written (the caller zips the output files), the SDK's ES
 * module builds preferred (they tree-shake far better than its CommonJS ones). The lowest Node a bundle must run on:
 * Node 20 locally (`authstack dev`), nodejs22.x/24.x on Lambda.
 */
export const LAMBDA_BUILD = {
  write: false,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  treeShaking: true,
  legalComments: 'none',
  charset: 'utf8',
} as const satisfies BuildOptions;

export const REQUIRE_BANNER = "import { createRequire as __authstackCreateRequire } from 'module'; const require = __authstackCreateRequire(import.meta.url);";

/** Zip entries carry this timestamp, so the bytes depend on the content only (DOS time starts at 1980). */
const ZIP_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));
const ZIP_MODE = 0o644;

async function packageVersion(root: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'dev';
}

export async function buildLambdaBundle(opts: BundleOptions = {}): Promise<LambdaBundle> {
  const root = packageRoot();
  const [{ build }, version] = await Promise.all([import('esbuild'), opts.version ?? packageVersion(root)]);
  // Nothing is written there (write: false); it only anchors the output paths.
  const outdir = path.join(root, '.lambda-bundle');
  const result = await build({
    // Relative paths in the output (comments of an unminified build) then do not depend on where the clone lives.
    absWorkingDir: root,
    entryPoints: { index: opts.entry ?? path.join(root, 'src', 'lambda', 'handler.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    splitting: opts.splitting ?? true,
    ...LAMBDA_BUILD,
    minify: opts.minify ?? true,
    sourcemap: false,
    define: { __AUTHSTACK_VERSION__: JSON.stringify(version) },
    banner: { js: REQUIRE_BANNER },
    external: opts.externalSdk ? ['@aws-sdk/*', '@smithy/*'] : [],
    logLevel: 'silent',
  });
  const files = result.outputFiles
    .map((f) => ({ path: path.relative(outdir, f.path).split(path.sep).join('/'), contents: Buffer.from(f.contents) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const entry = files.find((f) => f.path === BUNDLE_FILE_NAME);
  if (!entry) throw new Error('esbuild produced no index.mjs for the Lambda bundle');
  return { code: entry.contents, files };
}

interface ZipArchiver {
  on(event: 'data', listener: (chunk: Buffer) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error' | 'warning', listener: (err: Error) => void): void;
  append(source: Buffer, entry: { name: string; date: Date; mode: number }): void;
  finalize(): Promise<void>;
}
type ArchiverFactory = (format: 'zip', options: { zlib: { level: number } }) => ZipArchiver;

/**
 * A zip whose bytes depend only on the content: entries in path order, each with the same date and mode. A Buffer
 * is zipped as the single entry `index.mjs`.
 */
export async function zipBundle(code: Buffer | readonly BundleFile[]): Promise<Buffer> {
  const files = Buffer.isBuffer(code) ? [{ path: BUNDLE_FILE_NAME, contents: code }] : [...code].sort((a, b) => (a.path < b.path ? -1 : 1));
  // archiver 7 is CommonJS with a factory default export; the installed @types/archiver describes archiver 8's
  // class API, so the little we use is typed here.
  const { default: archiver } = (await import('archiver')) as unknown as { default: ArchiverFactory };
  const archive = archiver('zip', { zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  for (const file of files) archive.append(file.contents, { name: file.path, date: ZIP_DATE, mode: ZIP_MODE });
  await archive.finalize();
  return done;
}

export async function packageLambda(opts: BundleOptions = {}): Promise<LambdaPackage> {
  const { files } = await buildLambdaBundle(opts);
  const zip = await zipBundle(files);
  return {
    zip,
    sha256: createHash('sha256').update(zip).digest('hex'),
    size: zip.length,
    bundleSize: files.reduce((n, f) => n + f.contents.length, 0),
  };
}

/**
 * Writes the bundle for the local stack: `outfile` is the entry and its chunks go to `chunks/` beside it. Chunks are
 * written first and the entry last, each to a temporary name then renamed, so a gateway reloading on change never
 * imports a half-written bundle. Chunk names carry a content hash, so an older entry still finds its own chunks.
 */
export async function writeLambdaBundle(outfile: string, opts: BundleOptions = {}): Promise<void> {
  await writeBundleFiles(outfile, (await buildLambdaBundle(opts)).files);
}

/** Writes built bundle files as `writeLambdaBundle` does (the build writes the files it also zips). */
export async function writeBundleFiles(outfile: string, files: readonly BundleFile[]): Promise<void> {
  const dir = path.dirname(outfile);
  const ordered = [...files.filter((f) => f.path !== BUNDLE_FILE_NAME), files.find((f) => f.path === BUNDLE_FILE_NAME)!];
  for (const file of ordered) {
    const target = file.path === BUNDLE_FILE_NAME ? outfile : path.join(dir, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, file.contents);
    await rename(tmp, target);
  }
}

/** photon's WebAssembly, which its CommonJS wrapper reads from beside itself (`__dirname`): beside index.mjs. */
export const PHOTON_WASM_FILE = 'photon_rs_bg.wasm';

/**
 * The picture processing function's bundle: `index.mjs` (its Lambda entry, the SDK clients and photon's JavaScript
 * in one file: photon is loaded only on the first real image, so a dropped upload never compiles the WebAssembly)
 * and photon's `.wasm` beside it. One file, no chunks: photon's wrapper finds its `.wasm` through the bundle's own
 * folder. Zipped for Lambda (dist/pictures.zip); `dev` runs the same files, unpacked.
 */
export async function buildPicturesBundle(opts: Pick<BundleOptions, 'minify'> = {}): Promise<LambdaBundle> {
  const root = packageRoot();
  const { build } = await import('esbuild');
  const outdir = path.join(root, '.pictures-bundle');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: path.join(root, 'src', 'functions', 'pictures', 'handler.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: false,
    ...LAMBDA_BUILD,
    minify: opts.minify ?? true,
    sourcemap: false,
    banner: {
      js: `${REQUIRE_BANNER} import { fileURLToPath as __authstackFileURLToPath } from 'url'; const __dirname = __authstackFileURLToPath(new URL('.', import.meta.url));`,
    },
    logLevel: 'silent',
  });
  const entry = result.outputFiles.find((f) => path.basename(f.path) === BUNDLE_FILE_NAME);
  if (!entry || result.outputFiles.length !== 1) throw new Error('esbuild produced no single index.mjs for the pictures bundle');
  const photonDir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('@silvia-odwyer/photon-node'));
  const wasm = await readFile(path.join(photonDir, PHOTON_WASM_FILE));
  return {
    code: Buffer.from(entry.contents),
    files: [
      { path: BUNDLE_FILE_NAME, contents: Buffer.from(entry.contents) },
      { path: PHOTON_WASM_FILE, contents: wasm },
    ],
  };
}
