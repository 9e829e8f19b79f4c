/**
 * The Cognito administration calls `authstack destroy --delete-user-pool` makes. Kept apart from the auth flows
 * (`src/client/auth.ts`) because these need IAM credentials and delete people's accounts.
 */
import { DeleteUserPoolCommand, DescribeUserPoolCommand, UpdateUserPoolCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { AwsFactory } from '../core/aws.js';
import { awsError, errorName, type AwsCallSettings } from './errors.js';

export interface UserPoolInfo {
  id: string;
  name?: string;
  estimatedUsers: number;
  deletionProtection: 'ACTIVE' | 'INACTIVE' | string;
}

export interface CognitoAdminApi {
  /** The pool, or undefined when it does not exist. */
  describeUserPool(id: string): Promise<UserPoolInfo | undefined>;
  /**
   * Turns deletion protection off. UpdateUserPool resets every setting it is not given, which is harmless only
   * because the pool is deleted right after: do not use it for anything else.
   */
  disableDeletionProtection(id: string): Promise<void>;
  deleteUserPool(id: string): Promise<void>;
}

export function cognitoAdminApi(client: CognitoIdentityProviderClient, settings: AwsCallSettings = {}): CognitoAdminApi {
  const where: AwsCallSettings = { ...settings, service: 'Cognito' };
  return {
    async describeUserPool(id) {
      try {
        const { UserPool: p } = await client.send(new DescribeUserPoolCommand({ UserPoolId: id }));
        return { id, name: p?.Name, estimatedUsers: p?.EstimatedNumberOfUsers ?? 0, deletionProtection: p?.DeletionProtection ?? 'INACTIVE' };
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') return undefined;
        throw awsError(err, `describe the user pool ${id}`, where);
      }
    },
    async disableDeletionProtection(id) {
      try {
        await client.send(new UpdateUserPoolCommand({ UserPoolId: id, DeletionProtection: 'INACTIVE' }));
      } catch (err) {
        throw awsError(err, `turn off deletion protection of ${id}`, where);
      }
    },
    async deleteUserPool(id) {
      try {
        await client.send(new DeleteUserPoolCommand({ UserPoolId: id }));
      } catch (err) {
        throw awsError(err, `delete the user pool ${id}`, where);
      }
    },
  };
}

export async function cognitoAdmin(aws: AwsFactory): Promise<CognitoAdminApi> {
  return cognitoAdminApi(await aws.cognito(), aws.settings);
}
