/** Errors shaped like the ones the AWS SDK throws for Cognito (name, $fault, $metadata). */
export function cognitoError(name: string, message = `${name} from the test`, httpStatusCode = 400): Error {
  const err = new Error(message) as Error & { $fault: string; $metadata: { httpStatusCode: number } };
  err.name = name;
  err.$fault = httpStatusCode >= 500 ? 'server' : 'client';
  err.$metadata = { httpStatusCode };
  return err;
}

/** Errors that carry no Cognito name: a network failure, a timeout, a 5xx. */
export function transportError(kind: 'timeout' | 'refused' | 'abort' | 'server5xx'): Error {
  switch (kind) {
    case 'timeout':
      return Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
    case 'refused':
      return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    case 'abort':
      return Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    case 'server5xx':
      return cognitoError('UnknownError', 'Service Unavailable', 503);
  }
}

/** [error name, expected status, expects Retry-After] for every row of the mapping table, plus unknowns. */
export const COGNITO_ERROR_CASES: Array<[string, number, boolean]> = [
  ['InvalidPasswordException', 400, false],
  ['InvalidParameterException', 400, false],
  ['UsernameExistsException', 409, false],
  ['CodeMismatchException', 400, false],
  ['ExpiredCodeException', 400, false],
  ['UserNotFoundException', 404, false],
  ['NotAuthorizedException', 401, false],
  ['UserNotConfirmedException', 403, false],
  ['TooManyRequestsException', 429, true],
  ['LimitExceededException', 429, true],
  ['TooManyFailedAttemptsException', 429, true],
  ['InternalErrorException', 503, true],
  ['UserLambdaValidationException', 400, false],
  ['AliasExistsException', 409, false],
  ['ThrottlingException', 429, true],
  ['CodeDeliveryFailureException', 503, true],
  ['SomethingNewException', 500, false],
];
