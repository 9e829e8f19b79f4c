/**
 * The processing function's Lambda entry: fired by the bucket's ObjectCreated notification for `uploads/`, it
 * runs processUpload for each record with S3 and the Cognito admin API. Its own bundle: the built-in API never
 * loads it, and it never loads the API. The same entry runs locally, with the endpoints pointed at the local
 * stack (S3_ENDPOINT, COGNITO_ENDPOINT).
 */
import { AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { type Outcome, type PictureStorage, processUpload } from './process.js';

/** The environment the template (or the local stack) sets. */
export const PICTURES_ENV = {
  userPoolId: 'USER_POOL_ID',
  /** Base URL of the CDN serving `public/`, without a trailing slash. */
  publicBaseUrl: 'PICTURES_URL',
  region: 'AWS_REGION',
  s3Endpoint: 'S3_ENDPOINT',
  cognitoEndpoint: 'COGNITO_ENDPOINT',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

export function s3PictureStorage(s3: S3Client, bucket: string): PictureStorage {
  const missing = (err: unknown): boolean => (err as { name?: string }).name === 'NoSuchKey';
  return {
    async get(key) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },
    async put(key, body, contentType, cacheControl) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, CacheControl: cacheControl }));
    },
    async delete(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    },
  };
}

/** Sets `picture` for the user with this sub: ListUsers finds the username (the pool may key users by email). */
export function cognitoPictureSetter(cognito: CognitoIdentityProviderClient, userPoolId: string): (sub: string, url: string) => Promise<void> {
  return async (sub, url) => {
    const found = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${sub}"`, Limit: 1 }));
    const username = found.Users?.[0]?.Username;
    if (!username) throw new Error(`no user with sub ${sub}`);
    await cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributes: [{ Name: 'picture', Value: url }] }));
  };
}

let clients: { s3: S3Client; cognito: CognitoIdentityProviderClient } | undefined;

/** S3 event keys are form-encoded: `+` is a space. */
export const eventKey = (raw: string): string => decodeURIComponent(raw.replace(/\+/g, ' '));

export async function handleEvent(event: S3Event, env: Env = process.env): Promise<Outcome[]> {
  const userPoolId = env[PICTURES_ENV.userPoolId];
  const publicBaseUrl = env[PICTURES_ENV.publicBaseUrl]?.replace(/\/+$/, '');
  if (!userPoolId || !publicBaseUrl) throw new Error(`${PICTURES_ENV.userPoolId} and ${PICTURES_ENV.publicBaseUrl} must be set`);
  const region = env[PICTURES_ENV.region];
  const s3Endpoint = env[PICTURES_ENV.s3Endpoint];
  const cognitoEndpoint = env[PICTURES_ENV.cognitoEndpoint];
  clients ??= {
    s3: new S3Client({ ...(region ? { region } : {}), ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) }),
    cognito: new CognitoIdentityProviderClient({ ...(region ? { region } : {}), ...(cognitoEndpoint ? { endpoint: cognitoEndpoint } : {}) }),
  };
  const outcomes: Outcome[] = [];
  for (const record of event.Records) {
    const key = eventKey(record.s3.object.key);
    const outcome = await processUpload(key, {
      storage: s3PictureStorage(clients.s3, record.s3.bucket.name),
      setPicture: cognitoPictureSetter(clients.cognito, userPoolId),
      publicBaseUrl,
    });
    // One JSON line per upload, for the function's logs.
    console.log(JSON.stringify({ key, ...outcome }));
    outcomes.push(outcome);
  }
  return outcomes;
}

/** The processing itself, for the bundle's own check (a fresh process runs it from the built files). */
export { processUpload } from './process.js';

export const handler = async (event: S3Event): Promise<void> => {
  await handleEvent(event);
};
