import { basename, resolve } from 'node:path';
import { freshSession } from '../client/auth.js';
import { resolveTarget } from '../client/target.js';
import { defineCommand } from '../core/command.js';
import type { Context } from '../core/context.js';
import { UserError } from '../core/errors.js';
import { checkEmail } from '../core/parse.js';
import type { Target } from '../core/targets.js';
import type { PictureRemoveResult, PictureResult } from './results.js';
import { targetFlags } from './target-flags.js';

/** The picture client loads only when a picture command runs. */
const client = () => import('../client/picture.js');

async function signedIn(ctx: Context, options: Parameters<typeof resolveTarget>[1]): Promise<{ target: Target; token: string }> {
  const target = await resolveTarget(ctx, options, { api: true, cognito: true });
  const { session } = await freshSession(ctx, target);
  return { target, token: session.accessToken };
}

const set = defineCommand({
  name: 'picture set',
  description: 'upload your profile picture (JPEG, PNG, WebP or GIF, at most 5 MB) and print its URL once published',
  args: { file: { description: 'the image file', required: true } },
  options: { ...targetFlags },
  examples: ['authstack picture set me.jpg', 'authstack picture set me.png --json'],
  async run({ args, options }, ctx) {
    const { readPicture, requestUpload, postPicture, waitForPicture } = await client();
    const { bytes, contentType } = await readPicture(resolve(ctx.cwd, args.file));
    const { target, token } = await signedIn(ctx, options);
    const progress = ctx.out.progress(`uploading ${basename(args.file)} (${(bytes.length / 1024).toFixed(0)} KB)`);
    let url: string;
    let version: string;
    try {
      const upload = await requestUpload(ctx, target, token, contentType);
      version = upload.version;
      progress.update('sending to the bucket');
      await postPicture(ctx, upload, bytes, basename(args.file));
      progress.update('waiting for the picture to be processed');
      url = await waitForPicture(ctx, target, token, upload.version);
    } finally {
      progress.stop();
    }
    const result: PictureResult = { picture: url, version, bytes: bytes.length };
    ctx.out.result(result, () => url);
  },
});

const url = defineCommand({
  name: 'picture url',
  description: "print the URL of your profile picture, or of another user's (an admin lookup: IAM credentials on AWS)",
  args: { user: { description: "another user's email address (default: you)" } },
  options: { ...targetFlags },
  examples: ['authstack picture url', 'authstack picture url ada@example.com --json'],
  async run({ args, options }, ctx) {
    let picture: string | null;
    if (args.user === undefined) {
      const { target, token } = await signedIn(ctx, options);
      picture = (await (await client()).profileOf(ctx, target, token)).picture ?? null;
    } else {
      const email = checkEmail(args.user);
      const target = await resolveTarget(ctx, options);
      const user = await (await (await import('../client/users.js')).userAdmin(ctx, target)).getUser(email);
      if (!user) throw new UserError('aws', `No user ${email} in the user pool.`, { code: 'UserNotFound', hint: 'See authstack users list' });
      picture = user.attributes.picture ?? null;
    }
    const result: PictureResult = { picture };
    ctx.out.result(result, (c) => picture ?? c.dim('no picture'));
  },
});

const remove = defineCommand({
  name: 'picture remove',
  description: 'remove your profile picture (every version, and any pending upload)',
  options: { ...targetFlags },
  examples: ['authstack picture remove'],
  async run({ options }, ctx) {
    const { target, token } = await signedIn(ctx, options);
    const removed = await (await client()).removePicture(ctx, target, token);
    const result: PictureRemoveResult = { picture: null, removed };
    ctx.out.result(result, () => (removed > 0 ? 'Removed your picture.' : 'You had no picture.'));
  },
});

export const pictureCommands = [set, url, remove] as const;
