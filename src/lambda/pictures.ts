/**
 * The S3 side of the picture routes, loaded with `import()` by them only: the S3 client and the presigned-POST
 * signer are never evaluated by health, sign-up or the profile.
 */
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { LambdaConfig } from './config.js';
import { MAX_UPLOAD_BYTES, PUBLIC_PREFIX, UPLOAD_EXPIRES_SECONDS, UPLOAD_PREFIX, userPrefix } from './picture-keys.js';

const clients = new Map<string, S3Client>();

function client(config: LambdaConfig): S3Client {
  const key = `${config.region ?? ''}\n${config.s3Endpoint ?? ''}`;
  let c = clients.get(key);
  if (!c) {
    c = new S3Client({
      ...(config.region ? { region: config.region } : {}),
      ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
      ...(config.s3Credentials ? { credentials: config.s3Credentials } : {}),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
    });
    clients.set(key, c);
  }
  return c;
}

export interface UploadForm {
  readonly url: string;
  readonly fields: Record<string, string>;
}

/**
 * A presigned POST for exactly this key, this content type, at most MAX_UPLOAD_BYTES, valid for 5 minutes: only
 * a POST policy can bound the size (a presigned PUT cannot), and the exact key means no other object can be written.
 */
export async function presignUpload(config: LambdaConfig, bucket: string, key: string, contentType: string): Promise<UploadForm> {
  const { url, fields } = await createPresignedPost(client(config), {
    Bucket: bucket,
    Key: key,
    Conditions: [
      ['content-length-range', 1, MAX_UPLOAD_BYTES],
      ['eq', '$Content-Type', contentType],
    ],
    Fields: { 'Content-Type': contentType },
    Expires: UPLOAD_EXPIRES_SECONDS,
  });
  return { url, fields };
}

/** Deletes every object of the user (processed versions and pending uploads); returns how many. */
export async function removeUserObjects(config: LambdaConfig, bucket: string, sub: string): Promise<number> {
  const s3 = client(config);
  let removed = 0;
  for (const prefix of [userPrefix(PUBLIC_PREFIX, sub), userPrefix(UPLOAD_PREFIX, sub)]) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      // A user has a picture, its thumbnail and perhaps a pending upload: one DeleteObject each is enough.
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
        removed++;
      }
      token = page.NextContinuationToken;
    } while (token);
  }
  return removed;
}
