import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployWorld, type DeployWorld } from './helpers.js';
import { shippedLambdaPaths } from '../../../src/deploy/artifact.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const sha = (text: string) => createHash('sha256').update(text).digest('base64');
const hex = (text: string) => createHash('sha256').update(text).digest('hex');
const BUCKET = 'authstack-assets-123456789012-us-east-1';
const CFN_WRITES = /^(Create|Execute|Delete|Update|Continue)/;
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
const stack = () => w.aws.cfn.get('authstack');
const functionOf = () => w.aws.functions.get(stack()!.resources.get('Function')!.physicalId)!;

describe('authstack deploy: the paths through a deploy', () => {
  it('creates a new stack, uploads the code, checks health and records the target', async () => {
    w = await deployWorld();
    const r = await w.deploy([], { code: 'code v1' });
    expect(r.code).toBe(0);
    expect(stack()?.status).toBe('CREATE_COMPLETE');
    expect(functionOf().codeSha256).toBe(sha('code v1'));
    expect(w.aws.count('lambda')).toBe(0);
    expect(w.aws.count('cloudformation', 'CreateChangeSet')).toBe(1);
    expect(w.aws.calls.find((c) => c.operation === 'CreateChangeSet')!.input.ChangeSetType).toBe('CREATE');
    const outputs = Object.fromEntries([...stack()!.resources.values()].map((res) => [res.logicalId, res.physicalId]));
    const targets = await json(join(w.dir, '.authstack', 'targets.json'));
    expect(targets.current).toBe('authstack');
    expect(targets.targets.authstack).toMatchObject({
      kind: 'aws',
      region: 'us-east-1',
      userPoolId: outputs.UserPool,
      clientId: outputs.UserPoolClient,
      stackName: 'authstack',
    });
    expect(targets.targets.authstack.apiUrl).toBe(`https://${outputs.Api}.execute-api.us-east-1.amazonaws.com/prod`);
    expect(w.fetched).toEqual([`${targets.targets.authstack.apiUrl}/app/health`]);
    const record = await json(join(w.dir, '.authstack', 'deploys.json'));
    expect(record.stacks['us-east-1/authstack']).toMatchObject({ outcome: 'created', codeSha256: sha('code v1') });
    expect(r.stdout).toContain('ApiUrl');
    expect(r.stderr).toMatch(/Add\s+UserPool\s+AWS::Cognito::UserPool/);
  });

  it('a first deploy creates the artifact bucket (private, encrypted, versioned, with a lifecycle rule, TLS only), stores the zip under its hash, then creates the stack with that code in place', async () => {
    w = await deployWorld();
    const r = await w.deploy(['--json'], { code: 'code v1' });
    expect(r.code, r.stderr).toBe(0);
    const order = w.aws.calls.map((c) => `${c.service}:${c.operation}`);
    // The account from STS (there is no stack ARN yet), the bucket and the object before the change set.
    expect(order.slice(0, order.indexOf('cloudformation:CreateChangeSet'))).toEqual([
      'cloudformation:DescribeStacks',
      'sts:GetCallerIdentity',
      's3:HeadBucket',
      's3:CreateBucket',
      's3:PutPublicAccessBlock',
      's3:PutBucketOwnershipControls',
      's3:PutBucketEncryption',
      's3:PutBucketVersioning',
      's3:PutBucketLifecycleConfiguration',
      's3:PutBucketPolicy',
      's3:PutObject',
    ]);
    const bucket = w.aws.s3.buckets.get(BUCKET)!;
    expect(bucket).toMatchObject({
      versioning: 'Enabled',
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    expect(bucket.ownershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(JSON.stringify(bucket.encryption)).toContain('AES256');
    expect(JSON.stringify(bucket.lifecycle)).toContain('NoncurrentVersionExpiration');
    expect(JSON.stringify(bucket.policy)).toContain('"aws:SecureTransport":"false"');
    const key = `functions/${hex('code v1')}.zip`;
    expect(w.aws.s3.object(BUCKET, key)?.body.toString()).toBe('code v1');
    // The template names that object; the function was created from it (its CodeSha256 is the zip's) and never updated.
    expect(stack()!.resources.get('Function')!.properties.Code).toEqual({ S3Bucket: BUCKET, S3Key: key });
    expect(functionOf().codeSha256).toBe(sha('code v1'));
    expect(r.json()).toMatchObject({ outcome: 'created', codeUploaded: true, codeSha256: sha('code v1') });
    expect(w.aws.count('lambda')).toBe(0);
  });

  it('a deploy to a second stack in the same account and region reuses the bucket: one HeadBucket, and no upload of a zip already there', async () => {
    w = await deployWorld();
    await w.deploy([], { code: 'code v1' });
    const before = w.aws.calls.length;
    const r = await w.run(['deploy', '--yes', '--zip', await w.zip('code v1'), '--poll-interval', '1ms', '--stack', 'other', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s3 = w.aws.calls
      .slice(before)
      .filter((c) => c.service === 's3')
      .map((c) => c.operation);
    expect(s3).toEqual(['HeadBucket', 'HeadObject']);
    expect(r.json().codeUploaded).toBe(false);
  });

  it('refuses a bucket of that name in another account (ExpectedBucketOwner), before any CloudFormation write', async () => {
    w = await deployWorld();
    w.aws.s3.addForeignBucket(BUCKET);
    const r = await w.deploy();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: The artifact bucket ${BUCKET} exists, but S3 refuses these credentials access to it`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(w.aws.writes()).toEqual([]);
    expect(w.aws.count('s3', 'PutObject')).toBe(0);
  });

  it('deploys the Lambda zip shipped in the package when no --zip is given, without bundling anything', async () => {
    w = await deployWorld();
    const r = await w.run(['deploy', '--yes', '--poll-interval', '1ms', '--json']);
    expect(r.code).toBe(0);
    const shipped = await readFile(shippedLambdaPaths().zip);
    expect(functionOf().codeSha256).toBe(createHash('sha256').update(shipped).digest('base64'));
    expect(r.json().codeSha256).toBe(functionOf().codeSha256);
  });

  it('updates a stack through a change set when a parameter changes, without re-uploading unchanged code', async () => {
    w = await deployWorld();
    await w.deploy();
    const r = await w.deploy(['--stage', 'v2', '--json']);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.outcome).toBe('updated');
    expect(doc.changes).toContainEqual(expect.objectContaining({ action: 'Modify', logicalId: 'ApiStage', replacement: 'True' }));
    expect(doc.codeUploaded).toBe(false);
    expect(stack()!.parameters.StageName).toBe('v2');
    expect(stack()!.status).toBe('UPDATE_COMPLETE');
    // The zip was stored by the first deploy: this one only checked it is there.
    expect(w.aws.count('s3', 'PutObject')).toBe(1);
    expect(doc.changes.map((c: { logicalId: string }) => c.logicalId)).not.toContain('Function');
  });

  it('says "no changes" for a second deploy of the same code: two reads, no CloudFormation write, no S3 or Lambda call', async () => {
    w = await deployWorld();
    await w.deploy();
    const before = w.aws.calls.length;
    const r = await w.deploy();
    const calls = w.aws.calls.slice(before);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('No changes');
    // The template names the zip by its hash: the deployed template is the record of the code too.
    expect(calls.map((c) => `${c.service}:${c.operation}`)).toEqual(['cloudformation:DescribeStacks', 'cloudformation:GetTemplate']);
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls.filter((c) => CFN_WRITES.test(c.operation))).toEqual([]);
  });

  it('a code change stores the new zip, then a change set that modifies that function and nothing else (the API deployment does not churn)', async () => {
    w = await deployWorld();
    await w.deploy([], { code: 'code v1' });
    const deployments = [...w.aws.apiDeployments.keys()];
    const before = w.aws.calls.length;
    const r = await w.deploy(['--json'], { code: 'code v2' });
    const calls = w.aws.calls.slice(before);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ outcome: 'code-only', codeUploaded: true, codeSha256: sha('code v2') });
    expect(doc.changes).toEqual([
      { action: 'Modify', logicalId: 'Function', resourceType: 'AWS::Lambda::Function', replacement: 'False', physicalId: functionOf().name },
    ]);
    expect(r.stderr).toContain('Only the code of Function changed');
    expect(functionOf().codeSha256).toBe(sha('code v2'));
    expect([...w.aws.apiDeployments.keys()]).toEqual(deployments);
    expect(stack()!.status).toBe('UPDATE_COMPLETE');
    // No STS (the stack's ARN names the account), one HeadBucket, one HeadObject, one PutObject; Lambda never.
    expect(calls.filter((c) => c.service !== 'cloudformation').map((c) => `${c.service}:${c.operation}`)).toEqual([
      's3:HeadBucket',
      's3:HeadObject',
      's3:PutObject',
    ]);
    expect(calls.filter((c) => CFN_WRITES.test(c.operation)).map((c) => c.operation)).toEqual(['CreateChangeSet', 'ExecuteChangeSet']);
  });

  it('going back to code already in the bucket uploads nothing: the change set points the function at the stored object', async () => {
    w = await deployWorld();
    await w.deploy([], { code: 'code v1' });
    await w.deploy([], { code: 'code v2' });
    const r = await w.deploy(['--json'], { code: 'code v1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ outcome: 'code-only', codeUploaded: false });
    expect(w.aws.count('s3', 'PutObject')).toBe(2);
    expect(functionOf().codeSha256).toBe(sha('code v1'));
  });

  it('--no-execute on a code change stores the zip (so the change set left for review can run) and changes no stack', async () => {
    w = await deployWorld();
    await w.deploy([], { code: 'code v1' });
    const r = await w.deploy(['--no-execute', '--json'], { code: 'code v2' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome).toBe('change-set-only');
    expect(r.json().changes.map((c: { logicalId: string }) => c.logicalId)).toEqual(['Function']);
    expect(w.aws.s3.object(BUCKET, `functions/${hex('code v2')}.zip`)).toBeDefined();
    expect(functionOf().codeSha256).toBe(sha('code v1'));
    expect(w.aws.count('cloudformation', 'ExecuteChangeSet')).toBe(1);
  });

  it("prints the first failing resource and CloudFormation's reason when a create fails, and exits 1", async () => {
    w = await deployWorld();
    w.aws.cfn.failures.set('ApiStage', 'Resource handler returned message: "Invalid stage name" (HandlerErrorCode: InvalidRequest)');
    const r = await w.deploy();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: Deploy failed: ApiStage (AWS::ApiGateway::Stage) CREATE_FAILED: Resource handler returned message: "Invalid stage name"',
    );
    expect(r.stderr).toContain('ROLLBACK_COMPLETE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(stack()!.status).toBe('ROLLBACK_COMPLETE');
  });

  it('deletes a ROLLBACK_COMPLETE stack after confirmation and creates it again', async () => {
    w = await deployWorld();
    w.aws.cfn.failures.set('Function', 'boom');
    await w.deploy();
    w.aws.cfn.failures.clear();
    const oldId = stack()!.stackId;
    const zip = await w.zip();
    const guided = { 'Stack name': 'authstack', 'AWS region': 'us-east-1', 'Custom domain': '', stage: 'prod', 'Days to keep': '7' };
    const declined = await w.run(['deploy', '--zip', zip, '--poll-interval', '1ms'], { answers: { ...guided, 'Delete the empty stack': false } });
    expect(declined.code).toBe(4);
    expect(stack()!.stackId).toBe(oldId);
    const r = await w.run(['deploy', '--zip', zip, '--poll-interval', '1ms'], { answers: { 'Delete the empty stack': true, 'Create stack authstack': true } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ROLLBACK_COMPLETE: its first create failed');
    expect(stack()!.stackId).not.toBe(oldId);
    expect(stack()!.status).toBe('CREATE_COMPLETE');
  });

  it('refuses a change set that replaces the user pool (exit 3) and deletes it; passes with --allow-user-pool-replacement', async () => {
    w = await deployWorld();
    await w.deploy();
    const poolId = stack()!.resources.get('UserPool')!.physicalId;
    w.aws.cfn.replacementOverrides.set('UserPool', 'True');
    const refused = await w.deploy(['--stage', 'v2']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('Refused: this deploy would lose UserPool (replaced)');
    expect(refused.stderr).toContain('--allow-user-pool-replacement');
    expect(w.aws.count('cloudformation', 'ExecuteChangeSet')).toBe(1);
    expect(stack()!.changeSets.size).toBe(0);
    expect(stack()!.parameters.StageName).toBe('prod');

    const allowed = await w.deploy(['--stage', 'v2', '--allow-user-pool-replacement']);
    expect(allowed.code).toBe(0);
    expect(stack()!.resources.get('UserPool')!.physicalId).not.toBe(poolId);
  });

  it('refuses a change set that removes the user pool client', async () => {
    w = await deployWorld();
    await w.deploy();
    // A stack deployed by an older template with a resource the new one lacks looks the same to the guard.
    const s = stack()!;
    const client = s.resources.get('UserPoolClient')!;
    s.resources.set('LegacyClient', { ...client, logicalId: 'LegacyClient' });
    const { dangerousChanges } = await import('../../../src/deploy/change-set.js');
    expect(dangerousChanges([{ action: 'Remove', logicalId: 'UserPoolClient', resourceType: 'AWS::Cognito::UserPoolClient', replacement: '' }])).toHaveLength(
      1,
    );
    expect(dangerousChanges([{ action: 'Modify', logicalId: 'UserPool', resourceType: 'AWS::Cognito::UserPool', replacement: 'Conditional' }])).toHaveLength(1);
    expect(dangerousChanges([{ action: 'Modify', logicalId: 'UserPool', resourceType: 'AWS::Cognito::UserPool', replacement: 'False' }])).toHaveLength(0);
    expect(dangerousChanges([{ action: 'Remove', logicalId: 'Function', resourceType: 'AWS::Lambda::Function', replacement: '' }])).toHaveLength(0);
  });

  it('waits for a stack busy with another operation, then deploys', async () => {
    w = await deployWorld();
    await w.deploy();
    w.aws.cfn.startOtherOperation('authstack', 4);
    const r = await w.deploy(['--stage', 'v3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('is busy (UPDATE_IN_PROGRESS); waiting');
    expect(stack()!.parameters.StageName).toBe('v3');
  });

  it('reports a busy stack at once with --busy-timeout 0', async () => {
    w = await deployWorld();
    await w.deploy();
    w.aws.cfn.startOtherOperation('authstack', 100);
    const r = await w.deploy(['--busy-timeout', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: Stack authstack is busy with another operation (UPDATE_IN_PROGRESS).');
    expect(w.aws.count('cloudformation', 'CreateChangeSet')).toBe(1);
  });

  it('succeeds when AWS throttles calls: the SDK retries them', async () => {
    w = await deployWorld();
    w.aws.throttle('DescribeStacks', 2);
    const r = await w.deploy();
    expect(r.code).toBe(0);
    const first = w.aws.calls.slice(0, 3).map((c) => c.operation);
    expect(first).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
    expect(stack()!.status).toBe('CREATE_COMPLETE');
  }, 20_000);

  it('explains throttling that outlasts the retries in one line', async () => {
    w = await deployWorld();
    w.aws.throttle('DescribeStacks', 100);
    const r = await w.deploy();
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: AWS kept throttling the request to describe the stack authstack (gave up after 5 attempts). Wait a minute and run the command again; nothing was lost.',
    );
  }, 30_000);

  it('shows the certificate status and its validation record while it is pending', async () => {
    w = await deployWorld({ certificateIssueAfter: 4 });
    w.aws.addZone({ id: 'Z0EXAMPLE', name: 'example.com', nameServers: ['ns-1.awsdns-01.org'] });
    const r = await w.deploy(['--domain', 'api.example.com', '--skip-dns-check']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Hosted zone for api.example.com: example.com (Z0EXAMPLE).');
    expect(r.stderr).toContain('PENDING_VALIDATION: waiting for ACM to see the DNS record');
    expect(r.stderr).toContain('_3f1a.api.example.com. CNAME _9c2b.xyz.acm-validations.aws.');
    expect(w.aws.count('acm', 'DescribeCertificate')).toBeGreaterThan(0);
    expect(stack()!.parameters).toMatchObject({ DomainName: 'api.example.com', HostedZoneId: 'Z0EXAMPLE' });
    const targets = await json(join(w.dir, '.authstack', 'targets.json'));
    expect(targets.targets.authstack.customDomainUrl).toBe('https://api.example.com');
  });

  it('gives up on a certificate that stays pending past --certificate-timeout, saying what to check', async () => {
    w = await deployWorld({ certificateIssueAfter: Infinity });
    w.aws.addZone({ id: 'Z0EXAMPLE', name: 'example.com', nameServers: ['ns-1.awsdns-01.org'] });
    const r = await w.deploy(['--domain', 'api.example.com', '--skip-dns-check', '--certificate-timeout', '30ms']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: The certificate for api.example.com is still PENDING_VALIDATION after 30ms');
    expect(r.stderr).toContain('_3f1a.api.example.com. CNAME');
  });

  it('reuses the deployed hosted zone for an unchanged domain, so a no-op deploy makes no Route 53 call', async () => {
    w = await deployWorld();
    w.aws.addZone({ id: 'Z0EXAMPLE', name: 'example.com', nameServers: ['ns-1.awsdns-01.org'] });
    await w.deploy(['--domain', 'api.example.com', '--skip-dns-check']);
    const before = w.aws.calls.length;
    const r = await w.deploy(['--domain', 'api.example.com']);
    expect(r.code).toBe(0);
    expect(w.aws.calls.slice(before).map((c) => c.service)).toEqual(['cloudformation', 'cloudformation']);
  });

  it('sends a domain spelled loosely in authstack.config.json in the one form the template accepts, and a repeat deploy still skips Route 53', async () => {
    w = await deployWorld();
    w.aws.addZone({ id: 'Z0EXAMPLE', name: 'example.com', nameServers: ['ns-1.awsdns-01.org'] });
    await writeFile(join(w.dir, 'authstack.config.json'), JSON.stringify({ domain: 'API.Example.com.' }));
    const first = await w.deploy(['--skip-dns-check']);
    expect(first.code, first.stderr).toBe(0);
    expect(stack()!.parameters).toMatchObject({ DomainName: 'api.example.com', HostedZoneId: 'Z0EXAMPLE' });
    const before = w.aws.calls.length;
    const again = await w.deploy();
    expect(again.code, again.stderr).toBe(0);
    expect(w.aws.calls.slice(before).map((c) => c.service)).toEqual(['cloudformation', 'cloudformation']);
  });

  it('prints one clear line, and no stack trace, when there are no AWS credentials', async () => {
    w = await deployWorld();
    w.aws.noCredentials = true;
    const r = await w.deploy();
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: No AWS credentials found. Run "aws configure" or "aws sso login", set AWS_PROFILE or pass --profile.',
    );
  });

  it('refuses to execute without a terminal or --yes, and leaves nothing behind', async () => {
    w = await deployWorld();
    const zip = await w.zip();
    const r = await w.run(['deploy', '--zip', zip, '--poll-interval', '1ms']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('there is no terminal to ask');
    expect(r.stderr).toContain('--yes');
    expect(w.aws.count('cloudformation', 'ExecuteChangeSet')).toBe(0);
    w.aws.cfn.settle();
    expect(stack()).toBeUndefined();
  });

  it('shows the change set and stops with --no-execute', async () => {
    w = await deployWorld();
    const r = await w.deploy(['--no-execute']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('left for review (not executed)');
    expect(r.stderr).toMatch(/Add\s+Function\s+AWS::Lambda::Function/);
    expect(w.aws.count('cloudformation', 'ExecuteChangeSet')).toBe(0);
    expect(stack()!.status).toBe('REVIEW_IN_PROGRESS');
  });

  it('stops watching on Ctrl-C, leaves the stack to CloudFormation and says how to follow or roll back (exit 130)', async () => {
    w = await deployWorld();
    await w.deploy();
    const controller = new AbortController();
    const handle = w.aws.handle.bind(w.aws);
    w.aws.handle = (service, operation, input) => {
      const out = handle(service, operation, input);
      if (operation === 'ExecuteChangeSet') controller.abort();
      return out;
    };
    const zip = await w.zip();
    const r = await w.run(['deploy', '--yes', '--zip', zip, '--stage', 'v9', '--poll-interval', '1ms'], { signal: controller.signal });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Stopped watching');
    expect(r.stderr).toContain('authstack status --stack authstack');
    expect(r.stderr).toContain('aws cloudformation cancel-update-stack --stack-name authstack --region us-east-1');
    expect(stack()!.status).toBe('UPDATE_IN_PROGRESS');
  });

  it('explains UPDATE_ROLLBACK_FAILED, and continues the rollback with --continue-rollback', async () => {
    w = await deployWorld();
    await w.deploy();
    w.aws.cfn.failures.set('ApiStage', 'stage update failed');
    w.aws.cfn.rollbackFailures.set('ApiStage', 'stage changed by hand');
    const failed = await w.deploy(['--stage', 'v2']);
    expect(failed.code).toBe(1);
    expect(stack()!.status).toBe('UPDATE_ROLLBACK_FAILED');
    w.aws.cfn.failures.clear();
    const explained = await w.deploy(['--stage', 'v2']);
    expect(explained.code).toBe(1);
    expect(explained.stderr).toContain('is UPDATE_ROLLBACK_FAILED');
    expect(explained.stderr).toContain('--continue-rollback');
    const r = await w.deploy(['--stage', 'v2', '--continue-rollback']);
    expect(r.code).toBe(0);
    expect(stack()!.status).toBe('UPDATE_COMPLETE');
    expect(stack()!.parameters.StageName).toBe('v2');
  });

  it('asks the guided questions on a first deploy at a terminal, saves them, and the next deploy needs no flags', async () => {
    w = await deployWorld();
    const zip = await w.zip();
    const answers = {
      'Stack name': 'myapp',
      'AWS region': 'eu-west-2',
      'Custom domain': '',
      'API stage name': 'dev',
      'Days to keep': '14',
      'Create stack myapp in eu-west-2': true,
    };
    const r = await w.run(['deploy', '--zip', zip, '--poll-interval', '1ms'], { answers });
    expect(r.code).toBe(0);
    expect(await json(join(w.dir, 'authstack.config.json'))).toEqual({ stackName: 'myapp', region: 'eu-west-2', stage: 'dev', logRetentionInDays: 14 });
    expect(w.aws.cfn.get('myapp')!.parameters).toMatchObject({ StageName: 'dev', LogRetentionInDays: '14' });
    expect(w.aws.regions).toContain('eu-west-2');
    const again = await w.run(['deploy', '--yes', '--zip', zip, '--poll-interval', '1ms']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('No changes: stack myapp');
  });

  it('reports a corrupt authstack.config.json and keeps it as it was', async () => {
    w = await deployWorld();
    await writeFile(join(w.dir, 'authstack.config.json'), '{ "stackName": ');
    const r = await w.deploy();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('authstack.config.json is corrupt');
    expect(await readFile(join(w.dir, 'authstack.config.json'), 'utf8')).toBe('{ "stackName": ');
    expect(w.aws.calls).toHaveLength(0);
  });

  it('refuses a stack name from authstack.config.json that --stack would refuse (over 120 characters), before any AWS call', async () => {
    w = await deployWorld();
    const long = `a${'b'.repeat(120)}`;
    await writeFile(join(w.dir, 'authstack.config.json'), JSON.stringify({ stackName: long, region: 'eu-west-1' }));
    const r = await w.deploy();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`"${long}" is not a valid stack name`);
    expect(w.aws.calls).toHaveLength(0);
  });
});

describe('authstack deploy --cors-origin', () => {
  it('passes the allowed origin to the template', async () => {
    w = await deployWorld();
    const r = await w.deploy(['--cors-origin', 'https://app.example.com/']);
    expect(r.code, r.stderr).toBe(0);
    const params = w.aws.calls.find((c) => c.operation === 'CreateChangeSet')!.input.Parameters as Array<{ ParameterKey: string; ParameterValue?: string }>;
    expect(params.find((p) => p.ParameterKey === 'CorsAllowOrigin')?.ParameterValue).toBe('https://app.example.com');
  });

  it('refuses anything but * or one origin, before any AWS call', async () => {
    w = await deployWorld();
    const r = await w.deploy(['--cors-origin', 'https://a.example.com, https://b.example.com']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cors-origin must be * or one origin');
    expect(w.aws.calls).toHaveLength(0);
  });
});
