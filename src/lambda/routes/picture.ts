/**
 * `POST /user/picture` (access token): a presigned POST for one key the server chooses, `uploads/<sub>/<new
 * version>`, so a user can write only their own next picture; the processing function takes it from there.
 * `DELETE /user/picture`: the user's pictures and pending uploads removed, `picture` cleared. Both exist only when
 * the stack has pictures on (the router answers 404 otherwise).
 */
import { randomBytes } from 'node:crypto';
import { poolConfig } from '../config.js';
import { BadRequestError, MisconfiguredError } from '../errors.js';
import { MAX_UPLOAD_BYTES, newVersion, UPLOAD_CONTENT_TYPES, UPLOAD_EXPIRES_SECONDS, uploadKey, isSub } from '../picture-keys.js';
import { callCognito, type RouteContext, type RouteHandler } from '../route.js';
import { signedInUser, tokenFromHeader } from './profile.js';

type PicturesModule = typeof import('../pictures.js');
let pictures: Promise<PicturesModule> | undefined;
const loadPictures = (): Promise<PicturesModule> => (pictures ??= import('../pictures.js'));

function bucketOf(ctx: RouteContext): string {
  const bucket = ctx.config.picturesBucket;
  if (!bucket) throw new MisconfiguredError('PICTURES_BUCKET is not set');
  return bucket;
}

function requestedType(ctx: RouteContext): string {
  const text = ctx.request.body;
  if (text === null || text.trim() === '') return 'image/jpeg';
  const body = ctx.request.json();
  const type = Object.hasOwn(body, 'content_type') ? body.content_type : 'image/jpeg';
  if (typeof type !== 'string' || !(UPLOAD_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw new BadRequestError('InvalidField', `"content_type" must be one of ${UPLOAD_CONTENT_TYPES.join(', ')}.`, 'content_type');
  }
  return type;
}

async function subOf(ctx: RouteContext, token: string): Promise<string> {
  const { user } = await signedInUser(ctx, token);
  const sub = user.attributes.sub ?? '';
  if (!isSub(sub)) throw new MisconfiguredError('the user has no usable sub');
  return sub;
}

export const postPicture: RouteHandler = async (ctx) => {
  const bucket = bucketOf(ctx);
  const token = tokenFromHeader(ctx);
  const contentType = requestedType(ctx);
  const sub = await subOf(ctx, token);
  const version = newVersion(Date.now(), randomBytes(4).toString('hex'));
  const key = uploadKey(sub, version);
  const { presignUpload } = await loadPictures();
  const form = await presignUpload(ctx.config, bucket, key, contentType);
  return {
    status: 200,
    body: {
      url: form.url,
      fields: form.fields,
      key,
      version,
      content_type: contentType,
      max_bytes: MAX_UPLOAD_BYTES,
      expires_in: UPLOAD_EXPIRES_SECONDS,
    },
  };
};

export const deletePicture: RouteHandler = async (ctx) => {
  const bucket = bucketOf(ctx);
  const token = tokenFromHeader(ctx);
  const sub = await subOf(ctx, token);
  const { removeUserObjects } = await loadPictures();
  const removed = await removeUserObjects(ctx.config, bucket, sub);
  const pool = poolConfig(ctx.config);
  await callCognito(ctx, (c) => c.deleteUserAttributes(pool, token, ['picture'], ctx.budgetMs()));
  return { status: 200, body: { picture: null, removed } };
};
