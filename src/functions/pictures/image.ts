/**
 * What the bytes are, read from the bytes: the type from its magic number, the dimensions from its header (before
 * anything is decoded, so a decompression bomb is refused cheaply), and a JPEG's EXIF orientation (the one piece
 * of metadata that is applied, to the pixels, before all metadata is dropped).
 */

export type ImageType = 'jpeg' | 'png' | 'webp' | 'gif';

const startsWith = (b: Uint8Array, bytes: readonly number[], at = 0): boolean => bytes.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, at: number, length: number): string => String.fromCharCode(...b.subarray(at, at + length));

/** The type from the magic bytes; a declared Content-Type or a file name says nothing. */
export function sniff(b: Uint8Array): ImageType | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  return undefined;
}

export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

const u16be = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, at: number): number => u16le(b, at) | ((b[at + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, at: number): number => ((u16be(b, at) << 16) >>> 0) + u16be(b, at + 2);

/** Width and height from the header, or undefined when the header is not there or not readable. */
export function dimensions(b: Uint8Array, type: ImageType): Dimensions | undefined {
  switch (type) {
    case 'png':
      return ascii(b, 12, 4) === 'IHDR' ? { width: u32be(b, 16), height: u32be(b, 20) } : undefined;
    case 'gif':
      return b.length >= 10 ? { width: u16le(b, 6), height: u16le(b, 8) } : undefined;
    case 'webp': {
      const chunk = ascii(b, 12, 4);
      if (chunk === 'VP8X') return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
      if (chunk === 'VP8 ' && startsWith(b, [0x9d, 0x01, 0x2a], 23)) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
      if (chunk === 'VP8L' && b[20] === 0x2f) {
        const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
        return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
      return undefined;
    }
    case 'jpeg': {
      let at = 2;
      while (at + 9 < b.length) {
        if (b[at] !== 0xff) return undefined;
        const marker = b[at + 1] ?? 0;
        if (marker === 0xff) {
          at++;
          continue;
        }
        const length = u16be(b, at + 2);
        // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return { height: u16be(b, at + 5), width: u16be(b, at + 7) };
        }
        at += 2 + length;
      }
      return undefined;
    }
  }
}

/** The EXIF orientation (1–8) of a JPEG; 1 when there is none. */
export function jpegOrientation(b: Uint8Array): number {
  let at = 2;
  while (at + 4 < b.length && b[at] === 0xff) {
    const marker = b[at + 1] ?? 0;
    const length = u16be(b, at + 2);
    if (marker === 0xda) break;
    if (marker === 0xe1 && ascii(b, at + 4, 4) === 'Exif') {
      const tiff = at + 10;
      const little = ascii(b, tiff, 2) === 'II';
      const u16 = (p: number): number => (little ? u16le(b, p) : u16be(b, p));
      const u32 = (p: number): number => (little ? (u16le(b, p) | (u16le(b, p + 2) << 16)) >>> 0 : u32be(b, p));
      const ifd = tiff + u32(tiff + 4);
      const count = u16(ifd);
      for (let i = 0; i < count && ifd + 2 + i * 12 + 12 <= b.length; i++) {
        const entry = ifd + 2 + i * 12;
        if (u16(entry) === 0x0112) {
          const value = u16(entry + 8);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
      return 1;
    }
    at += 2 + length;
  }
  return 1;
}
