import { readFile } from 'node:fs/promises';
import path from 'node:path';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { dimensions, jpegOrientation, sniff } from '../../../../src/functions/pictures/image.js';
import { PICTURE_CACHE_CONTROL, type PictureStorage, processUpload } from '../../../../src/functions/pictures/process.js';
import { newVersion, pictureKey, thumbnailKey, uploadKey } from '../../../../src/lambda/picture-keys.js';

const FIXTURES = path.join(import.meta.dirname, '../../../fixtures/pictures');
const fixture = (name: string): Promise<Buffer> => readFile(path.join(FIXTURES, name));
const SUB = '3f0c7a2e-1111-4a4a-9b9b-0123456789ab';
const CDN = 'https://cdn.example';

interface Stored {
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

/** An in-memory bucket with the PictureStorage interface, recording what was written. */
function memoryStorage(initial: Record<string, Uint8Array> = {}) {
  const objects = new Map<string, Stored>(Object.entries(initial).map(([k, body]) => [k, { body, contentType: 'image/jpeg', cacheControl: '' }]));
  const storage: PictureStorage = {
    get: async (key) => objects.get(key)?.body,
    put: async (key, body, contentType, cacheControl) => void objects.set(key, { body, contentType, cacheControl }),
    delete: async (key) => void objects.delete(key),
    list: async (prefix) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
  return { storage, objects };
}

function deps(storage: PictureStorage) {
  const pictures: Array<[string, string]> = [];
  return { pictures, deps: { storage, publicBaseUrl: CDN, setPicture: async (sub: string, url: string) => void pictures.push([sub, url]) } };
}

/** The markers of a JPEG's segments before the image data. */
function segmentMarkers(b: Uint8Array): number[] {
  const markers: number[] = [];
  let at = 2;
  while (at + 4 <= b.length && b[at] === 0xff && b[at + 1] !== 0xda) {
    markers.push(b[at + 1]!);
    at += 2 + ((b[at + 2]! << 8) | b[at + 3]!);
  }
  return markers;
}

const v1 = newVersion(Date.UTC(2025, 0, 1), 'aaaaaaaa');
const v2 = newVersion(Date.UTC(2025, 0, 2), 'bbbbbbbb');

describe('image checks by the bytes', () => {
  it('knows JPEG, PNG, WebP and GIF by their magic bytes, and their sizes from the header', async () => {
    for (const [name, type] of [
      ['gps-rotated.jpg', 'jpeg'],
      ['small.png', 'png'],
      ['small.webp', 'webp'],
      ['small.gif', 'gif'],
    ] as const) {
      const bytes = await fixture(name);
      expect(sniff(bytes)).toBe(type);
      expect(dimensions(bytes, type)).toEqual({ width: 60, height: 40 });
    }
    expect(sniff(Buffer.from('just text, named .jpg'))).toBeUndefined();
    expect(jpegOrientation(await fixture('gps-rotated.jpg'))).toBe(6);
  });
});

describe('processUpload', () => {
  it('a JPEG carrying GPS EXIF goes in, a JPEG with no EXIF at all comes out (checked with exifr), rotated upright', async () => {
    const input = await fixture('gps-rotated.jpg');
    // The fixture really carries a position: the check below would prove nothing otherwise.
    expect(segmentMarkers(input)).toContain(0xe1);
    expect(await exifr.gps(input)).toMatchObject({ latitude: expect.closeTo(48.858, 3), longitude: expect.closeTo(2.294, 3) });
    const { storage, objects } = memoryStorage({ [uploadKey(SUB, v1)]: input });
    const { deps: d, pictures } = deps(storage);
    const outcome = await processUpload(uploadKey(SUB, v1), d);
    expect(outcome).toEqual({
      status: 'processed',
      version: v1,
      url: `${CDN}/${pictureKey(SUB, v1)}`,
      thumbnailUrl: `${CDN}/${thumbnailKey(SUB, v1)}`,
    });
    const out = objects.get(pictureKey(SUB, v1))!;
    expect(sniff(out.body)).toBe('jpeg');
    const everything = { tiff: true, exif: true, gps: true, interop: true, ifd1: true, xmp: true, iptc: true, icc: true, jfif: false };
    expect(await exifr.parse(Buffer.from(out.body), everything)).toBeUndefined();
    // At the byte level too: no APP1 (EXIF/XMP), APP2 (ICC) or APP13 (IPTC) segment; at most a bare JFIF header.
    expect(segmentMarkers(out.body).filter((m) => m >= 0xe1 && m <= 0xef)).toEqual([]);
    expect(await exifr.gps(Buffer.from(out.body))).toBeUndefined();
    // Orientation 6 applied to the pixels: 60×40 stored, 40×60 shown.
    expect(dimensions(out.body, 'jpeg')).toEqual({ width: 40, height: 60 });
    expect(out.cacheControl).toBe(PICTURE_CACHE_CONTROL);
    expect(dimensions(objects.get(thumbnailKey(SUB, v1))!.body, 'jpeg')).toEqual({ width: 128, height: 128 });
    expect(objects.has(uploadKey(SUB, v1))).toBe(false);
    expect(pictures).toEqual([[SUB, `${CDN}/${pictureKey(SUB, v1)}`]]);
  });

  it('PNG, WebP and GIF uploads are re-encoded as JPEG', async () => {
    for (const name of ['small.png', 'small.webp', 'small.gif']) {
      const { storage, objects } = memoryStorage({ [uploadKey(SUB, v1)]: await fixture(name) });
      expect((await processUpload(uploadKey(SUB, v1), deps(storage).deps)).status).toBe('processed');
      expect(sniff(objects.get(pictureKey(SUB, v1))!.body)).toBe('jpeg');
    }
  });

  it('a text file renamed .jpg is dropped: deleted, nothing written, the attribute untouched', async () => {
    const { storage, objects } = memoryStorage({ [uploadKey(SUB, v1)]: Buffer.from('<?php echo "hi"; ?> not a picture') });
    const { deps: d, pictures } = deps(storage);
    expect(await processUpload(uploadKey(SUB, v1), d)).toEqual({ status: 'dropped', reason: 'not-an-image' });
    expect([...objects.keys()]).toEqual([]);
    expect(pictures).toEqual([]);
  });

  it('an oversized file and an image too many pixels large (a decompression bomb) are dropped before decoding', async () => {
    const big = Buffer.concat([await fixture('gps-rotated.jpg'), Buffer.alloc(5 * 1024 * 1024)]);
    const huge = Buffer.from(await fixture('small.png'));
    huge.writeUInt32BE(50_000, 16);
    huge.writeUInt32BE(50_000, 20);
    for (const [bytes, reason] of [
      [big, 'too-large'],
      [huge, 'too-many-pixels'],
    ] as const) {
      const { storage, objects } = memoryStorage({ [uploadKey(SUB, v1)]: bytes });
      expect(await processUpload(uploadKey(SUB, v1), deps(storage).deps)).toEqual({ status: 'dropped', reason });
      expect(objects.size).toBe(0);
    }
  });

  it('a truncated image with valid magic bytes is dropped as undecodable', async () => {
    const { storage, objects } = memoryStorage({ [uploadKey(SUB, v1)]: (await fixture('gps-rotated.jpg')).subarray(0, 300) });
    expect(await processUpload(uploadKey(SUB, v1), deps(storage).deps)).toEqual({ status: 'dropped', reason: 'undecodable' });
    expect(objects.size).toBe(0);
  });

  it('a newer version replaces the older one; an older one finishing late is discarded and does not win', async () => {
    const jpeg = await fixture('gps-rotated.jpg');
    const { storage, objects } = memoryStorage({ [uploadKey(SUB, v1)]: jpeg, [uploadKey(SUB, v2)]: jpeg });
    const { deps: d, pictures } = deps(storage);
    expect((await processUpload(uploadKey(SUB, v2), d)).status).toBe('processed');
    expect(await processUpload(uploadKey(SUB, v1), d)).toEqual({ status: 'ignored', reason: 'superseded' });
    expect([...objects.keys()].sort()).toEqual([pictureKey(SUB, v2), thumbnailKey(SUB, v2)].sort());
    expect(pictures.map(([, url]) => url)).toEqual([`${CDN}/${pictureKey(SUB, v2)}`]);
    const v3 = newVersion(Date.UTC(2025, 0, 3), 'cccccccc');
    await storage.put(uploadKey(SUB, v3), jpeg, 'image/jpeg', '');
    await processUpload(uploadKey(SUB, v3), d);
    expect([...objects.keys()].sort()).toEqual([pictureKey(SUB, v3), thumbnailKey(SUB, v3)].sort());
  });

  it('a failure to set the attribute keeps the raw upload for the retry, which then publishes it', async () => {
    const { storage, objects } = memoryStorage({ [uploadKey(SUB, v1)]: await fixture('small.png') });
    const failing = { storage, publicBaseUrl: CDN, setPicture: async () => Promise.reject(new Error('Cognito unavailable')) };
    await expect(processUpload(uploadKey(SUB, v1), failing)).rejects.toThrow('Cognito unavailable');
    expect(objects.has(uploadKey(SUB, v1))).toBe(true);
    const { deps: d, pictures } = deps(storage);
    expect((await processUpload(uploadKey(SUB, v1), d)).status).toBe('processed');
    expect(pictures).toEqual([[SUB, `${CDN}/${pictureKey(SUB, v1)}`]]);
    expect(objects.has(uploadKey(SUB, v1))).toBe(false);
  });

  it('keys this stack did not make (another prefix, a malformed version) are left alone', async () => {
    const { storage, objects } = memoryStorage({ 'public/x.jpg': Buffer.from('x'), [`uploads/${SUB}/../../x`]: Buffer.from('x') });
    expect(await processUpload('public/x.jpg', deps(storage).deps)).toEqual({ status: 'ignored', reason: 'not-an-upload' });
    expect(await processUpload(`uploads/${SUB}/../../x`, deps(storage).deps)).toEqual({ status: 'ignored', reason: 'not-an-upload' });
    expect(objects.size).toBe(2);
  });
});
