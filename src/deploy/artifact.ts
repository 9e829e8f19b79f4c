/**
 * The Lambda package shipped with authstack: `dist/lambda.zip`, built once by `npm run build` from the same files
 * as `dist/lambda/` (what `authstack dev` runs), with its SHA-256 recorded in `dist/lambda.json`. `deploy` and
 * `package` use these bytes, so two installs of one version deploy identical code, and nothing is bundled on the
 * user's machine.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { isRecord } from '../core/files.js';
import { packageRoot } from './package-root.js';

export interface ShippedLambda {
  readonly zip: Buffer;
  /** Hex SHA-256 of the zip. */
  readonly sha256: string;
  /** Zip size in bytes. */
  readonly size: number;
  /** Total size of the bundled files in bytes. */
  readonly bundleSize: number;
  /** Where the zip was read from. */
  readonly file: string;
}

export function shippedLambdaPaths(root: string = packageRoot()): { zip: string; manifest: string; bundle: string } {
  const dist = path.join(root, 'dist');
  return { zip: path.join(dist, 'lambda.zip'), manifest: path.join(dist, 'lambda.json'), bundle: path.join(dist, 'lambda', 'index.mjs') };
}

/**
 * Reads a zip the build shipped and checks it against the SHA-256 the build recorded beside it; `what` names it in
 * the two failures (`missing`: not built; the code prefix for both), each one line with what to do.
 */
async function loadShippedZip(
  paths: { zip: string; manifest: string },
  what: { missing: string; name: string; code: string },
): Promise<{ zip: Buffer; sha256: string; manifest: Record<string, unknown> }> {
  let zip: Buffer;
  let manifest: unknown;
  try {
    [zip, manifest] = await Promise.all([readFile(paths.zip), readFile(paths.manifest, 'utf8').then((t) => JSON.parse(t) as unknown)]);
  } catch {
    throw new UserError('usage', `${what.missing} (${paths.zip}).`, {
      code: `No${what.code}`,
      hint: 'In a clone, run npm run build first; an installed authstack ships it, so reinstall it',
    });
  }
  const sha256 = createHash('sha256').update(zip).digest('hex');
  if (!isRecord(manifest) || manifest.sha256 !== sha256) {
    throw new UserError('usage', `The ${what.name} ${paths.zip} does not match the SHA-256 its build recorded in ${paths.manifest}.`, {
      code: `${what.code}Mismatch`,
      hint: 'Rebuild it with npm run build (in a clone), or reinstall authstack',
    });
  }
  return { zip, sha256, manifest };
}

/** Reads the shipped zip and checks it against the SHA-256 the build recorded. */
export async function loadShippedLambda(root: string = packageRoot()): Promise<ShippedLambda> {
  const paths = shippedLambdaPaths(root);
  const { zip, sha256, manifest } = await loadShippedZip(paths, {
    missing: 'This authstack has no built Lambda package',
    name: 'Lambda package',
    code: 'LambdaPackage',
  });
  const bundleSize = typeof manifest.bundleSize === 'number' ? manifest.bundleSize : 0;
  return { zip, sha256, size: zip.length, bundleSize, file: paths.zip };
}

/** The picture processing function as the build ships it: dist/pictures.zip (what deploy uploads and dev unpacks). */
export function shippedPicturesPaths(root: string = packageRoot()): { zip: string; manifest: string } {
  const dist = path.join(root, 'dist');
  return { zip: path.join(dist, 'pictures.zip'), manifest: path.join(dist, 'pictures.json') };
}

/** Reads the shipped pictures zip and checks it against the SHA-256 the build recorded. */
export async function loadShippedPictures(root: string = packageRoot()): Promise<{ zip: Buffer; sha256: string; file: string }> {
  const paths = shippedPicturesPaths(root);
  const { zip, sha256 } = await loadShippedZip(paths, {
    missing: 'Pictures are on, but this authstack has no built pictures function',
    name: 'pictures package',
    code: 'PicturesPackage',
  });
  return { zip, sha256, file: paths.zip };
}
