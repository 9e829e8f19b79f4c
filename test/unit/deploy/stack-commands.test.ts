import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const poolOf = () => w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId;

describe('authstack destroy', () => {
  it('deletes the stack, keeps the user pool and prints its id', async () => {
    w = await deployWorld({ usersPerPool: 3 });
    await w.deploy();
    const pool = poolOf();
    const r = await w.run(['destroy', '--yes', '--poll-interval', '1ms']);
    expect(r.code).toBe(0);
    expect(w.aws.cfn.get('authstack')).toBeUndefined();
    expect(w.aws.pools.has(pool)).toBe(true);
    expect(r.stderr).toContain(`The user pool ${pool} was kept, with its users`);
    expect(r.stdout).toContain(`The user pool ${pool} was kept.`);
    expect(r.stderr).toMatch(/DELETE_SKIPPED\s+UserPool/);
  });

  it('never deletes the artifact bucket or the code in it, and says so; the user pool stays too; a later deploy reuses the bucket', async () => {
    w = await deployWorld({ usersPerPool: 1 });
    await w.deploy([], { code: 'code v1' });
    const pool = poolOf();
    const bucket = 'authstack-assets-123456789012-us-east-1';
    const objects = [...w.aws.s3.buckets.get(bucket)!.objects.keys()];
    const r = await w.run(['destroy', '--yes', '--poll-interval', '1ms']);
    expect(r.code, r.stderr).toBe(0);
    expect(w.aws.cfn.get('authstack')).toBeUndefined();
    expect([...w.aws.s3.buckets.get(bucket)!.objects.keys()]).toEqual(objects);
    expect(w.aws.calls.filter((c) => c.service === 's3' && /Delete/.test(c.operation))).toEqual([]);
    expect(w.aws.pools.has(pool)).toBe(true);
    expect(r.stderr).toContain(`The artifact bucket ${bucket} was kept`);
    const before = w.aws.calls.length;
    expect((await w.deploy([], { code: 'code v1' })).code).toBe(0);
    expect(
      w.aws.calls
        .slice(before)
        .filter((c) => c.service === 's3')
        .map((c) => c.operation),
    ).toEqual(['HeadBucket', 'HeadObject']);
  });

  it('asks before deleting, naming the kept pool, and deletes nothing when declined', async () => {
    w = await deployWorld();
    await w.deploy();
    const pool = poolOf();
    const r = await w.run(['destroy', '--poll-interval', '1ms'], {
      answers: { [`Delete stack authstack in us-east-1? The user pool ${pool} and its users are kept.`]: false },
    });
    expect(r.code).toBe(4);
    expect(w.aws.cfn.get('authstack')?.status).toBe('CREATE_COMPLETE');
  });

  it('refuses to delete without a terminal or --yes', async () => {
    w = await deployWorld();
    await w.deploy();
    const r = await w.run(['destroy']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('--yes');
    expect(w.aws.count('cloudformation', 'DeleteStack')).toBe(0);
  });

  it('with --delete-user-pool asks a second time naming the number of users, then deletes the pool despite its deletion protection', async () => {
    w = await deployWorld({ usersPerPool: 42 });
    await w.deploy();
    const pool = poolOf();
    expect(w.aws.pools.get(pool)!.deletionProtection).toBe('ACTIVE');
    const r = await w.run(['destroy', '--delete-user-pool', '--poll-interval', '1ms'], {
      answers: { 'Delete stack authstack': true, [`Also delete the user pool ${pool} and the 42 users in it?`]: true },
    });
    expect(r.code).toBe(0);
    expect(w.aws.pools.has(pool)).toBe(false);
    expect(w.aws.calls.map((c) => c.operation)).toEqual(expect.arrayContaining(['DescribeUserPool', 'UpdateUserPool', 'DeleteUserPool']));
    expect(r.stderr).toContain(`Deleted the user pool ${pool} and the 42 users in it.`);
  });

  it('keeps everything when the second confirmation is declined', async () => {
    w = await deployWorld({ usersPerPool: 2 });
    await w.deploy();
    const pool = poolOf();
    const r = await w.run(['destroy', '--delete-user-pool', '--poll-interval', '1ms'], {
      answers: { 'Delete stack authstack': true, 'Also delete the user pool': false },
    });
    expect(r.code).toBe(4);
    expect(w.aws.cfn.get('authstack')).toBeDefined();
    expect(w.aws.pools.has(pool)).toBe(true);
  });

  it('deletes the pool in a script with --yes and --delete-user-pool', async () => {
    w = await deployWorld({ usersPerPool: 1 });
    await w.deploy();
    const pool = poolOf();
    const r = await w.run(['destroy', '--yes', '--delete-user-pool', '--json', '--poll-interval', '1ms']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ outcome: 'deleted', userPoolId: pool, users: 1, userPoolDeleted: true });
    expect(w.aws.pools.has(pool)).toBe(false);
  });

  it('reports a resource that fails to delete, with its reason', async () => {
    w = await deployWorld();
    await w.deploy();
    w.aws.cfn.failures.set('delete:FunctionRole', 'Cannot delete entity, must detach all policies first.');
    const r = await w.run(['destroy', '--yes', '--poll-interval', '1ms']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: Could not delete stack authstack (DELETE_FAILED): FunctionRole: Cannot delete entity, must detach all policies first.');
  });

  it('says there is nothing to delete when the stack does not exist', async () => {
    w = await deployWorld();
    const r = await w.run(['destroy', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('There is no stack authstack in us-east-1: nothing to delete.');
  });
});

describe('authstack status and outputs', () => {
  it('status reports the stack status, outputs, last code deploy and health', async () => {
    w = await deployWorld();
    await w.deploy([], { code: 'v1' });
    const r = await w.run(['status', '--json']);
    expect(r.code).toBe(0);
    const doc = r.json();
    const fn = w.aws.functions.get(doc.outputs.FunctionName)!;
    expect(doc).toMatchObject({ stackName: 'authstack', region: 'us-east-1', status: 'CREATE_COMPLETE', health: { healthy: true, status: 200 } });
    expect(doc.lastDeploy).toMatchObject({ codeSha256: fn.codeSha256, codeLastModified: fn.lastModified, lastUpdateStatus: 'Successful' });
    expect(doc.lastDeploy.fromThisMachine).toEqual(expect.any(String));
    expect(doc.outputs.UserPoolId).toBe(w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId);
  });

  it('status shows a pending certificate with the record it waits for', async () => {
    w = await deployWorld();
    w.aws.addZone({ id: 'Z0EXAMPLE', name: 'example.com', nameServers: ['ns-1.awsdns-01.org'] });
    await w.deploy(['--domain', 'api.example.com', '--skip-dns-check']);
    const arn = w.aws.cfn.get('authstack')!.resources.get('Certificate')!.physicalId;
    w.aws.certificates.get(arn)!.status = 'PENDING_VALIDATION';
    const r = await w.run(['status', '--no-health-check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Certificate\s+PENDING_VALIDATION\s+needs _3f1a\.api\.example\.com\. CNAME/);
  });

  it('status exits 1 when the API is unhealthy', async () => {
    w = await deployWorld();
    await w.deploy();
    const r = await w.run(['status'], { fetch: (async () => new Response('{"error":{}}', { status: 503 })) as typeof fetch });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The API is not healthy: HTTP 503');
  });

  it('outputs --json prints exactly the stack outputs', async () => {
    w = await deployWorld();
    await w.deploy();
    const r = await w.run(['outputs', '--json']);
    expect(r.code).toBe(0);
    expect(Object.keys(r.json()).sort()).toEqual([
      'ApiUrl',
      'AuthDomainUrl',
      'CallbackUrls',
      'FunctionName',
      'LogGroupName',
      'LogoutUrls',
      'OidcIssuer',
      'Region',
      'SignInUrl',
      'UserPoolClientId',
      'UserPoolId',
    ]);
    expect(r.json().Region).toBe('us-east-1');
  });

  it('outputs --format amplify for a deployed stack takes the ids and the password policy the stack was deployed with', async () => {
    w = await deployWorld();
    expect((await w.deploy(['--parameter', 'PasswordMinimumLength=14'])).code).toBe(0);
    const r = await w.run(['outputs', '--format', 'amplify']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(await readFile(join(w.dir, 'amplify_outputs.json'), 'utf8'));
    const stack = w.aws.cfn.get('authstack')!;
    expect(doc.auth).toMatchObject({
      user_pool_id: stack.resources.get('UserPool')!.physicalId,
      aws_region: 'us-east-1',
      password_policy: { min_length: 14, require_symbols: true },
      username_attributes: ['email'],
    });
    expect(doc.custom.API.authstack.endpoint).toMatch(/^https:\/\/.+\/prod$/);
  });

  it('outputs of a stack that does not exist is one clear error', async () => {
    w = await deployWorld();
    const r = await w.run(['outputs', '--stack', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: There is no stack nope in us-east-1. Deploy it with authstack deploy, or check --stack and --region.');
  });
});

describe('authstack logs', () => {
  const now = Date.now();
  const request = (path: string, status: number, at: number) => ({
    timestamp: at,
    message: `${JSON.stringify({ level: status >= 500 ? 'error' : 'info', msg: 'request', method: 'GET', path, status, latencyMs: 3, requestId: 'abcdef123456' })}\n`,
  });

  it('shows the request lines readably and hides START/END', async () => {
    w = await deployWorld();
    w.aws.putLogEvents('/aws/lambda/authstack-api', [
      { timestamp: now - 60_000, message: 'START RequestId: abc Version: $LATEST\n' },
      request('/app/health', 200, now - 59_000),
      request('/user/profile', 401, now - 58_000),
      { timestamp: now - 57_000, message: 'END RequestId: abc\n' },
      request('/old', 200, now - 3_600_000),
    ]);
    const r = await w.run(['logs', '--since', '10m']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/GET\s+\/app\/health\s+200\s+3 ms\s+abcdef12/);
    expect(lines[1]).toMatch(/\/user\/profile\s+401/);
  });

  it('--json prints the events with the parsed request fields', async () => {
    w = await deployWorld();
    w.aws.putLogEvents('/aws/lambda/authstack-api', [request('/app/health', 200, now - 1000)]);
    const r = await w.run(['logs', '--json']);
    expect(r.json().events[0].request).toMatchObject({ method: 'GET', path: '/app/health', status: 200, latencyMs: 3 });
  });

  it('--follow keeps printing new lines, each once, until Ctrl-C', async () => {
    w = await deployWorld();
    w.aws.putLogEvents('/aws/lambda/authstack-api', [request('/first', 200, now - 1000)]);
    const controller = new AbortController();
    let polls = 0;
    const handle = w.aws.handle.bind(w.aws);
    w.aws.handle = (service, operation, input) => {
      if (operation === 'FilterLogEvents' && ++polls === 3) w.aws.putLogEvents('/aws/lambda/authstack-api', [request('/second', 200, now)]);
      if (polls >= 5) controller.abort();
      return handle(service, operation, input);
    };
    const r = await w.run(['logs', '--follow', '--poll-interval', '1ms'], { signal: controller.signal });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/\/first/g)).toHaveLength(1);
    expect(r.stdout.match(/\/second/g)).toHaveLength(1);
  });

  it('explains a missing log group', async () => {
    w = await deployWorld();
    const r = await w.run(['logs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The log group /aws/lambda/authstack-api does not exist.');
  });
});
