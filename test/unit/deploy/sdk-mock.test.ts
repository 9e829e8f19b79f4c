/**
 * The deploy fast paths and the replacement guard driven through the SDK's own mocking library
 * (aws-sdk-client-mock), independently of the fake AWS account the other deploy tests use.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsFactory } from '../../../src/aws/factory.js';
import { withApiDeploymentHash } from '../../../src/deploy/template.js';
import { generatedTemplate } from '../../helpers/template.js';
import { loadShippedLambda } from '../../../src/deploy/artifact.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

const cfn = mockClientInFile(CloudFormationClient);
const lambda = mockClientInFile(LambdaClient);
let tmp: Awaited<ReturnType<typeof tempDir>>;
const ZIP = Buffer.from('zip bytes v1');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const healthy = (async () => new Response('{"status":"healthy"}', { status: 200 })) as typeof fetch;

const stack = {
  StackName: 'authstack',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/authstack/1',
  StackStatus: 'UPDATE_COMPLETE' as const,
  CreationTime: new Date(0),
  // What deploy sets on every deploy: the stack's part of the hosted sign-in domain.
  Parameters: [{ ParameterKey: 'AuthDomainLabel', ParameterValue: 'authstack' }],
  Outputs: [
    { OutputKey: 'ApiUrl', OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/' },
    { OutputKey: 'UserPoolId', OutputValue: 'eu-west-1_abc' },
    { OutputKey: 'UserPoolClientId', OutputValue: 'client1' },
    { OutputKey: 'Region', OutputValue: 'eu-west-1' },
    { OutputKey: 'FunctionName', OutputValue: 'authstack-Function-1' },
    { OutputKey: 'LogGroupName', OutputValue: '/aws/lambda/authstack-api' },
  ],
};

beforeEach(async () => {
  // The SDK's chain finds these, as it would a user's: deploy checks that credentials load before it starts.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret');
  tmp = await tempDir();
  await writeFile(join(tmp.dir, 'code.zip'), ZIP);
  cfn.reset();
  lambda.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
  // What deploy submits (and CloudFormation then returns): the shipped text with the API deployment's hashed name.
  cfn.on(GetTemplateCommand).resolves({ TemplateBody: withApiDeploymentHash(generatedTemplate(buildStackModel(), (await loadShippedLambda()).sha256).body).body });
  lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'authstack-Function-1', CodeSha256: sha(ZIP), LastUpdateStatus: 'Successful', State: 'Active' });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await tmp.cleanup();
});

const deploy = (extra: string[] = []) =>
  runCli(['deploy', '--yes', '--zip', 'code.zip', '--region', 'eu-west-1', '--poll-interval', '1ms', ...extra], {
    cwd: tmp.dir,
    aws: createAwsFactory({ region: 'eu-west-1', env: {} }),
    fetch: healthy,
  });

describe('deploy through aws-sdk-client-mock', () => {
  it('an unchanged stack is "no changes": three reads, no change set, no write', async () => {
    const r = await deploy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome).toBe('no-changes');
    expect(cfn.calls().length + lambda.calls().length).toBeLessThanOrEqual(4);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(0);
  });

  it('new code alone is uploaded straight to Lambda, with no CloudFormation write', async () => {
    lambda.on(UpdateFunctionCodeCommand).resolves({ CodeSha256: 'new' });
    lambda.on(GetFunctionCommand).resolves({ Configuration: { LastUpdateStatus: 'Successful', State: 'Active', CodeSha256: 'new' } });
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'authstack-Function-1', CodeSha256: 'old', LastUpdateStatus: 'Successful', State: 'Active' });
    const r = await deploy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome).toBe('code-only');
    const upload = lambda.commandCalls(UpdateFunctionCodeCommand);
    expect(upload).toHaveLength(1);
    expect(Buffer.from(upload[0]!.args[0].input.ZipFile!).equals(ZIP)).toBe(true);
    const writes = cfn.calls().filter((c) => !/^(Describe|Get|List)/.test(c.args[0].constructor.name.replace(/Command$/, '')));
    expect(writes).toHaveLength(0);
  });

  it('a change set that would replace the user pool is refused with exit 3 and never executed', async () => {
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: 'an older template' });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/1', StackId: stack.StackId });
    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'CREATE_COMPLETE',
      ExecutionStatus: 'AVAILABLE',
      Changes: [
        {
          Type: 'Resource',
          ResourceChange: { Action: 'Modify', LogicalResourceId: 'UserPool', ResourceType: 'AWS::Cognito::UserPool', Replacement: 'True' },
        },
      ],
    });
    const r = await deploy();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--allow-user-pool-replacement');
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });
});
