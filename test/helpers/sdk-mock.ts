/**
 * aws-sdk-client-mock's `mockClient` for one test file. A worker runs many files with one module graph, so an SDK
 * client class is shared by all of them: the stub is removed when the file ends, or every later file in that
 * worker would talk to it instead of its own fake.
 */
import type { Client, MetadataBearer } from '@smithy/types';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';

export function mockClientInFile<TInput extends object, TOutput extends MetadataBearer, TConfiguration>(client: {
  prototype: Client<TInput, TOutput, TConfiguration>;
}): AwsStub<TInput, TOutput, TConfiguration> {
  const mock = mockClient(client);
  afterAll(() => mock.restore());
  return mock;
}
