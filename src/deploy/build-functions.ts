/**
 * Each declared function built into its deployment zip, known by its content hash: what `synthesize` names in the
 * template and what deploy uploads. The built-in API ships prebuilt (`dist/lambda.zip`, the same bytes on every
 * install, so the same hash); `--zip` replaces it. The project's handlers are built one bundle per handler file:
 * the entry `bundleEntrySource` writes (each export the file's functions run, inside the wrapper that checks group
 * rules), bundled with esbuild with a source map beside it, zipped deterministically, and shared by every function
 * of that file. So a change to one file changes the hash, and so the `Code`, of that file's functions alone, and
 * unchanged source gives an unchanged hash and no new upload. Any other function is bundled from its entry.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { fileError } from '../core/files.js';
import { API_FUNCTION_ID, PICTURES_FUNCTION_ID, type FunctionModel, type StackModel } from '../core/stack-model.js';
import { bundleEntrySource, type RouteGroups } from '../runtime/user-handler.js';
import type { FunctionAsset } from './assets.js';
import { packageRoot } from './package-root.js';

/** A function's zip, ready to upload. */
export interface BuiltAsset extends FunctionAsset {
  readonly functionId: string;
  readonly zip: Uint8Array;
  /** Bytes. */
  readonly size: number;
  /** Where the bytes came from: a zip file, or the entry the bundle was built from. */
  readonly source: string;
}

export type BuiltAssets = Readonly<Record<string, BuiltAsset>>;

export interface BuildFunctionsOptions {
  /** Where a function's `entry` is resolved. */
  readonly projectDir: string;
  /** The API's zip: the shipped one, or `--zip`'s. */
  readonly apiZip: { readonly zip: Uint8Array; readonly file: string };
  /** The picture processing function's zip (the shipped `dist/pictures.zip`), used when the model has pictures on. */
  readonly picturesZip?: { readonly zip: Uint8Array; readonly file: string };
  /** Builds a function other than the API from its entry (default: esbuild through `bundle.ts`). */
  readonly bundle?: (entry: string) => Promise<Uint8Array>;
  /** Builds a project handler file's bundle (default: `bundleHandlerFile`). */
  readonly bundleHandlers?: (build: HandlerFileBuild) => Promise<Uint8Array>;
}

/** One handler file of the project and the exports its functions run. */
export interface HandlerFileBuild {
  readonly projectDir: string;
  /** Relative to the project, `/`-separated: `api/notes.ts`. */
  readonly file: string;
  /** Export name → the group rule of each route it serves. */
  readonly exports: Readonly<Record<string, RouteGroups>>;
}

export function assetOf(functionId: string, zip: Uint8Array, source: string): BuiltAsset {
  return { functionId, zip, size: zip.byteLength, source, sha256: createHash('sha256').update(zip).digest('hex') };
}

/** Reads a zip the user names (`--zip`); one clear line when it cannot be read. */
export async function readZip(file: string): Promise<{ zip: Uint8Array; file: string }> {
  try {
    return { zip: await readFile(file), file };
  } catch (err) {
    throw fileError('read', file, err);
  }
}

/** Every function of the model, by id, built (the API's zip as given). Bundles run one at a time: two cores. */
export async function buildFunctions(model: StackModel, options: BuildFunctionsOptions): Promise<BuiltAssets> {
  const built: Record<string, BuiltAsset> = {};
  // The project's functions by handler file, in the order the files are first named.
  const byFile = new Map<string, FunctionModel[]>();
  for (const fn of model.functions) if (fn.source) byFile.set(fn.source.file, [...(byFile.get(fn.source.file) ?? []), fn]);
  const files = new Map<string, Uint8Array>();
  for (const [file, fns] of byFile) {
    const exports = Object.fromEntries(fns.map((fn) => [fn.source!.export, fn.source!.groups]));
    files.set(file, await (options.bundleHandlers ?? bundleHandlerFile)({ projectDir: options.projectDir, file, exports }));
  }
  for (const fn of model.functions) {
    if (fn.id === API_FUNCTION_ID) {
      built[fn.id] = assetOf(fn.id, options.apiZip.zip, options.apiZip.file);
    } else if (fn.source) {
      built[fn.id] = assetOf(fn.id, files.get(fn.source.file)!, fn.source.file);
    } else {
      const entry = path.resolve(options.projectDir, fn.entry);
      built[fn.id] = assetOf(fn.id, await (options.bundle ?? bundleEntry)(entry), entry);
    }
  }
  if (model.pictures && options.picturesZip) built[PICTURES_FUNCTION_ID] = assetOf(PICTURES_FUNCTION_ID, options.picturesZip.zip, options.picturesZip.file);
  return built;
}

