/** The one STS call authstack makes: which account the credentials belong to (it needs no IAM permission). */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsFactory } from '../core/aws.js';
import { awsError, type AwsCallSettings } from './errors.js';

export interface StsApi {
  accountId(): Promise<string>;
}

export function stsApi(client: STSClient, settings: AwsCallSettings = {}): StsApi {
  return {
    async accountId() {
      try {
        const res = await client.send(new GetCallerIdentityCommand({}));
        if (!res.Account) throw new Error('GetCallerIdentity returned no account');
        return res.Account;
      } catch (err) {
        throw awsError(err, 'find the AWS account of these credentials', { ...settings, service: 'STS' });
      }
    },
  };
}

export async function sts(aws: AwsFactory): Promise<StsApi> {
  return stsApi(await aws.sts(), aws.settings);
}
