/**
 * AWS Signature Version 4 as S3 checks it: the Authorization header
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html), presigned URLs
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html) and the signing key that also signs
 * POST policies (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html). Pure functions over
 * node:crypto; the server passes the request's raw parts, so the bytes checked are the bytes the client signed.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  accessDenied,
  authorizationHeaderMalformed,
  authorizationQueryParametersError,
  invalidAccessKeyId,
  invalidArgument,
  invalidRequest,
  S3Error,
  signatureDoesNotMatch,
} from './errors.js';

export interface StorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** S3 refuses a header-signed request whose time is more than 15 minutes from its own. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most 7 days (X-Amz-Expires ≤ 604800). */
const MAX_EXPIRES_SECONDS = 604_800;

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export function signHex(key: Buffer, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidArgument('The request URI contains an invalid percent-encoding.');
  }
}

/** The raw query as ordered `[name, value]` pairs, decoded. */
export function parseQuery(raw: string): Array<[string, string]> {
  if (raw === '') return [];
  return raw.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? [safeDecode(part), ''] : [safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))];
  });
}

function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Header name (lower case) → its values joined by commas, each trimmed and with inner runs of spaces collapsed. */
type HeaderValues = ReadonlyMap<string, string>;

export function headerValues(rawHeaders: readonly string[]): Map<string, string> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim().replace(/ +/g, ' ');
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return new Map([...out].map(([k, v]) => [k, v.join(',')]));
}

export interface SignedRequest {
  readonly method: string;
  /** The path exactly as sent (S3 signs it once-encoded, without normalising it). */
  readonly rawPath: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly headers: HeaderValues;
}

export interface Scope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/** `AKID/20240101/us-east-1/s3/aws4_request`, checked against the local credentials and region. */
export function checkCredential(credential: string, creds: StorageCredentials, region: string, malformed: (message: string) => S3Error): Scope {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!)) {
    throw malformed(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const [accessKeyId, date, scopeRegion, service] = parts as [string, string, string, string];
  if (accessKeyId !== creds.accessKeyId) throw invalidAccessKeyId();
  if (scopeRegion !== region) throw malformed(`the region '${scopeRegion}' is wrong; expecting '${region}'`);
  if (service !== 's3') throw malformed(`incorrect service "${service}". This endpoint belongs to "s3".`);
  return { accessKeyId, date, region: scopeRegion, service };
}

/** `20240101T120000Z` → epoch ms, or undefined. */
function parseAmzDate(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function canonicalRequest(req: SignedRequest, query: string, signedHeaders: readonly string[], payload: string): string {
  const headers = signedHeaders.map((name) => `${name}:${req.headers.get(name) ?? ''}\n`).join('');
  return [req.method, req.rawPath, query, headers, signedHeaders.join(';'), payload].join('\n');
}

function expectedSignature(
  req: SignedRequest,
  query: string,
  signedHeaders: readonly string[],
  payload: string,
  amzDate: string,
  scope: Scope,
  creds: StorageCredentials,
): string {
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest(req, query, signedHeaders, payload))].join('\n');
  return signHex(signingKey(creds.secretAccessKey, scope.date, scope.region, scope.service), stringToSign);
}

/** Headers a client may send unsigned; every other x-amz-* header must be signed. */
function checkSignedHeaders(req: SignedRequest, signed: readonly string[]): void {
  if (!signed.includes('host')) throw accessDenied('There were headers present in the request which were not signed');
  const unsigned = [...req.headers.keys()].filter((h) => h.startsWith('x-amz-') && !signed.includes(h));
  if (unsigned.length > 0) throw accessDenied('There were headers present in the request which were not signed');
}

export interface Verified {
  /** What the client declared for the body: a hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-… mode. */
  readonly payloadHash: string;
}

/** Checks an `Authorization: AWS4-HMAC-SHA256 …` request. */
export function verifyHeaderAuth(req: SignedRequest, creds: StorageCredentials, region: string, nowMs: number): Verified {
  const header = req.headers.get('authorization') ?? '';
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw invalidArgument(algorithm === 'AWS' ? 'Signature Version 2 is not supported here: sign with AWS4-HMAC-SHA256.' : 'Unsupported Authorization Type');
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedList = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedList || !signature) {
    throw authorizationHeaderMalformed('it must name Credential, SignedHeaders and Signature.');
  }
  const scope = checkCredential(credential, creds, region, authorizationHeaderMalformed);
  const amzDate = req.headers.get('x-amz-date');
  const at = parseAmzDate(amzDate);
  if (amzDate === undefined || at === undefined) {
    throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  }
  if (amzDate.slice(0, 8) !== scope.date) {
    throw authorizationHeaderMalformed(`Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
  if (Math.abs(nowMs - at) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.');
  }
  const payloadHash = req.headers.get('x-amz-content-sha256');
  if (payloadHash === undefined) throw invalidRequest('Missing required header for this request: x-amz-content-sha256');
  const signed = signedList.split(';');
  checkSignedHeaders(req, signed);
  const expected = expectedSignature(req, canonicalQuery(req.query), signed, payloadHash, amzDate, scope, creds);
  if (!sameSignature(expected, signature)) throw signatureDoesNotMatch();
  return { payloadHash };
}

/** Checks a presigned URL (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Signature=…`), expiry included. */
export function verifyQueryAuth(req: SignedRequest, creds: StorageCredentials, region: string, nowMs: number): Verified {
  const get = (name: string): string | undefined => req.query.find(([k]) => k === name)?.[1];
  const algorithm = get('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    throw authorizationQueryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const credential = get('X-Amz-Credential');
  const amzDate = get('X-Amz-Date');
  const expires = get('X-Amz-Expires');
  const signedList = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  if (!credential || !amzDate || !expires || !signedList || !signature) {
    throw authorizationQueryParametersError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const scope = checkCredential(credential, creds, region, (m) => authorizationQueryParametersError(`Error parsing the X-Amz-Credential parameter; ${m}`));
  const at = parseAmzDate(amzDate);
  if (at === undefined) {
    throw authorizationQueryParametersError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  if (!/^\d+$/.test(expires)) throw authorizationQueryParametersError('X-Amz-Expires should be a number');
  const seconds = Number(expires);
  if (seconds > MAX_EXPIRES_SECONDS) {
    throw authorizationQueryParametersError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  if (nowMs > at + seconds * 1000) throw accessDenied('Request has expired');
  if (at - nowMs > MAX_SKEW_MS) throw accessDenied('Request is not valid yet');
  const signed = signedList.split(';');
  checkSignedHeaders(req, signed);
  const payloadHash = get('X-Amz-Content-Sha256') ?? req.headers.get('x-amz-content-sha256') ?? UNSIGNED_PAYLOAD;
  const query = canonicalQuery(req.query.filter(([k]) => k !== 'X-Amz-Signature'));
  const expected = expectedSignature(req, query, signed, payloadHash, amzDate, scope, creds);
  if (!sameSignature(expected, signature)) throw signatureDoesNotMatch();
  return { payloadHash };
}