/** The wrapper every project handler runs inside: shipped as TypeScript source in the package (`files`). */
function handlerWrapperPath(): string {
  return path.join(packageRoot(), 'src', 'runtime', 'user-handler.ts');
}

const WRAPPER_SPECIFIER = 'authstack:handler-wrapper';

type EsbuildError = { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> };

/**
 * A handler file's deployment zip: `index.mjs` (every export named, each wrapped) and `index.mjs.map`, which it
 * links, so a trace read with `--enable-source-maps` (the template sets it in the function's NODE_OPTIONS) names the user's TypeScript file and line. The map's sources
 * are relative to the project, authstack's own wrapper as `authstack/src/runtime/user-handler.ts` when the package
 * lives outside it, so the bytes do not depend on where either folder is. Whitespace and syntax are minified, names
 * are not: a trace keeps the handler's function names even where no source map is read.
 */
export async function bundleHandlerFile(input: HandlerFileBuild): Promise<Uint8Array> {
  const [{ build }, { LAMBDA_BUILD, REQUIRE_BANNER, zipBundle }] = await Promise.all([importEsbuild(input.file), import('./bundle.js')]);
  const outfile = path.join(input.projectDir, 'index.mjs');
  let outputFiles: Array<{ path: string; contents: Uint8Array }>;
  try {
    ({ outputFiles } = await build({
      absWorkingDir: input.projectDir,
      stdin: {
        // The wrapper by a name of its own, resolved below: the entry's text (in the map) holds no absolute path.
        contents: bundleEntrySource(`./${input.file}`, input.exports, WRAPPER_SPECIFIER),
        resolveDir: input.projectDir,
        sourcefile: 'authstack-entry.js',
        loader: 'js',
      },
      // Nothing is written (write: false): the path only anchors the map's relative sources.
      outfile,
      ...LAMBDA_BUILD,
      minifyWhitespace: true,
      minifySyntax: true,
      sourcemap: 'linked',
      banner: { js: REQUIRE_BANNER },
      plugins: [{ name: 'authstack-wrapper', setup: (b) => b.onResolve({ filter: /^authstack:handler-wrapper$/ }, () => ({ path: handlerWrapperPath() })) }],
      logLevel: 'silent',
    }));
  } catch (err) {
    const first = (err as EsbuildError)?.errors?.[0];
    if (!first) throw err;
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new UserError('usage', `Could not build ${input.file}: ${where}${first.text}`, { code: 'BuildFailed', cause: err });
  }
  const files = outputFiles.map((f) => {
    const name = path.basename(f.path);
    const contents = name.endsWith('.map')
      ? Buffer.from(portableSourceMap(Buffer.from(f.contents).toString('utf8'), input.projectDir))
      : Buffer.from(f.contents);
    return { path: name, contents };
  });
  return zipBundle(files);
}

/** The map with authstack's own sources outside the project named from the package root. */
function portableSourceMap(text: string, projectDir: string): string {
  const map = JSON.parse(text) as { sources: string[] };
  const root = packageRoot();
  map.sources = map.sources.map((source) => {
    const abs = path.resolve(projectDir, source);
    const inPackage = !path.relative(root, abs).startsWith('..');
    return source.startsWith('..') && inPackage ? `authstack/${path.relative(root, abs).split(path.sep).join('/')}` : source;
  });
  return JSON.stringify(map);
}

async function importEsbuild(what: string): Promise<typeof import('esbuild')> {
  try {
    return await import('esbuild');
  } catch (err) {
    if (/Cannot find (package|module) 'esbuild'/.test(String((err as Error)?.message))) {
      throw new UserError('usage', `Building ${what} needs esbuild, which is not installed.`, { code: 'NoBundler', hint: 'npm install --save-dev esbuild' });
    }
    throw err;
  }
}

async function bundleEntry(entry: string): Promise<Uint8Array> {
  const { packageLambda } = await import('./bundle.js');
  try {
    return (await packageLambda({ entry })).zip;
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    if (/Cannot find (package|module) 'esbuild'/.test(message)) {
      throw new UserError('usage', `Building the function ${entry} needs esbuild, which is not installed.`, {
        code: 'NoBundler',
        hint: 'npm install --save-dev esbuild',
      });
    }
    // esbuild's own first error, with its line: "line 2: Unexpected end of file".
    const first = (err as { errors?: Array<{ text: string; location?: { line: number } | null }> })?.errors?.[0];
    const why = first ? `${first.location ? `line ${first.location.line}: ` : ''}${first.text}` : message.split('\n')[0];
    throw new UserError('usage', `Could not build the function ${entry}: ${why}`, { code: 'BuildFailed', cause: err });
  }
}
