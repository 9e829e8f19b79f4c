/** Errors shaped like the SDK's service exceptions: the name is the error code, with $fault and $metadata. */
export function fakeError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'fake-request-id', attempts: 1, totalRetryDelay: 0 },
  });
}
