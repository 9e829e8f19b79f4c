import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployerPolicy, isAllowed, type PolicyDocument } from '../../../src/deploy/iam-policy.js';
import { PICTURES_IDS } from '../../../src/deploy/template/pictures.js';
import type { Call } from '../../helpers/fake-aws/fake-aws.js';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const PREFIX: Record<string, string> = {
  cloudformation: 'cloudformation',
  lambda: 'lambda',
  logs: 'logs',
  cognito: 'cognito-idp',
  acm: 'acm',
  route53: 'route53',
  s3: 's3',
};
/**
 * The IAM action S3 authorises each call with, where it is not the operation's name (the Service Authorization
 * Reference, "Actions defined by Amazon S3": HeadBucket needs s3:ListBucket, HeadObject s3:GetObject, ...).
 */
const S3_ACTIONS: Record<string, string> = {
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  PutBucketEncryption: 'PutEncryptionConfiguration',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
  ListObjectVersions: 'ListBucketVersions',
};
/** STS GetCallerIdentity needs no permission: an explicit deny cannot even block it (the STS API reference). */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

/** The IAM action and resource ARN of a call the fake account recorded, as IAM would authorise it. */
function authorisation(call: Call): { action: string; resource: string } {
  const action = call.service === 's3' ? `s3:${S3_ACTIONS[call.operation] ?? call.operation}` : `${PREFIX[call.service] ?? call.service}:${call.operation}`;
  const i = call.input ?? {};
  const stack = typeof i.StackName === 'string' ? (i.StackName.startsWith('arn:') ? i.StackName.split(':')[5]!.split('/')[1]! : i.StackName) : undefined;
  const resource =
    call.service === 'cloudformation' && stack
      ? `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stack}/0f1e2d3c`
      : call.service === 'lambda' && i.FunctionName
        ? `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${i.FunctionName}`
        : call.service === 'logs' && i.logGroupName
          ? `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${i.logGroupName}`
          : call.service === 'cognito' && i.UserPoolId
            ? `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${i.UserPoolId}`
            : call.service === 's3' && i.Bucket
              ? `arn:aws:s3:::${i.Bucket}${i.Key ? `/${i.Key}` : ''}`
              : '*';
  return { action, resource };
}

/** The deployed API as smoke sees it: health, sign-up into the fake pool, and a profile for the fake tokens. */
function fakeApi(world: DeployWorld): typeof fetch {
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  return (async (url: string | URL, init?: RequestInit) => {
    const path = new URL(String(url)).pathname;
    if (path.endsWith('/app/health')) return json(200, { status: 'healthy', version: 'test' });
    if (path.endsWith('/user') && init?.method === 'POST') {
      const { username, password } = JSON.parse(String(init.body)) as { username: string; password: string };
      world.aws.signUp(world.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId, username, password);
      return json(201, { username, confirmed: false });
    }
    if (path.endsWith('/user/profile')) {
      const token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '');
      const found = [...world.aws.users.entries()].find(([, u]) => token && u.accessToken === token);
      return found ? json(200, { email: found[0], sub: 'fake' }) : json(401, { message: 'Unauthorized' });
    }
    return json(404, { message: 'Not found' });
  }) as typeof fetch;
}

/**
 * Cognito's public API: called with the app client id (and the user's own tokens), never signed with IAM
 * credentials, so no policy is involved ("unauthenticated" operations in the Cognito user pools API reference).
 */
const PUBLIC_COGNITO = new Set(['InitiateAuth', 'RespondToAuthChallenge', 'SignUp', 'ConfirmSignUp', 'GetUser', 'GlobalSignOut', 'RevokeToken']);

/**
 * What IAM authorises a call with: DeleteObjects once per key, as s3:DeleteObjectVersion on the object for a key
 * with a version id, else s3:DeleteObject (the DeleteObjects API reference); every other call once.
 */
function authorisations(call: Call): { action: string; resource: string }[] {
  if (call.service !== 's3' || call.operation !== 'DeleteObjects') return [authorisation(call)];
  return (call.input.Delete.Objects as { Key: string; VersionId?: string }[]).map((o) => ({
    action: o.VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject',
    resource: `arn:aws:s3:::${call.input.Bucket}/${o.Key}`,
  }));
}

function refused(policy: PolicyDocument, calls: Call[]): string[] {
  return calls
    .filter((c) => !(c.service === 'cognito' && PUBLIC_COGNITO.has(c.operation)))
    .flatMap(authorisations)
    .filter((a) => !NEEDS_NO_PERMISSION.has(a.action) && !isAllowed(policy, a.action, a.resource))
    .map((a) => `${a.action} on ${a.resource}`);
}

