import { describe, expect, it } from 'vitest';
import { awsError } from '../../../src/aws/errors.js';
import { cloudFormationApi } from '../../../src/aws/cloudformation.js';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { errorLine } from '../../../src/core/errors.js';

const err = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });

describe('AWS errors become one actionable line', () => {
  it.each([
    [
      'no credentials',
      err('CredentialsProviderError', 'Could not load credentials from any providers'),
      'auth',
      'NoCredentials',
      /No AWS credentials found.*aws configure/,
    ],
    [
      'an expired SSO session',
      err('CredentialsProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid.'),
      'auth',
      'ExpiredSession',
      /session has expired.*aws sso login/,
    ],
    ['an expired token', err('ExpiredToken', 'The security token included in the request is expired'), 'auth', 'ExpiredSession', /session has expired/],
    [
      'invalid keys',
      err('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      'auth',
      'InvalidCredentials',
      /rejected the credentials/,
    ],
    [
      'access denied',
      err('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:CreateChangeSet'),
      'auth',
      'AccessDenied',
      /denied permission to create a change set.*cloudformation:CreateChangeSet/,
    ],
    [
      'throttling after retries',
      err('Throttling', 'Rate exceeded', { $metadata: { attempts: 5 } }),
      'aws',
      'Throttled',
      /kept throttling .*gave up after 5 attempts/,
    ],
    [
      'an unknown region',
      err('Error', 'getaddrinfo ENOTFOUND cloudformation.mars-north-1.amazonaws.com', {
        code: 'ENOTFOUND',
        hostname: 'cloudformation.mars-north-1.amazonaws.com',
      }),
      'network',
      'Unreachable',
      /Cannot resolve the AWS endpoint cloudformation\.mars-north-1\.amazonaws\.com.*"mars-north-1" is a real AWS region/,
    ],
    [
      'an unreachable endpoint',
      err('Error', 'connect ECONNREFUSED 127.0.0.1:4566', { code: 'ECONNREFUSED' }),
      'network',
      'Unreachable',
      /Cannot reach the AWS endpoint.*connection refused.*safe to repeat/,
    ],
    ['a missing region', err('Error', 'Region is missing'), 'usage', 'NoRegion', /No AWS region is set.*--region/],
  ])('%s', (_what, error, kind, code, line) => {
    const e = awsError(error, 'create a change set', { region: 'mars-north-1' });
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(code);
    expect(errorLine(e)).toMatch(line);
    expect(errorLine(e)).not.toContain('\n');
  });

  it("keeps a service error's own code and message", () => {
    const e = awsError(err('LimitExceededException', 'Limit exceeded for resource of type AWS::CloudFormation::Stack'), 'create a change set');
    expect(errorLine(e)).toBe('Could not create a change set: LimitExceededException: Limit exceeded for resource of type AWS::CloudFormation::Stack');
  });

  it('names the service and region of an endpoint whose connection reset, since such an error carries no host', () => {
    const e = awsError(err('Error', 'socket hang up', { code: 'ECONNRESET' }), 'read the events of authstack', {
      region: 'eu-west-1',
      service: 'CloudFormation',
    });
    expect(errorLine(e)).toMatch(/^Cannot reach the AWS endpoint for CloudFormation in eu-west-1 to read the events of authstack \(ECONNRESET\)\./);
  });

  it('names the host itself when the error (or its cause) carries one', () => {
    const dns = Object.assign(new Error('getaddrinfo EAI_AGAIN lambda.eu-west-1.amazonaws.com'), {
      code: 'EAI_AGAIN',
      hostname: 'lambda.eu-west-1.amazonaws.com',
    });
    const e = awsError(err('Error', 'request failed', { cause: dns }), 'read the function', { region: 'eu-west-1', service: 'Lambda' });
    expect(errorLine(e)).toMatch(/^Cannot resolve the AWS endpoint lambda\.eu-west-1\.amazonaws\.com to read the function\./);
  });

  it('is told its service by the service module, so a reset CloudFormation call says CloudFormation', async () => {
    const client = { send: async () => Promise.reject(err('Error', 'read ECONNRESET', { code: 'ECONNRESET' })) } as unknown as CloudFormationClient;
    const cfn = cloudFormationApi(client, { region: 'ap-south-1' });
    await expect(cfn.getTemplate('authstack')).rejects.toThrow(
      /^Cannot reach the AWS endpoint for CloudFormation in ap-south-1 to read the template of authstack \(ECONNRESET\)\.$/,
    );
  });
});
