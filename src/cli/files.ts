import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from './errors.js';

export interface WriteOptions {
  /** File mode, e.g. 0o600 for secrets. Default 0o644. */
  mode?: number;
  /** Mode of the directory when it has to be created. Default 0o755. */
  dirMode?: number;
}

/**
 * Writes a file atomically: a temporary file in the same directory, then a rename, so a crash or a full disk
 * never leaves a half-written state or token file behind.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o755 });
    if (options.dirMode !== undefined) await chmod(dir, options.dirMode);
  } catch (err) {
    throw fileError('create the folder', dir, err);
  }
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode: options.mode ?? 0o644 });
    if (options.mode !== undefined) await chmod(tmp, options.mode);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fileError('write', path, err);
  }
}

/**
 * Reads and parses a JSON file. A missing file gives `undefined`; a file that is not valid JSON, or fails
 * `validate`, is reported as corrupt and left untouched for the user to inspect.
 */
export async function readJsonFile<T>(path: string, what: string, validate?: (value: unknown) => value is T): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw fileError('read', path, err);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corruptFile(path, what);
  }
  if (validate && !validate(value)) throw corruptFile(path, what);
  return value as T;
}

export async function writeJsonFile(path: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', options);
}

function corruptFile(path: string, what: string): UserError {
  return new UserError('state', `The ${what} at ${path} is corrupt (not the JSON authstack wrote).`, {
    code: 'CorruptFile',
    hint: 'It was left as it is: fix it, or move it aside to start afresh',
    details: { path },
  });
}

export function fileError(action: string, path: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOSPC'
        ? 'no space left on the device'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOTDIR'
            ? 'a parent is not a folder'
            : ((err as Error)?.message ?? String(err));
  return new UserError('state', `Could not ${action} ${path}: ${reason}.`, { code: 'FileError', cause: err, details: { path } });
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
