/**
 * The processing function's work for one upload, over injected storage and Cognito calls (the Lambda entry wires
 * S3 and the admin API; tests and the local stack pass their own): check the bytes, re-encode them (every piece of
 * metadata, EXIF and GPS included, is gone: only pixels are carried over), write the picture and its thumbnail
 * under the upload's version, remove the raw upload and the user's older versions, and point the user's `picture`
 * attribute at the new URL. Whatever is not an image of an allowed type and size is removed and never served.
 */
import { MAX_UPLOAD_BYTES, parseUploadKey, PUBLIC_PREFIX, pictureKey, thumbnailKey, userPrefix, versionOfPublicKey } from '../../lambda/picture-keys.js';
import { dimensions, type ImageType, jpegOrientation, sniff } from './image.js';

/** The cache header of every processed object: its URL changes with each new picture, so it is never stale. */
export const PICTURE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export interface PictureStorage {
  /** The object's bytes, or undefined when it is gone. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array, contentType: string, cacheControl: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key under the prefix. */
  list(prefix: string): Promise<string[]>;
}

interface PictureLimits {
  /** Largest upload, in bytes. Default 5 MiB (the presigned POST's content-length-range). */
  readonly maxBytes: number;
  /** Largest decoded size, in pixels. Default 40 MP: a 12 MP phone photo passes, a decompression bomb does not. */
  readonly maxPixels: number;
  /** Longest side accepted, in pixels. Default 10,000. */
  readonly maxSide: number;
  /** Longest side of the served picture. Default 1024. */
  readonly pictureSide: number;
  /** Side of the square thumbnail. Default 128. */
  readonly thumbnailSide: number;
  /** JPEG quality of what is served, 1–100. Default 82. */
  readonly quality: number;
}

const DEFAULT_LIMITS: PictureLimits = {
  maxBytes: MAX_UPLOAD_BYTES,
  maxPixels: 40_000_000,
  maxSide: 10_000,
  pictureSide: 1024,
  thumbnailSide: 128,
  quality: 82,
};

export interface ProcessDeps {
  readonly storage: PictureStorage;
  /** Sets the user's standard `picture` attribute (an admin call: the user is not signed in here). */
  setPicture(sub: string, url: string): Promise<void>;
  /** Base of the public URLs (the CDN), without a trailing slash. */
  readonly publicBaseUrl: string;
  readonly limits?: Partial<PictureLimits>;
}

type DropReason = 'not-an-image' | 'too-large' | 'too-many-pixels' | 'undecodable';

export type Outcome =
  | { readonly status: 'processed'; readonly version: string; readonly url: string; readonly thumbnailUrl: string }
  | { readonly status: 'dropped'; readonly reason: DropReason }
  | { readonly status: 'ignored'; readonly reason: 'not-an-upload' | 'gone' | 'superseded' };

interface Encoded {
  readonly picture: Uint8Array;
  readonly thumbnail: Uint8Array;
  readonly width: number;
  readonly height: number;
}

type Photon = typeof import('@silvia-odwyer/photon-node');
let photon: Promise<Photon> | undefined;

/** The WebAssembly build of photon, compiled on first use only (a cold start that drops a text file never pays). */
async function loadPhoton(): Promise<Photon> {
  photon ??= import('@silvia-odwyer/photon-node').then((m) => ((m as { default?: Photon }).default ?? m) as Photon);
  return photon;
}

