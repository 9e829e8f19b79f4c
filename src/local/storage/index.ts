/**
 * A local S3 for the subset authstack uses, on loopback, path-style (`http://127.0.0.1:PORT/<bucket>/<key>`):
 * PutObject, GetObject, HeadObject, DeleteObject, ListObjectsV2 and POST Object (browser uploads with a presigned
 * POST policy). Every request is checked as S3 checks it: SigV4 in the Authorization header or a presigned URL
 * (with its expiry) for the local dummy credentials, or the POST policy's signature, expiry and conditions; a
 * refusal is S3's XML error with S3's code and status. Objects survive restarts and kill -9 (store.ts).
 *
 * `/_cdn/<key>` stands in for the CloudFront distribution: anyone may GET what is under the public prefix, with
 * the long immutable Cache-Control the distribution's objects carry; anything else there is S3's 403, as an Origin
 * Access Control that may only GetObject under that prefix gets.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Clock } from '../../core/clock.js';
import { errorXml, invalidRequest, newRequestId, noSuchBucket, noSuchKey, S3Error, xmlElement, accessDenied } from './errors.js';
import { parseMultipart, verifyPostPolicy } from './post-policy.js';
import { type ObjectInfo, ObjectStore } from './store.js';
import {
  headerValues,
  parseQuery,
  sha256Hex,
  type SignedRequest,
  type StorageCredentials,
  UNSIGNED_PAYLOAD,
  verifyHeaderAuth,
  verifyQueryAuth,
} from './sigv4.js';

export interface ObjectCreatedEvent {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly contentType: string;
}

export interface LocalStorageOptions {
  /** Folder the objects are kept in, one sub-folder per bucket (e.g. `.authstack/local/storage`). */
  readonly dir: string;
  /** Buckets that exist; any other is S3's NoSuchBucket. */
  readonly buckets: readonly string[];
  /** The only credentials accepted (the local stack's dummy ones). */
  readonly credentials: StorageCredentials;
  /** Time for signatures, expiries and Last-Modified. */
  readonly clock: Pick<Clock, 'now'>;
  /** Port to listen on. Default 0: a free one. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** The region signatures must be scoped to. Default `us-east-1`. */
  readonly region?: string;
  /** The CDN read path: objects of `bucket` whose key starts with `prefix`, served publicly under `/_cdn/`. */
  readonly cdn?: { readonly bucket: string; readonly prefix: string };
  /** Origins a browser may call from (the bucket's CORS rule). Default: none. */
  readonly corsOrigins?: readonly string[];
  /** Called after an object is stored by PUT or POST (the bucket notification); not awaited by the request. */
  readonly onObjectCreated?: (key: string, event: ObjectCreatedEvent) => void | Promise<void>;
  /** Only keys under this prefix fire onObjectCreated (the notification's prefix filter). Default: every key. */
  readonly onObjectCreatedPrefix?: string;
  /** Where a failing onObjectCreated is reported. Default: stderr. */
  readonly onHookError?: (error: unknown, event: ObjectCreatedEvent) => void;
  /** Largest request body accepted. Default 64 MiB (S3's own limits are far larger; this is a local store). */
  readonly maxBodyBytes?: number;
}

