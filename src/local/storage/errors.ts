/**
 * S3's error answers: the code, the HTTP status and the message S3 uses, rendered as S3's XML error document
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). The SDK reads `Code` into the error's
 * `name`, so a client sees the same error locally as on AWS.
 */
import { randomBytes } from 'node:crypto';

export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra elements S3 adds for this error (e.g. `Key`, `MaxSizeAllowed`). */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const accessDenied = (message = 'Access Denied'): S3Error => new S3Error('AccessDenied', 403, message);

export const signatureDoesNotMatch = (): S3Error =>
  new S3Error(
    'SignatureDoesNotMatch',
    403,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

export const invalidAccessKeyId = (): S3Error => new S3Error('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.');

export const authorizationHeaderMalformed = (message: string): S3Error =>
  new S3Error('AuthorizationHeaderMalformed', 400, `The authorization header is malformed; ${message}`);

export const authorizationQueryParametersError = (message: string): S3Error => new S3Error('AuthorizationQueryParametersError', 400, message);

export const invalidArgument = (message: string): S3Error => new S3Error('InvalidArgument', 400, message);

export const invalidRequest = (message: string): S3Error => new S3Error('InvalidRequest', 400, message);

export const noSuchKey = (key: string): S3Error => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });

export const noSuchBucket = (bucket: string): S3Error => new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

/** The policy's own wording, "Invalid according to Policy: …", always an AccessDenied. */
export const policyDenied = (reason: string): S3Error => accessDenied(`Invalid according to Policy: ${reason}`);

/** Element text needs only these escaped (quotes are fine there, and S3's policy messages quote). */
const escapeXml = (s: string): string => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

export function xmlElement(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function errorXml(error: S3Error, resource: string, requestId: string): string {
  const extra = Object.entries(error.details).map(([k, v]) => xmlElement(k, v));
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    [xmlElement('Code', error.code), xmlElement('Message', error.message), ...extra]
      .concat(xmlElement('Resource', resource), xmlElement('RequestId', requestId))
      .join('') +
    '</Error>'
  );
}
