/** The Lambda calls authstack makes: read the function's code hash, upload new code, wait for it to be live. */
import { GetFunctionConfigurationCommand, UpdateFunctionCodeCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, type LambdaClient } from '@aws-sdk/client-lambda';
import { UserError } from '../core/errors.js';
import type { AwsFactory } from '../core/aws.js';
import { awsError, errorName, type AwsCallSettings } from './errors.js';

export interface FunctionState {
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
  updateCode(name: string, zip: Uint8Array): Promise<FunctionState>;
  /**
   * Resolves once the function is `Active` and its last update `Successful` (Lambda's function states: new
   * invocations run the new code, and it accepts the next update), with the SDK's waiters; throws when either failed.
   */
  waitUntilUpdated(name: string, options: LambdaWaitOptions): Promise<FunctionState>;
}

export interface LambdaWaitOptions {
  maxWaitSeconds: number;
  /** Shortest time between polls; the waiter backs off from it. Default 1 s. */
  minDelaySeconds?: number;
  signal?: AbortSignal;
}

export function lambdaApi(client: LambdaClient, settings: AwsCallSettings = {}): LambdaApi {
  const where: AwsCallSettings = { ...settings, service: 'Lambda' };
  const toState = (name: string, c: { FunctionName?: string; CodeSha256?: string; LastModified?: string; LastUpdateStatus?: string; LastUpdateStatusReason?: string; State?: string; CodeSize?: number } | undefined): FunctionState => ({
    name: c?.FunctionName ?? name,
    codeSha256: c?.CodeSha256 ?? '',
    lastModified: c?.LastModified,
    lastUpdateStatus: c?.LastUpdateStatus,
    lastUpdateStatusReason: c?.LastUpdateStatusReason,
    state: c?.State,
    codeSize: c?.CodeSize,
  });
  return {
    async getFunction(name) {
      try {
        return toState(name, await client.send(new GetFunctionConfigurationCommand({ FunctionName: name })));
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') return undefined;
        throw awsError(err, `read the function ${name}`, where);
      }
    },
    async updateCode(name, zip) {
      try {
        return toState(name, await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip })));
      } catch (err) {
        throw awsError(err, `upload the code of ${name}`, where);
      }
    },
    async waitUntilUpdated(name, { maxWaitSeconds, minDelaySeconds = 1, signal }) {
      const config = { client, maxWaitTime: maxWaitSeconds, minDelay: Math.min(minDelaySeconds, maxWaitSeconds / 2), maxDelay: Math.max(minDelaySeconds, 5), abortSignal: signal };
      try {
        const active = await waitUntilFunctionActiveV2(config, { FunctionName: name });
        if (active.reason?.Configuration?.LastUpdateStatus !== 'InProgress' && active.reason?.Configuration?.LastUpdateStatus !== undefined) return toState(name, active.reason.Configuration);
        const result = await waitUntilFunctionUpdatedV2(config, { FunctionName: name });
        return toState(name, result.reason?.Configuration);
      } catch (err) {
        if (errorName(err) === 'AbortError' || signal?.aborted) return { name, codeSha256: '' };
        // The waiter reports a failed state with the last GetFunction answer in the message.
        const reason = /(?:LastUpdateStatusReason|StateReason)":"([^"]*)"/.exec(String((err as Error)?.message))?.[1];
        if (errorName(err) === 'TimeoutError' || /exceeded|timed out/i.test(String((err as Error)?.message))) {
          throw new UserError('deployment', `The function ${name} was still updating after ${maxWaitSeconds} s.`, {
            code: 'FunctionUpdateTimeout',
            hint: 'Run authstack status in a minute to see whether it finished',
          });
        }
        if (/FAILURE|Failed/.test(String((err as Error)?.message))) {
          throw new UserError('deployment', `Lambda could not apply the new code to ${name}${reason ? `: ${reason}` : ''}.`, { code: 'FunctionUpdateFailed' });
        }
        throw awsError(err, `wait for ${name} to update`, where);
      }
    },
  };
}

export async function lambda(aws: AwsFactory): Promise<LambdaApi> {
  return lambdaApi(await aws.lambda(), aws.settings);
}
