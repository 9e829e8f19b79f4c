import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EXIT, UserError, errorMessage, thrownCode } from './errors.js';

export interface WriteOptions {
  /** File mode, e.g. 0o600 for secrets. Default 0o644. */
  mode?: number;
  /** Mode of the directory when it has to be created. Default 0o755. */
  dirMode?: number;
}

/**
 * Writes a file atomically (write-file-atomic: a temporary file in the same directory, fsynced, then a rename), so
 * a crash or a full disk never leaves a half-written state or token file behind.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o755 });
    if (options.dirMode !== undefined) await chmod(dir, options.dirMode);
  } catch (err) {
    throw fileError('create the folder', dir, err);
  }
  // Loaded on first write: most commands only read state.
  const { default: write } = await import('write-file-atomic');
  try {
    await write(path, typeof data === 'string' ? data : Buffer.from(data), { mode: options.mode ?? 0o644 });
  } catch (err) {
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

export interface LockOptions {
  /** How long to wait for another process to release the lock. Default 10 s. */
  timeoutMs?: number;
  /** A lock older than this was left by a process that died, and is taken over. Default 30 s. */
  staleMs?: number;
  /** Mode of the folder when it has to be created. Default 0o755. */
  dirMode?: number;
}

/**
 * Runs `fn` holding an exclusive lock on `path` (proper-lockfile: a `<path>.lock` made with mkdir, its mtime
 * refreshed while held, so a lock older than `staleMs` was left by a process that died and is taken over). Atomic
 * writes keep a file whole, but two processes doing read-modify-write (two logins, a login and a token refresh)
 * would each write back what they read and lose the other's change; the lock serialises them.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const staleMs = options.staleMs ?? 30_000;
  try {
    await mkdir(dirname(path), { recursive: true, mode: options.dirMode ?? 0o755 });
  } catch (err) {
    throw fileError('create the folder', dirname(path), err);
  }
  const { lock } = await import('proper-lockfile');
  let release: () => Promise<void>;
  for (;;) {
    try {
      // The wait is ours (short random pauses up to the deadline), not the library's exponential back-off. A lock
      // found compromised while held (its mtime changed under us) must not crash the CLI from a timer: the write
      // it guards is atomic either way.
      release = await lock(path, { realpath: false, stale: staleMs, retries: 0, onCompromised: () => undefined });
      break;
    } catch (err) {
      if (isErrno(err, 'ENOTDIR') && (await takeOverLegacyLock(`${path}.lock`, staleMs))) continue;
      // The lock sits next to the file: failing to create it is failing to write there.
      if (!isErrno(err, 'ELOCKED') && !isErrno(err, 'ENOTDIR')) throw fileError('write', path, err);
      if (Date.now() > deadline) {
        throw new UserError('state', `${path} is locked by another authstack process.`, { code: 'Locked', hint: `If none is running, delete ${path}.lock` });
      }
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * Earlier authstack builds locked with a plain file at the same path, which proper-lockfile (it rmdirs) cannot
 * remove: a stale one, left by a process that died, is removed here; a fresh one is held, and is waited for. (The
 * test "a lock left by a process that died is taken over" leaves such a file.)
 */
async function takeOverLegacyLock(lock: string, staleMs: number): Promise<boolean> {
  const age = await stat(lock).then(
    (s) => (s.isFile() ? Date.now() - s.mtimeMs : -1),
    () => -1,
  );
  if (age <= staleMs) return false;
  await rm(lock, { force: true });
  return true;
}

/**
 * The read-modify-write every state file needs, in one place: under the file's lock, read it (or start from
 * `initial()` when it does not exist; a corrupt file is reported and kept), let `change` modify it, and write it
 * back atomically. `change` returns false to leave the file as it was. Resolves to whether it was written.
 */
export async function updateJsonFile<T>(
  path: string,
  file: { what: string; validate: (value: unknown) => value is T; initial: () => T },
  change: (value: T) => boolean | void,
  options: WriteOptions = {},
): Promise<boolean> {
  return withFileLock(
    path,
    async () => {
      const value = (await readJsonFile<T>(path, file.what, file.validate)) ?? file.initial();
      if (change(value) === false) return false;
      await writeJsonFile(path, value, options);
      return true;
    },
    { dirMode: options.dirMode },
  );
}

export async function writeJsonFile(path: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

function corruptFile(path: string, what: string): UserError {
  // A configuration error (exit 2), as a bad flag is: nothing was tried, the file needs the user's hand.
  return new UserError('state', `The ${what} at ${path} is corrupt (not the JSON authstack wrote).`, {
    code: 'CorruptFile',
    exitCode: EXIT.usage,
    hint: 'It was left as it is: fix it, or move it aside to start afresh',
    details: { path },
  });
}

export function fileError(action: string, path: string, err: unknown): UserError {
  const code = thrownCode(err);
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOSPC'
        ? 'no space left on the device'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOTDIR'
            ? 'a parent is not a folder'
            : errorMessage(err);
  return new UserError('state', `Could not ${action} ${path}: ${reason}.`, { code: 'FileError', cause: err, details: { path } });
}

export function isErrno(err: unknown, code: string): boolean {
  return thrownCode(err) === code;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
