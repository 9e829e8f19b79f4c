/**
 * Browser-based uploads (POST Object, https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html): the
 * multipart form, its SigV4 signature over the base64 policy, and the policy itself
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html): its expiration, and every
 * condition, exact or `starts-with`, on every field the form carries, plus `content-length-range` on the file.
 */
import { accessDenied, invalidArgument, policyDenied, S3Error, signatureDoesNotMatch } from './errors.js';
import { ALGORITHM, checkCredential, sameSignature, signHex, signingKey, type StorageCredentials } from './sigv4.js';

export interface FormPart {
  /** The field name as sent. */
  readonly name: string;
  readonly filename?: string;
  readonly value: Buffer;
}

const malformed = (): S3Error => new S3Error('MalformedPOSTRequest', 400, 'The body of your POST request is not well-formed multipart/form-data.');

function boundaryOf(contentType: string): string {
  const m = /^multipart\/form-data\s*;.*?\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) {
    throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
  }
  return boundary;
}

/** Parses multipart/form-data (RFC 7578); S3 ignores everything after the `file` field, and so do we. */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  let at = body.indexOf(delimiter);
  if (at < 0) throw malformed();
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') break;
    if (body.subarray(at, at + 2).toString() !== '\r\n') throw malformed();
    const headersEnd = body.indexOf('\r\n\r\n', at + 2);
    if (headersEnd < 0) throw malformed();
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd + 4);
    if (next < 0) throw malformed();
    const headers = body.subarray(at + 2, headersEnd).toString('utf8');
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw malformed();
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), value: body.subarray(headersEnd + 4, next) });
    if (name.toLowerCase() === 'file') break;
    at = next + 2;
  }
  return parts;
}

export interface PostUpload {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  /** 200, 201 or 204 (the default), from `success_action_status`. */
  readonly status: 200 | 201 | 204;
}

interface Policy {
  readonly expiration: number;
  readonly conditions: readonly unknown[];
}

function invalidPolicy(message: string): S3Error {
  return new S3Error('InvalidPolicyDocument', 400, `Invalid Policy: ${message}`);
}

function decodePolicy(base64: string): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  const at = typeof expiration === 'string' ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(at)) throw invalidPolicy('Policy missing expiration.');
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  return { expiration: at, conditions };
}

const conditionText = (c: unknown): string =>
  JSON.stringify(c)
    .replace(/","/g, '", "')
    .replace(/,(?=\d)/g, ', ');

/** The fields a policy needs not mention. */
function exempt(name: string): boolean {
  return name === 'x-amz-signature' || name === 'file' || name === 'policy' || name.startsWith('x-ignore-');
}

/**
 * Checks the form against the signature and the policy; returns what to store. Fields are matched by name without
 * regard to case, as S3 does.
 */
export function verifyPostPolicy(parts: readonly FormPart[], bucket: string, creds: StorageCredentials, region: string, nowMs: number): PostUpload {
  const file = parts.find((p) => p.name.toLowerCase() === 'file');
  if (!file) {
    throw new S3Error('IncorrectNumberOfFilesInPostRequest', 400, 'POST requires exactly one file upload per request.');
  }
  const fields = new Map<string, string>();
  for (const part of parts) {
    const name = part.name.toLowerCase();
    if (name !== 'file' && !fields.has(name)) fields.set(name, part.value.toString('utf8'));
  }
  const required = (name: string): string => {
    const value = fields.get(name);
    if (value === undefined || value === '') {
      throw invalidArgument(`Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`);
    }
    return value;
  };
  const rawKey = required('key');
  const policyText = fields.get('policy');
  // A private bucket takes no anonymous POST.
  if (policyText === undefined) throw accessDenied();
  const algorithm = required('x-amz-algorithm');
  if (algorithm !== ALGORITHM) throw invalidArgument(`Unsupported algorithm "${algorithm}": use ${ALGORITHM}.`);
  const scope = checkCredential(required('x-amz-credential'), creds, region, (m) => invalidArgument(`The x-amz-credential field is malformed; ${m}`));
  required('x-amz-date');
  const signature = required('x-amz-signature');
  const expected = signHex(signingKey(creds.secretAccessKey, scope.date, region, 's3'), policyText);
  if (!sameSignature(expected, signature)) throw signatureDoesNotMatch();

  const policy = decodePolicy(policyText);
  if (nowMs > policy.expiration) throw policyDenied('Policy expired.');

  const covered = new Set<string>();
  let range: readonly [number, number] | undefined;
  const fieldValue = (name: string): string => (name === 'bucket' ? (fields.get('bucket') ?? bucket) : (fields.get(name) ?? ''));
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [op, a, b] = condition as unknown[];
      const kind = typeof op === 'string' ? op.toLowerCase() : '';
      if (kind === 'content-length-range') {
        const min = Number(a);
        const max = Number(b);
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
          throw invalidPolicy(`Invalid content-length-range condition: ${conditionText(condition)}`);
        }
        range = [min, max];
        continue;
      }
      if ((kind !== 'eq' && kind !== 'starts-with') || typeof a !== 'string' || !a.startsWith('$') || typeof b !== 'string') {
        throw invalidPolicy(`Invalid condition: ${conditionText(condition)}`);
      }
      const name = a.slice(1).toLowerCase();
      covered.add(name);
      const value = fieldValue(name);
      // A Content-Type may list several types, each of which must start with the prefix.
      const ok = kind === 'eq' ? value === b : name === 'content-type' ? value.split(',').every((v) => v.trim().startsWith(b)) : value.startsWith(b);
      if (!ok) throw policyDenied(`Policy Condition failed: ${conditionText(condition)}`);
    } else if (typeof condition === 'object' && condition !== null) {
      for (const [rawName, expectedValue] of Object.entries(condition)) {
        const name = rawName.toLowerCase();
        covered.add(name);
        if (fieldValue(name) !== String(expectedValue)) {
          throw policyDenied(`Policy Condition failed: ${conditionText(['eq', `$${rawName}`, expectedValue])}`);
        }
      }
    } else {
      throw invalidPolicy(`Invalid condition: ${conditionText(condition)}`);
    }
  }
  const extra = [...fields.keys()].filter((name) => !exempt(name) && !covered.has(name));
  if (extra.length > 0) throw policyDenied(`Extra input fields: ${extra.join(', ')}`);

  const size = file.value.length;
  if (range && size > range[1]) {
    throw new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: String(size),
      MaxSizeAllowed: String(range[1]),
    });
  }
  if (range && size < range[0]) {
    throw new S3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size', {
      ProposedSize: String(size),
      MinSizeAllowed: String(range[0]),
    });
  }
  const key = rawKey.replaceAll('${filename}', file.filename ?? '');
  const metadata: Record<string, string> = {};
  for (const [name, value] of fields) if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  const statusField = fields.get('success_action_status');
  const status = statusField === '200' ? 200 : statusField === '201' ? 201 : 204;
  const cacheControl = fields.get('cache-control');
  const contentDisposition = fields.get('content-disposition');
  return {
    key,
    body: file.value,
    contentType: fields.get('content-type') ?? 'binary/octet-stream',
    metadata,
    ...(cacheControl !== undefined ? { cacheControl } : {}),
    ...(contentDisposition !== undefined ? { contentDisposition } : {}),
    status,
  };
}
