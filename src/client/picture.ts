/**
 * The signed-in user's picture through the API's flow: ask for a presigned POST, post the file straight to the
 * bucket, then wait for the processing function to set `picture` to the new version's URL.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Context } from '../core/context.js';
import { EXIT, UserError } from '../core/errors.js';
import { fileError } from '../core/files.js';
import type { Target } from '../core/targets.js';
import type { ProfileBody } from '../lambda/types.js';
import { callApi, expectOk } from './api.js';

/** What `POST /user/picture` answers. */
export interface PictureUpload {
  readonly url: string;
  readonly fields: Record<string, string>;
  readonly key: string;
  readonly version: string;
  readonly content_type: string;
  readonly max_bytes: number;
  readonly expires_in: number;
}

/** The largest file `picture set` sends: the presigned POST's own limit. */
export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;

/** The type the bytes say they are (the server checks again, on the bytes). */
export function pictureType(b: Uint8Array): string | undefined {
  const text = (at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (text(1, 3) === 'PNG' && b[0] === 0x89) return 'image/png';
  if (text(0, 4) === 'RIFF' && text(8, 4) === 'WEBP') return 'image/webp';
  if (text(0, 4) === 'GIF8') return 'image/gif';
  return undefined;
}

/** Reads and checks the file before anything is sent: a clear line for a missing, oversized or non-image file. */
export async function readPicture(file: string): Promise<{ bytes: Buffer; contentType: string }> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw fileError('read', file, err);
  }
  if (size > MAX_PICTURE_BYTES) {
    throw new UserError('usage', `${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a picture may be at most 5 MB.`, {
      code: 'PictureTooLarge',
      exitCode: EXIT.usage,
    });
  }
  const bytes = await readFile(file);
  const contentType = pictureType(bytes);
  if (!contentType) {
    throw new UserError('usage', `${file} is not a JPEG, PNG, WebP or GIF image (by its contents).`, { code: 'NotAnImage', exitCode: EXIT.usage });
  }
  return { bytes, contentType };
}

/** S3's XML error, as one line. */
function storageError(status: number, text: string): UserError {
  const code = /<Code>(.*?)<\/Code>/s.exec(text)?.[1] ?? `Http${status}`;
  const message = /<Message>(.*?)<\/Message>/s.exec(text)?.[1] ?? (text.slice(0, 200) || 'no details');
  return new UserError('api', `The upload was refused: ${status} ${code}: ${message}`, { code, details: { status } });
}

export async function requestUpload(ctx: Context, target: Target, token: string, contentType: string): Promise<PictureUpload> {
  const res = await callApi(ctx, target, { method: 'POST', path: '/user/picture', token, body: { content_type: contentType } });
  if (res.status === 404) {
    throw new UserError('api', 'This stack has no pictures.', {
      code: 'PicturesOff',
      hint: 'Turn them on with "pictures": true in authstack.config.json (or --pictures)',
    });
  }
  expectOk(res, 'Asking for an upload');
  return res.json as PictureUpload;
}

/** Posts the file as a browser form would: the fields first, the file last. */
export async function postPicture(ctx: Context, upload: PictureUpload, bytes: Uint8Array, filename: string): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type: upload.content_type }), filename);
  let res: Response;
  try {
    res = await ctx.fetch(upload.url, { method: 'POST', body: form, signal: AbortSignal.any([AbortSignal.timeout(120_000), ctx.signal]) });
  } catch (err) {
    throw new UserError('network', `Could not reach the picture bucket at ${upload.url}: ${(err as Error).message}`, { code: 'StorageUnreachable' });
  }
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) throw storageError(res.status, text);
}

export async function profileOf(ctx: Context, target: Target, token: string): Promise<ProfileBody> {
  const res = await callApi(ctx, target, { method: 'GET', path: '/user/profile', token });
  expectOk(res, 'Reading the profile');
  return res.json as ProfileBody;
}

/**
 * Waits until `picture` names this version (the processing function has run), checking every `everyMs`. A file the
 * function dropped (not really an image, too many pixels) never gets there: the wait ends with that explanation.
 */
export async function waitForPicture(
  ctx: Context,
  target: Target,
  token: string,
  version: string,
  opts: { timeoutMs?: number; everyMs?: number } = {},
): Promise<string> {
  const deadline = ctx.clock.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const picture = (await profileOf(ctx, target, token)).picture;
    if (typeof picture === 'string' && picture.includes(version)) return picture;
    if (ctx.clock.now() >= deadline || ctx.signal.aborted) {
      throw new UserError('api', 'The picture was uploaded but not published in time: the processing function dropped it or has not run.', {
        code: 'PictureNotProcessed',
        hint: "A file that is not really an image, or is over 40 megapixels, is dropped; see the function's logs",
      });
    }
    await ctx.clock.sleep(opts.everyMs ?? 1_000, ctx.signal);
  }
}

export async function removePicture(ctx: Context, target: Target, token: string): Promise<number> {
  const res = await callApi(ctx, target, { method: 'DELETE', path: '/user/picture', token });
  if (res.status === 404) throw new UserError('api', 'This stack has no pictures.', { code: 'PicturesOff' });
  expectOk(res, 'Removing the picture');
  return (res.json as { removed?: number }).removed ?? 0;
}
