/**
 * Each declared function built into its deployment zip, known by its content hash: what `synthesize` names in the
 * template and what deploy uploads. The built-in API ships prebuilt (`dist/lambda.zip`, the same bytes on every
 * install, so the same hash); `--zip` replaces it; any other function is bundled from its entry with esbuild into
 * a deterministic zip (`bundle.ts`), so unchanged source gives an unchanged hash and no new upload.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { fileError } from '../core/files.js';
import { API_FUNCTION_ID, type StackModel } from '../core/stack-model.js';
import type { FunctionAsset } from './assets.js';

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
  /** Builds a function other than the API from its entry (default: esbuild through `bundle.ts`). */
  readonly bundle?: (entry: string) => Promise<Uint8Array>;
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
  for (const fn of model.functions) {
    if (fn.id === API_FUNCTION_ID) {
      built[fn.id] = assetOf(fn.id, options.apiZip.zip, options.apiZip.file);
      continue;
    }
    const entry = path.resolve(options.projectDir, fn.entry);
    const zip = await (options.bundle ?? bundleEntry)(entry);
    built[fn.id] = assetOf(fn.id, zip, entry);
  }
  return built;
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
