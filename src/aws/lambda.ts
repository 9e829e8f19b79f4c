/**
 * The Lambda call authstack makes: read a function's code hash and state (`status`). Deploy never writes to
 * Lambda: the code arrives through CloudFormation, from the artifact bucket.
 */
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsFactory } from '../core/aws.js';
import { awsError, errorName, type AwsCallSettings } from './errors.js';

interface FunctionState {
  name: string;
  /** Base64 SHA-256 of the deployed zip, as Lambda reports it. */
  codeSha256: string;
  lastModified?: string;
  /** `InProgress` while an update is being applied; `Successful` or `Failed` after. */
  lastUpdateStatus?: string;
  lastUpdateStatusReason?: string;
  state?: string;
  codeSize?: number;
}

export interface LambdaApi {
  /** The function's current code and update state, or undefined when it does not exist. */
  getFunction(name: string): Promise<FunctionState | undefined>;
}

function lambdaApi(client: LambdaClient, settings: AwsCallSettings = {}): LambdaApi {
  const where: AwsCallSettings = { ...settings, service: 'Lambda' };
  return {
    async getFunction(name) {
      try {
        const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
        return {
          name: c.FunctionName ?? name,
          codeSha256: c.CodeSha256 ?? '',
          lastModified: c.LastModified,
          lastUpdateStatus: c.LastUpdateStatus,
          lastUpdateStatusReason: c.LastUpdateStatusReason,
          state: c.State,
          codeSize: c.CodeSize,
        };
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') return undefined;
        throw awsError(err, `read the function ${name}`, where);
      }
    },
  };
}

export async function lambda(aws: AwsFactory): Promise<LambdaApi> {
  return lambdaApi(await aws.lambda(), aws.settings);
}
