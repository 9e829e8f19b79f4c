/** What tests of the local Cognito share: an SDK client for it, and the error a call ends in. */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll } from 'vitest';

import { startLocalCognito, type LocalCognito, type LocalCognitoOptions } from '../../src/local/cognito.js';
import { tempDir } from './local-temp.js';

/** A local Cognito and an SDK client for it, shared by the tests of one file. */
export interface LocalCognitoFixture {
  cognito: LocalCognito;
  client: CognitoIdentityProviderClient;
  /** Its data folder, for a second instance on the same data. */
  dataDir: string;
}

/**
 * Starts a local Cognito (free port, fresh data folder) before the file's tests and closes it, its client and its
 * folder after them. The fields are set once the file's `beforeAll` hooks ran.
 */
export function localCognitoForFile(options: Partial<Omit<LocalCognitoOptions, 'dataDir'>> = {}): LocalCognitoFixture {
  const fixture = {} as LocalCognitoFixture;
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  beforeAll(async () => {
    dir = await tempDir();
    fixture.dataDir = dir.path;
    fixture.cognito = await startLocalCognito({ port: 0, ...options, dataDir: dir.path });
    fixture.client = clientFor(fixture.cognito);
  });
  afterAll(async () => {
    fixture.client?.destroy();
    await fixture.cognito?.close();
    await dir?.remove();
  });
  return fixture;
}

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
