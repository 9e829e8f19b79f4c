import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from './errors.js';

/**
 * The one table from Cognito errors to HTTP errors. Kept free of any SDK import so that routes and tests can use it
 * without loading the Cognito client. `message` is the default public message; Cognito's own message is used instead
 * when `passThrough` is set and it is safe (see `publicMessage`).
 */
interface Mapping {
  readonly make: (code: string, message: string) => HttpError;
  readonly message: string;
  readonly passThrough?: boolean;
}

const badRequest = (code: string, message: string): HttpError => new BadRequestError(code, message);

const TABLE: Readonly<Record<string, Mapping>> = {
  InvalidPasswordException: { make: badRequest, message: 'The password does not meet the pool policy.', passThrough: true },
  InvalidParameterException: { make: badRequest, message: 'A parameter was rejected by Cognito.', passThrough: true },
  UserLambdaValidationException: { make: badRequest, message: 'The request was rejected by a pool trigger.', passThrough: true },
  CodeMismatchException: { make: badRequest, message: 'The confirmation code is wrong.' },
  ExpiredCodeException: { make: badRequest, message: 'The confirmation code has expired; request a new one.' },
  UsernameExistsException: { make: (c, m) => new ConflictError(c, m), message: 'An account with this username already exists.' },
  AliasExistsException: { make: (c, m) => new ConflictError(c, m), message: 'An account with this email already exists.' },
  UserNotFoundException: { make: (c, m) => new NotFoundError(c, m), message: 'No such user.' },
  NotAuthorizedException: {
    make: (c, m) => new UnauthorizedError(c, m, 'invalid_token'),
    message: 'Not authorized.',
    passThrough: true,
  },
  UserNotConfirmedException: { make: (c, m) => new ForbiddenError(c, m), message: 'The user is not confirmed yet.' },
  TooManyRequestsException: { make: (c, m) => new TooManyRequestsError(c, m), message: 'Too many requests; retry later.' },
  LimitExceededException: { make: (c, m) => new TooManyRequestsError(c, m), message: 'A limit was exceeded; retry later.' },
  // The SDK's generic throttling error (after its own retries): the caller is being rate limited, so 429.
  ThrottlingException: { make: (c, m) => new TooManyRequestsError(c, m), message: 'Too many requests; retry later.' },
  TooManyFailedAttemptsException: {
    make: (c, m) => new TooManyRequestsError(c, m, 60),
    message: 'Too many failed attempts; retry later.',
  },
  InternalErrorException: { make: (c, m) => new ServiceUnavailableError(c, m), message: 'Cognito had an internal error.' },
  CodeDeliveryFailureException: {
    make: (c, m) => new ServiceUnavailableError(c, m),
    message: 'The confirmation code could not be delivered; retry later.',
  },
};

/** Errors that mean "the network or Cognito is unwell", whatever their class. */
const TRANSIENT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Cognito's message when it is short, one line, and quotes none of the request's secrets; the default otherwise. */
function publicMessage(raw: unknown, fallback: string, secrets: readonly string[]): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 300 || /[\p{Cc}]/u.test(raw)) return fallback;
  if (secrets.some((s) => s.length > 0 && raw.includes(s))) return fallback;
  return raw;
}

/**
 * Maps an error thrown by a Cognito call to the HTTP error to answer with, or undefined when it is unknown (a bug
 * or an unexpected Cognito answer: the caller logs it and answers a generic 500).
 */
export function mapCognitoError(err: unknown, secrets: readonly string[] = []): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (!err || typeof err !== 'object') return undefined;
  const e = err as SdkLikeError;
  const name = typeof e.name === 'string' ? e.name : '';
  const mapping = Object.hasOwn(TABLE, name) ? TABLE[name] : undefined;
  if (mapping) {
    const code = name.replace(/Exception$/, '');
    const message = mapping.passThrough ? publicMessage(e.message, mapping.message, secrets) : mapping.message;
    return mapping.make(code, message);
  }
  const status = e.$metadata?.httpStatusCode;
  if (TRANSIENT_NAMES.has(name) || (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) || (typeof status === 'number' && status >= 500)) {
    return new ServiceUnavailableError();
  }
  if (typeof status === 'number' && status === 429) return new TooManyRequestsError('TooManyRequests', 'Too many requests; retry later.');
  return undefined;
}