export interface LocalStorage {
  /** `http://127.0.0.1:PORT`: the S3 endpoint (path-style). */
  readonly url: string;
  /** `http://127.0.0.1:PORT/_cdn`: the public read path, the local stand-in for the CDN's URL. */
  readonly cdnUrl: string;
  readonly port: number;
  /** Resolves once every onObjectCreated started so far has settled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** What the distribution's objects carry: a new picture is a new key, so a cached one never needs invalidating. */
export const CDN_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const CDN_PATH = '/_cdn/';
const XML = 'application/xml';
const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** Sub-resources of a key or bucket that S3 has and this store does not. */
const UNSUPPORTED_QUERY = new Set([
  'acl',
  'tagging',
  'uploads',
  'uploadId',
  'versions',
  'versionId',
  'delete',
  'policy',
  'cors',
  'lifecycle',
  'notification',
  'location',
  'attributes',
  'restore',
  'select',
  'torrent',
  'legal-hold',
  'retention',
]);

class Reply {
  readonly headers: Record<string, string> = {};
  constructor(
    readonly status: number,
    readonly body: Buffer | string = '',
  ) {}
  with(headers: Record<string, string>): this {
    Object.assign(this.headers, headers);
    return this;
  }
}

function notImplemented(): S3Error {
  return new S3Error('NotImplemented', 501, 'A header or query you provided implies functionality that is not implemented.');
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', { MaxSizeAllowed: String(max) }));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `aws-chunked` bodies (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`): `<hex size>\r\n<bytes>\r\n` … `0\r\n<trailers>\r\n\r\n`. */
function decodeChunked(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) throw new S3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isInteger(size) || size < 0) throw invalidRequest('The aws-chunked body is malformed.');
    if (size === 0) return Buffer.concat(out);
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function objectHeaders(info: ObjectInfo): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': info.contentType,
    'Content-Length': String(info.size),
    ETag: info.etag,
    'Last-Modified': new Date(info.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
  };
  if (info.cacheControl !== undefined) headers['Cache-Control'] = info.cacheControl;
  if (info.contentDisposition !== undefined) headers['Content-Disposition'] = info.contentDisposition;
  for (const [name, value] of Object.entries(info.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

function userMetadata(headers: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) if (name.startsWith('x-amz-meta-')) out[name.slice('x-amz-meta-'.length)] = value;
  return out;
}

interface ListParams {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  readonly after: string;
  readonly token: string | undefined;
  readonly startAfter: string;
}

function listXml(bucket: string, objects: readonly ObjectInfo[], p: ListParams): string {
  const contents: ObjectInfo[] = [];
  const prefixes: string[] = [];
  let last = '';
  let truncated = false;
  for (const o of objects) {
    if (!o.key.startsWith(p.prefix) || Buffer.compare(Buffer.from(o.key), Buffer.from(p.after)) <= 0) continue;
    const cut = p.delimiter ? o.key.indexOf(p.delimiter, p.prefix.length) : -1;
    const common = cut >= 0 ? o.key.slice(0, cut + p.delimiter.length) : undefined;
    if (common !== undefined && prefixes.at(-1) === common) {
      last = o.key;
      continue;
    }
    if (contents.length + prefixes.length >= p.maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) prefixes.push(common);
    else contents.push(o);
    last = o.key;
  }
  const parts = [
    xmlElement('Name', bucket),
    xmlElement('Prefix', p.prefix),
    ...(p.delimiter ? [xmlElement('Delimiter', p.delimiter)] : []),
    xmlElement('MaxKeys', String(p.maxKeys)),
    xmlElement('KeyCount', String(contents.length + prefixes.length)),
    xmlElement('IsTruncated', String(truncated)),
    ...(p.token !== undefined ? [xmlElement('ContinuationToken', p.token)] : []),
    ...(truncated ? [xmlElement('NextContinuationToken', Buffer.from(last, 'utf8').toString('base64url'))] : []),
    ...(p.startAfter ? [xmlElement('StartAfter', p.startAfter)] : []),
    ...contents.map(
      (o) =>
        `<Contents>${xmlElement('Key', o.key)}${xmlElement('LastModified', new Date(o.lastModified).toISOString())}${xmlElement('ETag', o.etag)}${xmlElement('Size', String(o.size))}<StorageClass>STANDARD</StorageClass></Contents>`,
    ),
    ...prefixes.map((cp) => `<CommonPrefixes>${xmlElement('Prefix', cp)}</CommonPrefixes>`),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_NS}">${parts.join('')}</ListBucketResult>`;
}

function listParams(query: ReadonlyArray<readonly [string, string]>): ListParams {
  const get = (name: string): string | undefined => query.find(([k]) => k === name)?.[1];
  const maxText = get('max-keys');
  const maxKeys = maxText === undefined ? 1000 : Number(maxText);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidArgument', 400, 'Provided max-keys not an integer or within integer range');
  const token = get('continuation-token');
  const startAfter = get('start-after') ?? '';
  let after = startAfter;
  if (token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) {
      throw new S3Error('InvalidArgument', 400, 'The continuation token provided is incorrect');
    }
  }
  return { prefix: get('prefix') ?? '', delimiter: get('delimiter') ?? '', maxKeys: Math.min(maxKeys, 1000), after, token, startAfter };
}

export async function startLocalStorage(opts: LocalStorageOptions): Promise<LocalStorage> {
  const region = opts.region ?? 'us-east-1';
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  const buckets = new Set(opts.buckets);
  const now = (): number => opts.clock.now();
  const store = await ObjectStore.open(opts.dir, [...buckets], now);
  const hooks = new Set<Promise<void>>();
  const corsOrigins = new Set(opts.corsOrigins ?? []);

  const created = (bucket: string, info: ObjectInfo): void => {
    const hook = opts.onObjectCreated;
    if (!hook || !info.key.startsWith(opts.onObjectCreatedPrefix ?? '')) return;
    const event: ObjectCreatedEvent = { bucket, key: info.key, size: info.size, etag: info.etag, contentType: info.contentType };
    const run = (async () => {
      try {
        await hook(info.key, event);
      } catch (err) {
        (opts.onHookError ?? ((e) => process.stderr.write(`storage: onObjectCreated failed for ${event.key}: ${String(e)}\n`)))(err, event);
      }
    })();
    hooks.add(run);
    void run.finally(() => hooks.delete(run));
  };

  async function cdn(method: string, rawKey: string, headers: ReadonlyMap<string, string>): Promise<Reply> {
    const key = decodeURIComponent(rawKey);
    if (method !== 'GET' && method !== 'HEAD') throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
    // Only GetObject under the prefix is allowed, and without ListBucket a missing key is a 403 too, as on AWS.
    const found = opts.cdn && key.startsWith(opts.cdn.prefix) ? await store.get(opts.cdn.bucket, key) : undefined;
    if (!found) throw accessDenied();
    const base = { ...objectHeaders(found.info), 'Cache-Control': CDN_CACHE_CONTROL };
    if (headers.get('if-none-match') === found.info.etag) return new Reply(304).with({ ETag: found.info.etag, 'Cache-Control': CDN_CACHE_CONTROL });
    return new Reply(200, method === 'HEAD' ? '' : found.body).with(base);
  }

  async function handle(req: http.IncomingMessage, rawPath: string, rawQuery: string, body: Buffer): Promise<Reply> {
    const method = req.method ?? 'GET';
    const headers = headerValues(req.rawHeaders);
    if (rawPath.startsWith(CDN_PATH)) return cdn(method, rawPath.slice(CDN_PATH.length), headers);
    const slash = rawPath.indexOf('/', 1);
    const bucket = decodeURIComponent(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
    const key = slash < 0 ? '' : decodeURIComponent(rawPath.slice(slash + 1));
    if (bucket === '') throw accessDenied();
    if (!buckets.has(bucket)) throw noSuchBucket(bucket);
    const query = parseQuery(rawQuery);

    if (method === 'POST' && key === '' && query.length === 0) {
      const upload = verifyPostPolicy(parseMultipart(body, headers.get('content-type') ?? ''), bucket, opts.credentials, region, now());
      const info = await store.put(bucket, upload.key, upload.body, {
        contentType: upload.contentType,
        metadata: upload.metadata,
        ...(upload.cacheControl !== undefined ? { cacheControl: upload.cacheControl } : {}),
        ...(upload.contentDisposition !== undefined ? { contentDisposition: upload.contentDisposition } : {}),
      });
      created(bucket, info);
      const location = `http://${headers.get('host') ?? host}/${encodeURIComponent(bucket)}/${upload.key.split('/').map(encodeURIComponent).join('/')}`;
      const reply =
        upload.status === 201
          ? new Reply(
              201,
              `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>${xmlElement('Location', location)}${xmlElement('Bucket', bucket)}${xmlElement('Key', upload.key)}${xmlElement('ETag', info.etag)}</PostResponse>`,
            ).with({ 'Content-Type': XML })
          : new Reply(upload.status);
      return reply.with({ ETag: info.etag, Location: location });
    }

    const signed: SignedRequest = { method, rawPath, query, headers };
    const verified = headers.has('authorization')
      ? verifyHeaderAuth(signed, opts.credentials, region, now())
      : query.some(([k]) => k === 'X-Amz-Algorithm')
        ? verifyQueryAuth(signed, opts.credentials, region, now())
        : undefined;
    if (!verified) throw accessDenied();
    if (query.some(([k]) => UNSUPPORTED_QUERY.has(k)) || headers.has('x-amz-copy-source')) throw notImplemented();

    let payload = body;
    const declared = verified.payloadHash;
    if (/^[0-9a-f]{64}$/.test(declared)) {
      if (sha256Hex(body) !== declared) {
        throw new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
    } else if (declared === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') {
      payload = decodeChunked(body);
    } else if (declared !== UNSIGNED_PAYLOAD) {
      throw notImplemented();
    }

    if (key === '') {
      if (method !== 'GET') throw notImplemented();
      if (!query.some(([k, v]) => k === 'list-type' && v === '2')) throw notImplemented();
      return new Reply(200, listXml(bucket, await store.list(bucket), listParams(query))).with({ 'Content-Type': XML });
    }
    switch (method) {
      case 'PUT': {
        const md5 = headers.get('content-md5');
        if (md5 !== undefined && createHash('md5').update(payload).digest('base64') !== md5) {
          throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.');
        }
        const cacheControl = headers.get('cache-control');
        const contentDisposition = headers.get('content-disposition');
        const info = await store.put(bucket, key, payload, {
          contentType: headers.get('content-type') ?? 'binary/octet-stream',
          metadata: userMetadata(headers),
          ...(cacheControl !== undefined ? { cacheControl } : {}),
          ...(contentDisposition !== undefined ? { contentDisposition } : {}),
        });
        created(bucket, info);
        return new Reply(200).with({ ETag: info.etag });
      }
      case 'GET': {
        const found = await store.get(bucket, key);
        if (!found) throw noSuchKey(key);
        return new Reply(200, found.body).with(objectHeaders(found.info));
      }
      case 'HEAD': {
        const info = await store.head(bucket, key);
        if (!info) throw noSuchKey(key);
        return new Reply(200).with(objectHeaders(info));
      }
      case 'DELETE':
        await store.delete(bucket, key);
        return new Reply(204);
      default:
        throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
    }
  }

  function cors(req: http.IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (origin === undefined || !(corsOrigins.has(origin) || corsOrigins.has('*'))) return {};
    return {
      'Access-Control-Allow-Origin': corsOrigins.has('*') ? '*' : origin,
      'Access-Control-Expose-Headers': 'ETag, Location, x-amz-request-id',
      Vary: 'Origin',
    };
  }

  const server = http.createServer((req, res) => {
    const requestId = newRequestId();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const send = (reply: Reply): void => {
      const headers: Record<string, string> = { 'x-amz-request-id': requestId, ...cors(req), ...reply.headers };
      const withBody = req.method !== 'HEAD' && reply.status !== 204 && reply.status !== 304;
      if (withBody && headers['Content-Length'] === undefined) headers['Content-Length'] = String(Buffer.byteLength(reply.body));
      res.writeHead(reply.status, headers);
      res.end(withBody ? reply.body : undefined);
    };
    const fail = (err: unknown): void => {
      const error =
        err instanceof S3Error
          ? err
          : err instanceof URIError
            ? new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.")
            : new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
      if (!(err instanceof S3Error) && !(err instanceof URIError)) process.stderr.write(`storage: ${String(err)}\n`);
      const reply = new Reply(error.status, errorXml(error, decodeURIComponentSafe(rawPath), requestId)).with({ 'Content-Type': XML });
      send(reply);
      // A body we stopped reading must not be parsed as the next request.
      if (!req.complete) req.destroy();
    };
    if (req.method === 'OPTIONS') {
      const allowed = cors(req);
      if (!allowed['Access-Control-Allow-Origin']) {
        return fail(
          new S3Error(
            'AccessForbidden',
            403,
            "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
          ),
        );
      }
      const requested = req.headers['access-control-request-headers'];
      return send(
        new Reply(200).with({
          'Access-Control-Allow-Methods': 'GET, HEAD, PUT, POST, DELETE',
          ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
          'Access-Control-Max-Age': '3000',
        }),
      );
    }
    readBody(req, maxBody)
      .then((body) => handle(req, rawPath, rawQuery, body))
      .then(send, fail);
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : (opts.port ?? 0));
    });
  });
  const url = `http://${host}:${port}`;
  const idle = async (): Promise<void> => {
    while (hooks.size > 0) await Promise.allSettled([...hooks]);
  };
  return {
    url,
    cdnUrl: `${url}/_cdn`,
    port,
    idle,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await idle();
    },
  };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
