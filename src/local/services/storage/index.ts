/**
 * The pictures bucket as a service, when the model has pictures on: the local S3 (`storage/`) with its objects under
 * `<dataDir>/storage` (kept across restarts), its `/_cdn/` path standing in for the distribution, and the bucket
 * notification: each upload under `uploads/` runs the processing function (the same Lambda entry deploy ships) in
 * the local function runtime with an S3 event record, its S3 and Cognito clients pointed at the local ones. It
 * starts before the function runtime, which gives the API what `environment` holds (the bucket, the CDN URL, the S3
 * endpoint and the credentials the local S3 accepts). Off, it serves nothing.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { realClock } from '../../../core/clock.js';
import { UserError } from '../../../core/errors.js';
import { ENV } from '../../../lambda/types.js';
import { PUBLIC_PREFIX, UPLOAD_PREFIX } from '../../../lambda/picture-keys.js';
import { createFunctionRuntime, type FunctionRuntime } from '../../functions/runtime.js';
import type { ObjectCreatedEvent } from '../../storage/index.js';
import type { CognitoService } from '../cognito/index.js';
import { defineService, type ServiceContext } from '../types.js';

/** The only credentials the local S3 accepts; every local function signs with them (never with a real key). */
const LOCAL_STORAGE_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
/** The local pictures bucket. */
const LOCAL_PICTURES_BUCKET = 'authstack-local-pictures';

export interface StorageService {
  /** Absent when pictures are off. */
  pictures?: {
    bucket: string;
    /** The S3 endpoint (path-style). */
    endpoint: string;
    /** The CDN's base URL (the local `/_cdn` path), what `picture` URLs start with. */
    cdnUrl: string;
    /** What every local function's environment gets (the API's included). */
    environment: Readonly<Record<string, string>>;
    /** Resolves once every processing run started so far has finished. */
    idle(): Promise<void>;
  };
}

/**
 * An S3 event notification as S3 sends it to Lambda: the event message structure, version 2.1
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html); the key URL-encoded
 * as S3 encodes it (a space is `+`).
 */
export function s3EventRecord(event: ObjectCreatedEvent, region: string, at: Date): unknown {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: at.toISOString(),
        eventName: 'ObjectCreated:Post',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': randomUUID(), 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'pictures-uploads',
          bucket: { name: event.bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${event.bucket}` },
          object: {
            key: encodeURIComponent(event.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            size: event.size,
            eTag: event.etag.replace(/"/g, ''),
            sequencer: at.getTime().toString(16).toUpperCase().padStart(16, '0'),
          },
        },
      },
    ],
  };
}

async function start(ctx: ServiceContext) {
  const pictures = ctx.model.pictures;
  if (!pictures) return { provides: {}, stop: () => undefined };
  const bundlePath = ctx.options.picturesBundlePath;
  if (!bundlePath) throw new Error('pictures are on, but the local stack was given no bundle of the pictures function');
  const { cognito } = ctx.use<CognitoService>('cognito');
  const port = ctx.options.storagePort ?? 0;
  // Loaded only with pictures on: every other dev start is spared the local S3's code.
  const { startLocalStorage } = await import('../../storage/index.js');
  let runtime: FunctionRuntime | undefined;
  const storage = await startLocalStorage({
    dir: join(ctx.dataDir, 'storage'),
    buckets: [LOCAL_PICTURES_BUCKET],
    credentials: LOCAL_STORAGE_CREDENTIALS,
    clock: realClock,
    port,
    host: ctx.host,
    region: cognito.region,
    cdn: { bucket: LOCAL_PICTURES_BUCKET, prefix: PUBLIC_PREFIX },
    corsOrigins: pictures.corsOrigins,
    onObjectCreatedPrefix: UPLOAD_PREFIX,
    onObjectCreated: async (_key, event) => {
      const requestId = randomUUID();
      const outcome = await runtime!.invoke(pictures.function.id, requestId, s3EventRecord(event, cognito.region, new Date()));
      for (const text of outcome.log.split('\n')) if (text) ctx.emit({ type: 'log', functionId: pictures.function.id, requestId, text });
      if (!outcome.ok) ctx.emit({ type: 'log', functionId: pictures.function.id, requestId, text: `failed: ${outcome.error}` });
    },
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    throw new UserError('local', `Port ${port} (local S3) is already in use.`, { hint: 'Pick another with --storage-port, or 0 for a free one' });
  });
  const environment = {
    [ENV.picturesBucket]: LOCAL_PICTURES_BUCKET,
    [ENV.picturesUrl]: storage.cdnUrl,
    [ENV.s3Endpoint]: storage.url,
    AWS_ACCESS_KEY_ID: LOCAL_STORAGE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_STORAGE_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: '',
  };
  try {
    runtime = createFunctionRuntime({
      functions: [
        {
          id: pictures.function.id,
          bundlePath,
          // `index.handler`: the export after the file.
          handlerName: pictures.function.handler.slice(pictures.function.handler.lastIndexOf('.') + 1),
          environment: pictures.function.environment,
          memorySize: pictures.function.memorySize,
          timeoutMs: pictures.function.timeout * 1000,
        },
      ],
      onLog: (log) => ctx.emit({ type: 'log', functionId: log.functionId, text: log.text }),
    });
    await runtime.start({
      ...environment,
      [ENV.userPoolId]: cognito.userPoolId,
      [ENV.region]: cognito.region,
      [ENV.cognitoEndpoint]: cognito.endpoint,
    });
  } catch (error) {
    await runtime?.close();
    await storage.stop();
    throw error;
  }
  const provides: StorageService = {
    pictures: { bucket: LOCAL_PICTURES_BUCKET, endpoint: storage.url, cdnUrl: storage.cdnUrl, environment, idle: () => storage.idle() },
  };
  return {
    url: storage.url,
    outputs: [
      { label: 'S3', value: storage.url, note: `bucket ${LOCAL_PICTURES_BUCKET}` },
      { label: 'Pictures', value: storage.cdnUrl, note: '(the CDN: processed pictures, immutable)' },
    ],
    provides,
    stop: async () => {
      await storage.stop();
      await runtime?.close();
    },
  };
}

export const storageService = defineService<StorageService>({
  name: 'storage',
  needs: ['cognito'],
  start,
});