/** Decodes, applies the EXIF orientation, and re-encodes as JPEG: the picture bounded, the thumbnail square. */
async function encode(bytes: Uint8Array, type: ImageType, limits: PictureLimits = DEFAULT_LIMITS): Promise<Encoded> {
  const p = await loadPhoton();
  const owned: Array<{ free(): void }> = [];
  const keep = <T extends { free(): void }>(img: T): T => {
    owned.push(img);
    return img;
  };
  try {
    let img = keep(p.PhotonImage.new_from_byteslice(bytes));
    const orientation = type === 'jpeg' ? jpegOrientation(bytes) : 1;
    if (orientation === 2 || orientation === 5 || orientation === 7) p.fliph(img);
    if (orientation === 4) p.flipv(img);
    const angle = { 3: 180, 5: 90, 6: 90, 7: 270, 8: 270 }[orientation];
    if (angle !== undefined) img = keep(p.rotate(img, angle));
    const w = img.get_width();
    const h = img.get_height();
    const scale = Math.min(1, limits.pictureSide / Math.max(w, h));
    const sized = scale < 1 ? keep(p.resize(img, Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale)), p.SamplingFilter.Lanczos3)) : img;
    const side = Math.min(w, h);
    const x = Math.floor((w - side) / 2);
    const y = Math.floor((h - side) / 2);
    const square = keep(p.crop(img, x, y, x + side, y + side));
    const thumb = keep(p.resize(square, limits.thumbnailSide, limits.thumbnailSide, p.SamplingFilter.Triangle));
    return {
      picture: sized.get_bytes_jpeg(limits.quality),
      thumbnail: thumb.get_bytes_jpeg(limits.quality),
      width: sized.get_width(),
      height: sized.get_height(),
    };
  } finally {
    for (const img of new Set(owned)) img.free();
  }
}

/** Checks what the bytes are and how big, before decoding: the type to decode as, or why the upload is dropped. */
function refusal(bytes: Uint8Array, limits: PictureLimits = DEFAULT_LIMITS): { reason: DropReason } | { type: ImageType } {
  if (bytes.length > limits.maxBytes) return { reason: 'too-large' };
  const type = sniff(bytes);
  if (!type) return { reason: 'not-an-image' };
  const size = dimensions(bytes, type);
  if (!size || size.width === 0 || size.height === 0) return { reason: 'undecodable' };
  if (size.width > limits.maxSide || size.height > limits.maxSide || size.width * size.height > limits.maxPixels) {
    return { reason: 'too-many-pixels' };
  }
  return { type };
}

export async function processUpload(key: string, deps: ProcessDeps): Promise<Outcome> {
  const upload = parseUploadKey(key);
  if (!upload) return { status: 'ignored', reason: 'not-an-upload' };
  const bytes = await deps.storage.get(key);
  if (!bytes) return { status: 'ignored', reason: 'gone' };
  // Only a decision removes the raw upload: a failure (S3 or Cognito unavailable) leaves it for the notification's
  // retry, and the bucket's lifecycle rule clears it if every retry fails.
  const outcome = await decide(upload, bytes, deps);
  await deps.storage.delete(key);
  return outcome;
}

async function decide(upload: { sub: string; version: string }, bytes: Uint8Array, deps: ProcessDeps): Promise<Outcome> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const { storage } = deps;
  const check = refusal(bytes, limits);
  if ('reason' in check) return { status: 'dropped', reason: check.reason };
  let encoded: Encoded;
  try {
    encoded = await encode(bytes, check.type, limits);
  } catch {
    // The decoder refuses (a panic in the WebAssembly module surfaces as a RuntimeError): a broken image.
    return { status: 'dropped', reason: 'undecodable' };
  }
  const { sub, version } = upload;
  await storage.put(pictureKey(sub, version), encoded.picture, 'image/jpeg', PICTURE_CACHE_CONTROL);
  await storage.put(thumbnailKey(sub, version), encoded.thumbnail, 'image/jpeg', PICTURE_CACHE_CONTROL);
  const existing = await storage.list(userPrefix(PUBLIC_PREFIX, sub));
  const versions = existing.map((k) => [k, versionOfPublicKey(sub, k)] as const);
  // Uploads may finish out of order: only the newest version stays, and only it sets the attribute.
  if (versions.some(([, v]) => v !== undefined && v > version)) {
    await storage.delete(pictureKey(sub, version));
    await storage.delete(thumbnailKey(sub, version));
    return { status: 'ignored', reason: 'superseded' };
  }
  const url = `${deps.publicBaseUrl}/${pictureKey(sub, version)}`;
  await deps.setPicture(sub, url);
  for (const [k, v] of versions) if (v !== undefined && v < version) await storage.delete(k);
  return { status: 'processed', version, url, thumbnailUrl: `${deps.publicBaseUrl}/${thumbnailKey(sub, version)}` };
}
