/**
 * What `smoke` uploads when the target has pictures on: a 1 KB JPEG carrying EXIF with a GPS position and an
 * orientation, and the check that what the CDN serves has none of it.
 */

/** A tiny JPEG (EXIF: GPS latitude and longitude, orientation 6). */
export const SMOKE_JPEG: Buffer = Buffer.from(
  [
    '/9j/4QFWRXhpZgAASUkqAAgAAAAJAA8BAgAIAAAAkgAAABABAgAIAAAAigAAABIBAwABAAAABgAAABoBBQABAAAAegAAABsBBQABAAAAggAAAC',
    'gBAwABAAAAAgAAABMCAwABAAAAAQAAAGmHBAABAAAAmgAAACWIBAABAAAA6AAAAAAAAAA4YwAA6AMAADhjAADoAwAAR1BTIE9uZQBUZXN0Q2Ft',
    'AAYAAJAHAAQAAAAwMjEwAZEHAAQAAAABAgMAAKAHAAQAAAAwMTAwAaADAAEAAAD//wAAAqAEAAEAAAA8AAAAA6AEAAEAAAAoAAAAAAAAAAQAAQ',
    'ACAAIAAABOAAAAAgAFAAMAAAA2AQAAAwACAAIAAABFAAAABAAFAAMAAAAeAQAAAAAAAAIAAAABAAAAEQAAAAEAAAC0DwAAZAAAADAAAAABAAAA',
    'MwAAAAEAAACUCwAAZAAAAP/iAfBJQ0NfUFJPRklMRQABAQAAAeBsY21zBCAAAG1udHJSR0IgWFlaIAfiAAMAFAAJAA4AHWFjc3BNU0ZUAAAAAH',
    'Nhd3NjdHJsAAAAAAAAAAAAAAAAAAD21gABAAAAANMtaGFuZHnpv1ZaPgG2gyOFVUb3T6oAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'CmRlc2MAAAD8AAAAJGNwcnQAAAEgAAAAInd0cHQAAAFEAAAAFGNoYWQAAAFYAAAALHJYWVoAAAGEAAAAFGdYWVoAAAGYAAAAFGJYWVoAAAGsAA',
    'AAFHJUUkMAAAHAAAAAIGdUUkMAAAHAAAAAIGJUUkMAAAHAAAAAIG1sdWMAAAAAAAAAAQAAAAxlblVTAAAACAAAABwAcwBSAEcAQm1sdWMAAAAA',
    'AAAAAQAAAAxlblVTAAAABgAAABwAQwBDADAAAFhZWiAAAAAAAAD21gABAAAAANMtc2YzMgAAAAAAAQw/AAAF3f//8yYAAAeQAAD9kv//+6H///',
    '2iAAAD3AAAwHFYWVogAAAAAAAAb6AAADjyAAADj1hZWiAAAAAAAABilgAAt4kAABjaWFlaIAAAAAAAACSgAAAPhQAAtsRwYXJhAAAAAAADAAAA',
    'AmZpAADypwAADVkAABPQAAAKW//bAEMABgQFBgUEBgYFBgcHBggKEAoKCQkKFA4PDBAXFBgYFxQWFhodJR8aGyMcFhYgLCAjJicpKikZHy0wLS',
    'gwJSgpKP/bAEMBBwcHCggKEwoKEygaFhooKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKP/AABEIACgA',
    'PAMBIgACEQEDEQH/xAAXAAEBAQEAAAAAAAAAAAAAAAAABAYH/8QAGhABAAEFAAAAAAAAAAAAAAAAAAEDBTWCsv/EABgBAQEBAQEAAAAAAAAAAA',
    'AAAAgABQYH/8QAHBEBAAAHAQAAAAAAAAAAAAAAAAECBAU1crJz/9oADAMBAAIRAxEAPwDlgDlXvwivWMra9QtRXrGVteoatiydN6SdQZl5x1Rp',
    'PzFlgCTH8ASbYAVyTEV6xlbXqFqK9Yytr1DVsWTpvSTqDMvOOqNJ+YssASY/gCTbACuSYivWMra9QDVsWTpvSTqDMvOOqNJ+YssASY/gCT//2Q',
    '==',
  ].join(''),
  'base64',
);

/**
 * The metadata segments of a JPEG, by name (`APP1 Exif`, `APP1 XMP`, `APP13`, `COM`, ...), read up to the image
 * data; the JFIF header (APP0) is not metadata. An empty list: nothing but pixels and what decoding needs.
 */
export function jpegMetadata(bytes: Uint8Array): string[] {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG');
  const found: string[] = [];
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    if (marker === 0xda || marker === 0xd9) break;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xe1 && marker <= 0xef) {
      const head = Buffer.from(bytes.subarray(i + 4, i + 4 + 29)).toString('latin1');
      found.push(`APP${marker - 0xe0}${head.startsWith('Exif') ? ' Exif' : head.startsWith('http://ns.adobe.com/xap/') ? ' XMP' : ''}`);
    } else if (marker === 0xfe) found.push('COM');
    i += 2 + length;
  }
  return found;
}
