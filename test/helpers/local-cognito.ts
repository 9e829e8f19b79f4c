/** What tests of the local Cognito share: an SDK client for it, and the error a call ends in. */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

import type { LocalCognito } from '../../src/local/cognito.js';

/** The SDK's Cognito client pointed at a local Cognito, with no retries. */
export function clientFor(local: Pick<LocalCognito, 'endpoint'> & { region: string }): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** The Cognito error a call ends in (the SDK's `name`, or a client library's `code`); fails if it succeeds. */
export async function cognitoError(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name?: string; code?: string; message: string };
    return { name: e.code ?? e.name ?? '', message: e.message };
  }
  throw new Error('expected the call to fail');
}
