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

/** Reads the shipped zip and checks it against the SHA-256 the build recorded. */
export async function loadShippedLambda(root: string = packageRoot()): Promise<ShippedLambda> {
  const paths = shippedLambdaPaths(root);
  let zip: Buffer;
  let manifest: unknown;
  try {
    [zip, manifest] = await Promise.all([readFile(paths.zip), readFile(paths.manifest, 'utf8').then((t) => JSON.parse(t) as unknown)]);
  } catch {
    throw new UserError('usage', `This authstack has no built Lambda package (${paths.zip}).`, {
      code: 'NoLambdaPackage',
      hint: 'In a clone, run npm run build first; an installed authstack ships it, so reinstall it',
    });
  }
  const sha256 = createHash('sha256').update(zip).digest('hex');
  if (!isRecord(manifest) || manifest.sha256 !== sha256) {
    throw new UserError('usage', `The Lambda package ${paths.zip} does not match the SHA-256 its build recorded in ${paths.manifest}.`, {
      code: 'LambdaPackageMismatch',
      hint: 'Rebuild it with npm run build (in a clone), or reinstall authstack',
    });
  }
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
  let zip: Buffer;
  let manifest: unknown;
  try {
    [zip, manifest] = await Promise.all([readFile(paths.zip), readFile(paths.manifest, 'utf8').then((t) => JSON.parse(t) as unknown)]);
  } catch {
    throw new UserError('usage', `Pictures are on, but this authstack has no built pictures function (${paths.zip}).`, {
      code: 'NoPicturesPackage',
      hint: 'In a clone, run npm run build first; an installed authstack ships it, so reinstall it',
    });
  }
  const sha256 = createHash('sha256').update(zip).digest('hex');
  if (!isRecord(manifest) || manifest.sha256 !== sha256) {
    throw new UserError('usage', `The pictures package ${paths.zip} does not match the SHA-256 its build recorded in ${paths.manifest}.`, {
      code: 'PicturesPackageMismatch',
      hint: 'Rebuild it with npm run build (in a clone), or reinstall authstack',
    });
  }
  return { zip, sha256, file: paths.zip };
}