describe('authstack iam-policy', () => {
  it('allows every call deploy, status, outputs, logs, smoke and destroy --delete-user-pool make, scoped to the stack', async () => {
    w = await deployWorld({ usersPerPool: 1 });
    expect((await w.deploy()).code).toBe(0);
    expect((await w.deploy([], { code: 'code v2' })).code).toBe(0); // a code change: HeadBucket, HeadObject, PutObject, the change set
    expect((await w.run(['status'])).code).toBe(0);
    expect((await w.run(['outputs', '--json'])).code).toBe(0);
    w.aws.putLogEvents('/aws/lambda/authstack-api', [{ timestamp: Date.now(), message: 'a line\n' }]);
    expect((await w.run(['logs', '--since', '1h'])).code).toBe(0);
    const smoke = await w.run(['smoke', '--email', 'ci+{id}@example.com', '--json'], { fetch: fakeApi(w) });
    expect(smoke.json()).toMatchObject({ ok: true });
    expect(w.aws.users.size).toBe(0); // cleaned up with AdminDeleteUser
    expect((await w.run(['destroy', '--yes', '--delete-user-pool', '--poll-interval', '1ms'])).code).toBe(0);

    const policy = deployerPolicy({ stackName: 'authstack', region: REGION, accountId: ACCOUNT });
    const services = new Set(w.aws.calls.map((c) => c.service));
    expect([...services].sort()).toEqual(['cloudformation', 'cognito', 'lambda', 'logs', 's3', 'sts']);
    expect(w.aws.calls.filter((c) => c.service === 'cognito').map((c) => c.operation)).toEqual(
      expect.arrayContaining(['AdminConfirmSignUp', 'InitiateAuth', 'RespondToAuthChallenge', 'AdminDeleteUser', 'DeleteUserPool']),
    );
    expect(w.aws.calls.length).toBeGreaterThan(10);
    expect(refused(policy, w.aws.calls)).toEqual([]);
  });

  it('allows every admin call the users commands make on a deployed stack, import included (deploy --groups makes the groups)', async () => {
    w = await deployWorld();
    expect((await w.deploy(['--groups', 'admin,editor'])).code).toBe(0);
    const pool = w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId;
    expect([...(w.aws.groups.get(pool) ?? [])]).toEqual(['admin', 'editor']);
    const users = async (args: string[], stdin?: string) => {
      const r = await w.run(['users', ...args, '--json'], { stdin });
      expect(r.code, `users ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
      return r.json();
    };
    expect(await users(['create', 'ada@example.com', '--password-stdin', '--group', 'admin', '--attribute', 'name=Ada'], 'Corr3ct-horse!')).toMatchObject({
      status: 'CONFIRMED',
      groups: ['admin'],
    });
    expect(await users(['create', 'bob@example.com'])).toMatchObject({ status: 'FORCE_CHANGE_PASSWORD' });
    expect((await users(['list', '--filter', 'email ^= "ada"'])).users).toHaveLength(1);
    expect(await users(['show', 'ada@example.com'])).toMatchObject({ enabled: true, groups: ['admin'], attributes: { name: 'Ada' } });
    for (const action of ['disable', 'enable', 'reset-password', 'sign-out']) await users([action, 'ada@example.com']);
    await users(['groups', 'add', 'ada@example.com', 'editor']);
    expect((await users(['groups', 'list', 'ada@example.com'])).groups).toEqual(['admin', 'editor']);
    await users(['groups', 'remove', 'ada@example.com', 'editor']);
    expect((await users(['groups', 'list'])).groups).toEqual(['admin', 'editor']);
    await writeFile(
      join(w.dir, 'users.json'),
      JSON.stringify([
        { email: 'ada@example.com', password: 'Other-pa55word!' },
        { email: 'cy@example.com', password: 'Corr3ct-horse!', groups: ['editor'] },
      ]),
    );
    const refusedImport = await w.run(['users', 'import', 'users.json', '--json']);
    expect(refusedImport.code).toBe(4);
    expect(refusedImport.json().error.code).toBe('NeedsConfirmation');
    expect(w.aws.users.has('cy@example.com')).toBe(false);
    expect(await users(['import', 'users.json', '--yes'])).toMatchObject({ target: 'authstack', created: ['cy@example.com'], skipped: ['ada@example.com'] });
    expect(w.aws.users.get('ada@example.com')!.password).toBe('Corr3ct-horse!');
    await users(['delete', 'bob@example.com', '--yes']);
    const missing = await w.run(['users', 'delete', 'bob@example.com', '--yes', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json().error.code).toBe('UserNotFound');

    const policy = deployerPolicy({ stackName: 'authstack', region: REGION, accountId: ACCOUNT });
    const operations = new Set(w.aws.calls.filter((c) => c.service === 'cognito').map((c) => c.operation));
    for (const op of [
      'ListUsers',
      'AdminGetUser',
      'AdminCreateUser',
      'AdminSetUserPassword',
      'AdminDisableUser',
      'AdminEnableUser',
      'AdminResetUserPassword',
      'AdminUserGlobalSignOut',
      'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup',
      'AdminListGroupsForUser',
      'ListGroups',
      'AdminDeleteUser',
    ]) {
      expect(operations).toContain(op);
    }
    expect(refused(policy, w.aws.calls)).toEqual([]);
  });

  it('covers exactly the S3 calls deploy makes on the artifact bucket (no other S3 action, no other bucket), and Lambda reading the zip', async () => {
    w = await deployWorld();
    expect((await w.deploy()).code).toBe(0);
    expect((await w.deploy([], { code: 'code v2' })).code).toBe(0);
    const policy = deployerPolicy({ stackName: 'authstack', region: REGION, accountId: ACCOUNT });
    const made = new Set(w.aws.calls.filter((c) => c.service === 's3').map((c) => authorisation(c).action));
    // What CloudFormation does with the caller's credentials: Lambda reads the zip from S3 (s3:GetObject).
    made.add('s3:GetObject');
    const artifactStatements = policy.Statement.filter((s) => s.Sid.startsWith('Artifact'));
    // No other statement grants anything on the artifact bucket (the pictures ones name the stack's own bucket).
    expect(
      policy.Statement.filter((s) => !s.Sid.startsWith('Artifact'))
        .flatMap((s) => s.Resource)
        .filter((r) => r.includes('authstack-assets-')),
    ).toEqual([]);
    const granted = artifactStatements.flatMap((s) => s.Action.filter((a) => a.startsWith('s3:')));
    expect([...granted].sort()).toEqual([...made].sort());
    const bucket = `arn:aws:s3:::authstack-assets-${ACCOUNT}-${REGION}`;
    expect(
      artifactStatements
        .filter((s) => s.Action.some((a) => a.startsWith('s3:')))
        .flatMap((s) => s.Resource)
        .sort(),
    ).toEqual([bucket, `${bucket}/functions/*`]);
    expect(isAllowed(policy, 's3:PutObject', `arn:aws:s3:::authstack-assets-${ACCOUNT}-eu-west-1/functions/x.zip`)).toBe(false);
    expect(isAllowed(policy, 's3:DeleteBucket', bucket)).toBe(false);
  });

  it('allows the S3 calls destroy and destroy --delete-pictures make, on the pictures bucket only (never the artifact bucket, nor another stack’s)', async () => {
    w = await deployWorld();
    expect((await w.deploy(['--pictures'])).code).toBe(0);
    const bucket = w.aws.cfn.get('authstack')!.resources.get(PICTURES_IDS.bucket)!.physicalId;
    w.aws.s3.buckets.get(bucket)!.versioning = 'Enabled';
    w.aws.s3.handle('PutObject', { Bucket: bucket, Key: 'public/a/1.webp', Body: Buffer.from('x') });
    w.aws.s3.handle('DeleteObjects', { Bucket: bucket, Delete: { Objects: [{ Key: 'public/a/1.webp' }] } });
    expect((await w.run(['destroy', '--yes', '--delete-pictures', '--poll-interval', '1ms'])).code).toBe(0);
    expect(w.aws.s3.buckets.has(bucket)).toBe(false);

    const policy = deployerPolicy({ stackName: 'authstack', region: REGION, accountId: ACCOUNT });
    const pictureCalls = w.aws.calls.filter((c) => c.service === 's3' && c.input?.Bucket === bucket);
    expect(new Set(pictureCalls.map((c) => c.operation))).toEqual(new Set(['ListObjectVersions', 'DeleteObjects', 'DeleteBucket']));
    expect(refused(policy, w.aws.calls)).toEqual([]);
    const pictures = policy.Statement.filter((s) => s.Sid.startsWith('Pictures'));
    expect(pictures.flatMap((s) => s.Resource).sort()).toEqual([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]);
    expect(pictures.flatMap((s) => s.Action).sort()).toEqual(['s3:DeleteBucket', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions']);
    const artifacts = `arn:aws:s3:::authstack-assets-${ACCOUNT}-${REGION}`;
    for (const action of ['s3:DeleteBucket', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions']) {
      expect(isAllowed(policy, action, artifacts), action).toBe(false);
      expect(isAllowed(policy, action, `${artifacts}/functions/x.zip`), action).toBe(false);
    }
    const other = deployerPolicy({ stackName: 'other', region: REGION, accountId: ACCOUNT });
    expect(isAllowed(other, 's3:DeleteBucket', `arn:aws:s3:::${bucket}`)).toBe(false);
  });

  it("allows what CloudFormation does with the deployer's credentials for the project's routes: each function, its own role (PassRole), log group and permission, the authorizer, methods and gateway responses", async () => {
    w = await deployWorld();
    expect((await w.run(['init'])).code).toBe(0);
    expect((await w.deploy()).code).toBe(0);
    const stack = w.aws.cfn.get('authstack')!;
    const phys = (id: string) => stack.resources.get(id)!.physicalId;
    const api = phys('Api');
    const apigw = (path: string) => `arn:aws:apigateway:${REGION}::${path}`;
    // The calls CloudFormation makes to create each resource (each service's API reference; API Gateway's IAM
    // actions are the HTTP verb on the resource path, "Control access for managing an API").
    const needed = [...stack.resources.values()].flatMap((r): { action: string; resource: string }[] => {
      const p = r.properties as Record<string, any>;
      switch (r.type) {
        case 'AWS::Lambda::Function':
          return [
            { action: 'lambda:CreateFunction', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${r.physicalId}` },
            { action: 'lambda:UpdateFunctionCode', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${r.physicalId}` },
            // The role by its name (the fake's Fn::GetAtt Arn is not shaped as IAM's arn:aws:iam::<account>:role/<name>).
            { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/${String(p.Role).split(':').at(-1)!}` },
            { action: 's3:GetObject', resource: `arn:aws:s3:::${String(p.Code.S3Bucket)}/${String(p.Code.S3Key)}` },
          ];
        case 'AWS::IAM::Role':
          return ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:GetRole'].map((action) => ({ action, resource: `arn:aws:iam::${ACCOUNT}:role/${r.physicalId}` }));
        case 'AWS::Logs::LogGroup':
          return ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'].map((action) => ({
            action,
            resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${String(p.LogGroupName)}`,
          }));
        case 'AWS::Lambda::Permission':
          return [{ action: 'lambda:AddPermission', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${String(p.FunctionName)}` }];
        case 'AWS::ApiGateway::Authorizer':
          return [
            { action: 'apigateway:POST', resource: apigw(`/restapis/${api}/authorizers`) },
            { action: 'apigateway:PATCH', resource: apigw(`/restapis/${api}/authorizers/${r.physicalId}`) },
          ];
        case 'AWS::ApiGateway::GatewayResponse':
          return [{ action: 'apigateway:PUT', resource: apigw(`/restapis/${api}/gatewayresponses/${String(p.ResponseType)}`) }];
        case 'AWS::ApiGateway::Method':
          return [{ action: 'apigateway:PUT', resource: apigw(`/restapis/${api}/resources/${String(p.ResourceId)}/methods/${String(p.HttpMethod)}`) }];
        case 'AWS::ApiGateway::Resource':
          return [{ action: 'apigateway:POST', resource: apigw(`/restapis/${api}/resources/${String(p.ParentId)}`) }];
        default:
          return [];
      }
    });
    const types = new Set([...stack.resources.values()].map((r) => r.type));
    expect([...types]).toEqual(expect.arrayContaining(['AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::GatewayResponse', 'AWS::ApiGateway::Method']));
    // Three functions (the API and two handlers), each with its own role and log group.
    expect([...stack.resources.values()].filter((r) => r.type === 'AWS::IAM::Role')).toHaveLength(3);
    const policy = deployerPolicy({ stackName: 'authstack', region: REGION, accountId: ACCOUNT });
    expect(needed.filter((n) => !isAllowed(policy, n.action, n.resource)).map((n) => `${n.action} on ${n.resource}`)).toEqual([]);
    // Passing a role of another stack to a function stays refused.
    expect(isAllowed(policy, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/other-ApiNotesGetnoteFunctionRole-X`)).toBe(false);
  });

  it("allows what CloudFormation does with the deployer's credentials for pictures: the bucket and its settings, policy and notification, the CDN, its origin access control and cache policy", async () => {
    w = await deployWorld();
    expect((await w.deploy(['--pictures'])).code).toBe(0);
    const stack = w.aws.cfn.get('authstack')!;
    const cloudFront = (path: string) => `arn:aws:cloudfront::${ACCOUNT}:${path}`;
    // The calls CloudFormation makes to create each resource (the S3 and CloudFront API references, action by property).
    const needed = [...stack.resources.values()].flatMap((r): { action: string; resource: string }[] => {
      const p = r.properties as Record<string, any>;
      switch (r.type) {
        case 'AWS::S3::Bucket':
          return [
            's3:CreateBucket',
            's3:PutBucketPublicAccessBlock',
            's3:PutBucketOwnershipControls',
            's3:PutEncryptionConfiguration',
            's3:PutBucketCORS',
            's3:PutLifecycleConfiguration',
            's3:PutBucketNotification',
          ].map((action) => ({ action, resource: `arn:aws:s3:::${String(p.BucketName)}` }));
        case 'AWS::S3::BucketPolicy':
          return ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'].map((action) => ({ action, resource: `arn:aws:s3:::${String(p.Bucket)}` }));
        case 'AWS::CloudFront::Distribution':
          return ['cloudfront:CreateDistribution', 'cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution'].map((action) => ({
            action,
            resource: cloudFront(`distribution/${r.physicalId}`),
          }));
        case 'AWS::CloudFront::OriginAccessControl':
          return [{ action: 'cloudfront:CreateOriginAccessControl', resource: cloudFront(`origin-access-control/${r.physicalId}`) }];
        case 'AWS::CloudFront::CachePolicy':
          return [{ action: 'cloudfront:CreateCachePolicy', resource: cloudFront(`cache-policy/${r.physicalId}`) }];
        default:
          return [];
      }
    });
    const types = new Set([...stack.resources.values()].map((r) => r.type));
    expect([...types]).toEqual(
      expect.arrayContaining([
        'AWS::S3::Bucket',
        'AWS::S3::BucketPolicy',
        'AWS::CloudFront::Distribution',
        'AWS::CloudFront::OriginAccessControl',
        'AWS::CloudFront::CachePolicy',
      ]),
    );
    const policy = deployerPolicy({ stackName: 'authstack', region: REGION, accountId: ACCOUNT });
    expect(needed.filter((n) => !isAllowed(policy, n.action, n.resource)).map((n) => `${n.action} on ${n.resource}`)).toEqual([]);
    // Another stack's bucket stays out of reach.
    expect(isAllowed(policy, 's3:PutBucketPolicy', 'arn:aws:s3:::other-pictures-bucket')).toBe(false);
  });

  it('would catch a call the policy does not allow, and names nothing of another stack', () => {
    const policy = deployerPolicy({ stackName: 'authstack', region: REGION, accountId: ACCOUNT });
    expect(refused(policy, [{ service: 'lambda', operation: 'InvokeFunction', input: { FunctionName: 'authstack-Function-1' } }])).toEqual([
      `lambda:InvokeFunction on arn:aws:lambda:${REGION}:${ACCOUNT}:function:authstack-Function-1`,
    ]);
    expect(refused(policy, [{ service: 'cloudformation', operation: 'DeleteStack', input: { StackName: 'someone-else' } }])).toHaveLength(1);
    expect(refused(policy, [{ service: 'lambda', operation: 'UpdateFunctionCode', input: { FunctionName: 'other-Function-1' } }])).toHaveLength(1);
  });

  it('prints the document on stdout (valid JSON even without --json) and what each statement is for on stderr', async () => {
    w = await deployWorld();
    const r = await w.run(['iam-policy', '--region', 'eu-west-1', '--account-id', ACCOUNT]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as PolicyDocument;
    expect(doc).toEqual(deployerPolicy({ stackName: 'authstack', region: 'eu-west-1', accountId: ACCOUNT }));
    expect(doc.Statement.find((s) => s.Sid === 'Stack')!.Resource).toEqual([`arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/authstack/*`]);
    expect(r.stderr).toContain('IAM policy for authstack on stack authstack in eu-west-1');
    expect(w.aws.calls).toEqual([]);
    const bad = await w.run(['iam-policy', '--account-id', '12']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('error: --account-id must be a 12-digit AWS account id, got "12".');
  });
});
