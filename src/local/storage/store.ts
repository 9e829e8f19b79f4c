/**
 * The objects, durably on disk: `<dir>/<bucket>/<sha256(key)>.json` holds the metadata and names the data file
 * beside it. A write puts the bytes in a new file (temp + fsync + rename), then swaps the metadata the same way, then
 * removes the old bytes; a crash (kill -9) at any point leaves either the old object or the new one, and what it
 * leaves behind (temp files, unreferenced data) is cleared when the store opens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** Quoted hex MD5 of the bytes, as S3 gives it for a single-part upload. */
  readonly etag: string;
  readonly contentType: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  /** `x-amz-meta-*` values, by the name after the prefix (lower case). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
}

export type NewObject = Omit<ObjectInfo, 'key' | 'size' | 'etag' | 'lastModified'>;

interface MetaFile extends ObjectInfo {
  readonly data: string;
}

const keyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

async function writeDurably(file: string, contents: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

export class ObjectStore {
  /** Writes to one key run one after another, so the swap of data files never races itself. */
  private readonly queues = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly root: string,
    private readonly now: () => number,
  ) {}

  static async open(root: string, buckets: readonly string[], now: () => number): Promise<ObjectStore> {
    const store = new ObjectStore(root, now);
    for (const bucket of buckets) await store.recover(bucket);
    return store;
  }

  private bucketDir(bucket: string): string {
    return path.join(this.root, bucket);
  }

  /** Creates the bucket's folder; removes temp files and data no metadata names (a crash mid-write). */
  private async recover(bucket: string): Promise<void> {
    const dir = this.bucketDir(bucket);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const names = await readdir(dir);
    const referenced = new Set<string>();
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const meta = await this.readMeta(path.join(dir, name));
      if (meta) referenced.add(meta.data);
    }
    for (const name of names) {
      if (name.endsWith('.tmp') || (name.endsWith('.bin') && !referenced.has(name))) {
        await rm(path.join(dir, name), { force: true });
      }
    }
  }

  private async readMeta(file: string): Promise<MetaFile | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as MetaFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private metaPath(bucket: string, key: string): string {
    return path.join(this.bucketDir(bucket), `${keyHash(key)}.json`);
  }

  private serial<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const id = `${bucket}/${key}`;
    const run = (this.queues.get(id) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  async put(bucket: string, key: string, body: Uint8Array, object: NewObject): Promise<ObjectInfo> {
    return this.serial(bucket, key, async () => {
      const dir = this.bucketDir(bucket);
      const file = this.metaPath(bucket, key);
      const previous = await this.readMeta(file);
      const data = `${keyHash(key)}.${randomBytes(6).toString('hex')}.bin`;
      await writeDurably(path.join(dir, data), body);
      const info: ObjectInfo = {
        ...object,
        key,
        size: body.length,
        etag: `"${createHash('md5').update(body).digest('hex')}"`,
        lastModified: Math.floor(this.now() / 1000) * 1000,
      };
      await writeDurably(file, JSON.stringify({ ...info, data } satisfies MetaFile));
      await syncDir(dir);
      if (previous) await rm(path.join(dir, previous.data), { force: true });
      return info;
    });
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const meta = await this.readMeta(this.metaPath(bucket, key));
    if (!meta) return undefined;
    const { data: _data, ...info } = meta;
    return info;
  }

  async get(bucket: string, key: string): Promise<{ info: ObjectInfo; body: Buffer } | undefined> {
    // A write may swap the data file between reading the metadata and the bytes: read again once.
    for (let attempt = 0; attempt < 2; attempt++) {
      const meta = await this.readMeta(this.metaPath(bucket, key));
      if (!meta) return undefined;
      try {
        const body = await readFile(path.join(this.bucketDir(bucket), meta.data));
        const { data: _data, ...info } = meta;
        return { info, body };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return undefined;
  }

  /** Removes the object; a key that is not there is no error (S3 answers 204 either way). */
  async delete(bucket: string, key: string): Promise<void> {
    await this.serial(bucket, key, async () => {
      const file = this.metaPath(bucket, key);
      const meta = await this.readMeta(file);
      if (!meta) return;
      await rm(file, { force: true });
      await syncDir(this.bucketDir(bucket));
      await rm(path.join(this.bucketDir(bucket), meta.data), { force: true });
    });
  }

  /** Every object of the bucket, sorted by key (UTF-8 byte order, as S3 lists). */
  async list(bucket: string): Promise<ObjectInfo[]> {
    const dir = this.bucketDir(bucket);
    const out: ObjectInfo[] = [];
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue;
      const meta = await this.readMeta(path.join(dir, name));
      if (!meta) continue;
      const { data: _data, ...info } = meta;
      out.push(info);
    }
    return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }
}
