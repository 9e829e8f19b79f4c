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
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsFactory } from '../../../src/aws/factory.js';
import { generatedTemplate } from '../../helpers/template.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

const cfn = mockClientInFile(CloudFormationClient);
const lambda = mockClientInFile(LambdaClient);
const s3 = mockClientInFile(S3Client);
let tmp: Awaited<ReturnType<typeof tempDir>>;
const ZIP = Buffer.from('zip bytes v1');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** The template deploy sends for the default model with this zip as the API's code. */
const templateFor = (zip: Buffer) => generatedTemplate(buildStackModel(), sha(zip)).body;
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
  s3.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
  // What deploy submitted last time (and CloudFormation returns): the generated text, naming this zip by its hash.
  cfn.on(GetTemplateCommand).resolves({ TemplateBody: templateFor(ZIP) });
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
  it('an unchanged stack is "no changes": two reads, no change set, no S3 or Lambda call', async () => {
    const r = await deploy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome).toBe('no-changes');
    expect(cfn.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeStacksCommand', 'GetTemplateCommand']);
    expect(lambda.calls().length + s3.calls().length).toBe(0);
  });

  it('new code alone: the zip is stored under its hash, then a change set whose only change is the function', async () => {
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: templateFor(Buffer.from('zip bytes v0')) });
    s3.on(HeadBucketCommand).resolves({});
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    s3.on(PutObjectCommand).resolves({});
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/1', StackId: stack.StackId });
    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'CREATE_COMPLETE',
      ExecutionStatus: 'AVAILABLE',
      CreationTime: new Date(0),
      Changes: [
        { Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'Function', ResourceType: 'AWS::Lambda::Function', Replacement: 'False' } },
      ],
    });
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        {
          EventId: 'e2',
          StackId: stack.StackId,
          StackName: 'authstack',
          LogicalResourceId: 'authstack',
          ResourceType: 'AWS::CloudFormation::Stack',
          ResourceStatus: 'UPDATE_COMPLETE',
          Timestamp: new Date(2000),
        },
        {
          EventId: 'e1',
          StackId: stack.StackId,
          StackName: 'authstack',
          LogicalResourceId: 'Function',
          ResourceType: 'AWS::Lambda::Function',
          ResourceStatus: 'UPDATE_COMPLETE',
          Timestamp: new Date(1000),
        },
      ],
    });
    const r = await deploy(['--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ outcome: 'code-only', codeUploaded: true });
    // The account comes from the stack's ARN: no STS call, and every S3 call names that account as the owner.
    const [head] = s3.commandCalls(HeadBucketCommand);
    expect(head!.args[0].input).toEqual({ Bucket: 'authstack-assets-123456789012-eu-west-1', ExpectedBucketOwner: '123456789012' });
    const [put] = s3.commandCalls(PutObjectCommand);
    expect(put!.args[0].input).toMatchObject({
      Bucket: 'authstack-assets-123456789012-eu-west-1',
      Key: `functions/${sha(ZIP)}.zip`,
      ExpectedBucketOwner: '123456789012',
    });
    expect(Buffer.from(put!.args[0].input.Body as Uint8Array).equals(ZIP)).toBe(true);
    expect(lambda.calls()).toHaveLength(0);
    // The change set carries the new template: the function's Code names the new object.
    const [created] = cfn.commandCalls(CreateChangeSetCommand);
    expect(created!.args[0].input.TemplateBody).toBe(templateFor(ZIP));
  });

  it('a change set that would replace the user pool is refused with exit 3 and never executed', async () => {
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: 'an older template' });
    s3.on(HeadBucketCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ContentLength: ZIP.length });
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
