/**
 * Cognito's errors as its JSON protocol answers them: an HTTP status, the exception's name as `__type` (and in the
 * `x-amzn-errortype` header) and a message. The SDK turns `__type` into the thrown error's `name`, so a client
 * catches the same class of error from the local Cognito as from AWS. Messages are Cognito's own wording where
 * its documentation or its answers give one.
 */

export class CognitoError extends Error {
  constructor(
    /** The exception's name: the `__type` of the error body. */
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }

  /** The body Cognito's JSON protocol sends. */
  body(): { __type: string; message: string } {
    return { __type: this.code, message: this.message };
  }
}

/** Wrong credentials, a revoked or expired token, a disabled user, a session that is no more. */
export class NotAuthorizedException extends CognitoError {
  constructor(message = 'Incorrect username or password.') {
    super('NotAuthorizedException', message);
  }
}

export class UserNotFoundException extends CognitoError {
  constructor(message = 'User does not exist.') {
    super('UserNotFoundException', message);
  }
}

export class UsernameExistsException extends CognitoError {
  constructor(message = 'An account with the given email already exists.') {
    super('UsernameExistsException', message);
  }
}

export class UserNotConfirmedException extends CognitoError {
  constructor(message = 'User is not confirmed.') {
    super('UserNotConfirmedException', message);
  }
}

export class PasswordResetRequiredException extends CognitoError {
  constructor(message = 'Password reset required for the user') {
    super('PasswordResetRequiredException', message);
  }
}

export class CodeMismatchException extends CognitoError {
  constructor(message = 'Invalid verification code provided, please try again.') {
    super('CodeMismatchException', message);
  }
}

export class ExpiredCodeException extends CognitoError {
  constructor(message = 'Invalid code provided, please request a code again.') {
    super('ExpiredCodeException', message);
  }
}

/** The message is Cognito's: "Password did not conform with policy: <the first rule broken>". */
export class InvalidPasswordException extends CognitoError {
  constructor(violation: string) {
    super('InvalidPasswordException', `Password did not conform with policy: ${violation}`);
  }
}

export class InvalidParameterException extends CognitoError {
  constructor(message: string) {
    super('InvalidParameterException', message);
  }
}

export class ResourceNotFoundException extends CognitoError {
  constructor(message: string) {
    super('ResourceNotFoundException', message);
  }
}

export class UnsupportedTokenTypeException extends CognitoError {
  constructor(message = 'The token provided is not a refresh token.') {
    super('UnsupportedTokenTypeException', message);
  }
}

/** An operation Cognito has and the local Cognito does not: a clear 400 rather than an internal error. */
class UnsupportedOperationException extends CognitoError {
  constructor(detail: string) {
    super('UnsupportedOperationException', `Not supported by the local Cognito: ${detail}`);
  }
}

/** The protocol's own refusals, before any operation runs. */
export class UnknownOperationException extends CognitoError {
  constructor() {
    super('UnknownOperationException', 'Missing or invalid X-Amz-Target header');
  }
}

export class SerializationException extends CognitoError {
  constructor(message: string, status = 400) {
    super('SerializationException', message, status);
  }
}

export class ServiceUnavailableException extends CognitoError {
  constructor() {
    super('ServiceUnavailableException', 'The local Cognito is starting', 503);
  }
}

class InternalErrorException extends CognitoError {
  constructor(message: string) {
    super('InternalErrorException', message, 500);
  }
}

/**
 * Any failure of an operation as the error Cognito would answer: ours as they are, cognito-local's `CognitoError`
 * (an Error whose `code` names the exception) with its name, its `UnsupportedError` as UnsupportedOperation, and
 * anything else as an internal error.
 */
export function asCognitoError(error: unknown): CognitoError {
  if (error instanceof CognitoError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (error instanceof Error && typeof code === 'string' && code.endsWith('Exception')) return new CognitoError(code, message);
  if (error instanceof Error && error.constructor.name === 'UnsupportedError') return new UnsupportedOperationException(message);
  return new InternalErrorException(message);
}
