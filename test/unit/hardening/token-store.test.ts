import { chmod, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../src/core/files.js';
import { SessionStore } from '../../../src/core/sessions.js';
import { tempDir } from '../../helpers/run-cli.js';

/**
 * What test/unit/cli/stores.test.ts does not already cover about the token store: permissions that were loose
 * before authstack ever wrote, a permissive umask, and writes racing each other.
 */
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => (tmp = await tempDir('authstack-store-')));
afterEach(async () => tmp.cleanup());

const session = (n: number) => ({ username: `u${n}@example.com`, accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresAt: n });
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('token store permissions', () => {
  it('a world-readable store left by something else is 0600 after the next write', async () => {
    const dir = join(tmp.dir, 'authstack');
    await mkdir(dir, { mode: 0o755 });
    const store = new SessionStore(dir);
    await writeFile(store.path, JSON.stringify({ version: 1, sessions: {} }), { mode: 0o644 });
    await chmod(store.path, 0o644);
    await store.set('k', session(1));
    expect(await mode(store.path)).toBe(0o600);
    expect(await mode(dir)).toBe(0o700);
  });

  it('stays 0600 in a 0700 folder under a permissive umask', async () => {
    const previous = process.umask(0);
    try {
      const store = new SessionStore(join(tmp.dir, 'fresh', 'authstack'));
      await store.set('k', session(1));
      expect(await mode(store.path)).toBe(0o600);
      expect(await mode(store.dir)).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });
});

describe('token store writes racing each other', () => {
  it('lose no session and leave a complete file, no temporary file and no lock behind', async () => {
    const store = new SessionStore(tmp.dir);
    await Promise.all(Array.from({ length: 25 }, (_, i) => new SessionStore(tmp.dir).set(`k${i}`, session(i))));
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    expect(file.version).toBe(1);
    expect(Object.keys(file.sessions).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `k${i}`).sort());
    for (const [key, s] of Object.entries(file.sessions)) expect(s).toEqual(session(Number(key.slice(1))));
    expect((await readdir(tmp.dir)).filter((f) => f !== 'sessions.json')).toEqual([]);
    expect(await mode(store.path)).toBe(0o600);
  });

  it('deletes racing writes lose nothing either', async () => {
    const store = new SessionStore(tmp.dir);
    for (let i = 0; i < 10; i++) await store.set(`old${i}`, session(i));
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => new SessionStore(tmp.dir).delete(`old${i}`)),
      ...Array.from({ length: 10 }, (_, i) => new SessionStore(tmp.dir).set(`new${i}`, session(i))),
    ]);
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    expect(Object.keys(file.sessions).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `new${i}`).sort());
  });

  it('a lock left by a process that died is taken over; a live one is waited for, then reported', async () => {
    const path = join(tmp.dir, 'f.json');
    await writeFile(`${path}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    expect(await withFileLock(path, async () => 'ran')).toBe('ran');
    await writeFile(`${path}.lock`, '');
    await expect(withFileLock(path, async () => 'ran', { timeoutMs: 50 })).rejects.toThrow(/locked by another authstack process/);
    expect(await readFile(`${path}.lock`, 'utf8')).toBe('');
  });

  it('a lock folder left by a process that died is taken over too', async () => {
    const path = join(tmp.dir, 'g.json');
    await mkdir(`${path}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    expect(await withFileLock(path, async () => 'ran')).toBe('ran');
    expect(await readdir(tmp.dir)).toEqual([]);
  });
});
