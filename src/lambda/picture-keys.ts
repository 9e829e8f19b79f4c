/**
 * Where pictures live in the bucket, shared by the API (which signs the upload) and the processing function
 * (which reads it, writes the result and removes what is stale). The API chooses every key: a client can only
 * post to `uploads/<its own sub>/<a version the API just made>`.
 */

/** Raw uploads: private, read once by the processing function, then deleted (a lifecycle rule clears strays). */
export const UPLOAD_PREFIX = 'uploads/';
/** Processed pictures: the only prefix the CDN may read. */
export const PUBLIC_PREFIX = 'public/';
/** The largest upload the presigned POST allows (content-length-range) and the function accepts. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** What the presigned POST lets a client declare; the function checks the bytes themselves. */
export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
/** Seconds a presigned POST stays valid. */
export const UPLOAD_EXPIRES_SECONDS = 300;

const SUB = /^[A-Za-z0-9-]{1,64}$/;
const VERSION = /^[0-9a-z]{9}-[0-9a-f]{8}$/;

/**
 * A new version id: the time in base 36 (fixed width, so versions sort by time) and 8 random hex digits. The
 * function keeps only a user's newest version, whatever order uploads finish in.
 */
export function newVersion(nowMs: number, randomHex: string): string {
  return `${Math.floor(nowMs).toString(36).padStart(9, '0')}-${randomHex.slice(0, 8)}`;
}

export const uploadKey = (sub: string, version: string): string => `${UPLOAD_PREFIX}${sub}/${version}`;
export const pictureKey = (sub: string, version: string): string => `${PUBLIC_PREFIX}${sub}/${version}.jpg`;
export const thumbnailKey = (sub: string, version: string): string => `${PUBLIC_PREFIX}${sub}/${version}-thumb.jpg`;
export const userPrefix = (prefix: string, sub: string): string => `${prefix}${sub}/`;

export function isSub(value: string): boolean {
  return SUB.test(value);
}

/** `uploads/<sub>/<version>` → its parts; anything else is not an upload this stack made. */
export function parseUploadKey(key: string): { sub: string; version: string } | undefined {
  if (!key.startsWith(UPLOAD_PREFIX)) return undefined;
  const [sub, version, ...rest] = key.slice(UPLOAD_PREFIX.length).split('/');
  if (rest.length > 0 || sub === undefined || version === undefined || !SUB.test(sub) || !VERSION.test(version)) return undefined;
  return { sub, version };
}

/** `public/<sub>/<version>.jpg` or `…-thumb.jpg` → the version, else undefined. */
export function versionOfPublicKey(sub: string, key: string): string | undefined {
  const rest = key.startsWith(userPrefix(PUBLIC_PREFIX, sub)) ? key.slice(userPrefix(PUBLIC_PREFIX, sub).length) : '';
  const m = /^([0-9a-z]{9}-[0-9a-f]{8})(?:-thumb)?\.jpg$/.exec(rest);
  return m?.[1];
}
