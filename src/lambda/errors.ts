/**
 * Typed HTTP errors. Each class fixes its status and public JSON body; `errorResult` in `response.ts` is the one
 * place that turns them into proxy results. Anything that is not an `HttpError` is a bug and becomes a generic 500.
 */
export interface ErrorBody {
  error: { code: string; message: string };
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** 400. `field` names the offending input so the client knows what to fix. */
export class BadRequestError extends HttpError {
  readonly field: string | undefined;
  constructor(code: string, message: string, field?: string) {
    super(400, code, message);
    this.field = field;
  }
}

/** 401. Always carries a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). */
export class UnauthorizedError extends HttpError {
  constructor(code: string, message: string, bearerError?: 'invalid_token' | 'invalid_request') {
    const challenge = bearerError
      ? `Bearer realm="authstack", error="${bearerError}", error_description="${message.replace(/["\\]/g, '')}"`
      : 'Bearer realm="authstack"';
    super(401, code, message, { 'WWW-Authenticate': challenge });
  }
}

export class ForbiddenError extends HttpError {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(code = 'NotFound', message = 'No such route.') {
    super(404, code, message);
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor(allow: readonly string[]) {
    super(405, 'MethodNotAllowed', `Method not allowed. Allowed: ${allow.join(', ')}.`, { Allow: allow.join(', ') });
  }
}

export class ConflictError extends HttpError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'PayloadTooLarge', `Request body exceeds ${limitBytes} bytes.`);
  }
}

/** 429: the caller (or the pool as a whole) is over a Cognito quota; retrying later helps. */
export class TooManyRequestsError extends HttpError {
  constructor(code: string, message: string, retryAfterSeconds = 1) {
    super(429, code, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** 503: an upstream (Cognito, the JWKS endpoint) failed or timed out; not the caller's fault, retrying helps. */
export class ServiceUnavailableError extends HttpError {
  constructor(code = 'ServiceUnavailable', message = 'The identity service is unavailable. Try again shortly.', retryAfterSeconds = 2) {
    super(503, code, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/**
 * 500 for a deployment mistake (missing environment). The detail goes to the log; the client only learns that the
 * service is misconfigured, which is true and leaks nothing.
 */
export class MisconfiguredError extends HttpError {
  readonly detail: string;
  constructor(detail: string) {
    super(500, 'Misconfigured', 'The service is misconfigured.');
    this.detail = detail;
  }
}

/** The generic 500 every unexpected error becomes. */
export class InternalError extends HttpError {
  constructor() {
    super(500, 'InternalError', 'Internal server error.');
  }
}
