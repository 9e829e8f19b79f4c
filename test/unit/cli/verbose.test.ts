import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';
import { deployWorld, type DeployWorld } from '../deploy/helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: Server;
let url = '';
let w: DeployWorld;

beforeAll(async () => {
  tmp = await tempDir();
  server = createServer((req, res) => {
    if (req.url === '/app/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy","version":"1"}');
    else res.writeHead(409, { 'content-type': 'application/json' }).end('{"error":{"code":"UsernameExists","message":"User already exists"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  w = await deployWorld();
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await tmp.cleanup();
  await w?.cleanup();
});

/** The --verbose call lines on stderr. */
const calls = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('→ '));

describe('--verbose shows every call a command makes', () => {
  it('HTTP calls: method, URL, status and time, on stderr, and the --json document on stdout stays one clean document', async () => {
    const health = await runCli(['health', '--api-url', url, '--verbose', '--json'], { cwd: tmp.dir });
    expect(health.code).toBe(0);
    expect(calls(health.stderr)).toEqual([expect.stringMatching(new RegExp(`^→ GET ${url}/app/health 200 \\(\\d+ ms\\)$`))]);
    expect(health.json()).toMatchObject({ healthy: true });
    expect(health.stdout).not.toContain('→');

    const signup = await runCli(['signup', 'ada@example.com', '--api-url', url, '--password-stdin', '--verbose'], { cwd: tmp.dir, stdin: 'Str0ng-pass!' });
    expect(signup.code).toBe(1);
    expect(calls(signup.stderr)).toEqual([expect.stringMatching(new RegExp(`^→ POST ${url}/user 409 \\(\\d+ ms\\)$`))]);
  });

  it('AWS calls: service, operation, status and time, for deploy, status and outputs, failures included', async () => {
    const deploy = await w.deploy(['--verbose']);
    expect(deploy.code, deploy.stderr).toBe(0);
    const deployCalls = calls(deploy.stderr);
    for (const op of ['CloudFormation DescribeStacks', 'CloudFormation CreateChangeSet', 'CloudFormation ExecuteChangeSet', 'S3 PutObject']) {
      expect(deployCalls, op).toContainEqual(expect.stringMatching(new RegExp(`^→ AWS ${op} 200 \\(\\d+ ms\\)$`)));
    }
    // The health check after the deploy is an HTTP call like any other.
    expect(deployCalls).toContainEqual(expect.stringMatching(/^→ GET https:\/\/\S+\/app\/health 200 \(\d+ ms\)$/));

    for (const command of ['status', 'outputs']) {
      const r = await w.run([command, '--verbose', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(calls(r.stderr), command).toContainEqual(expect.stringMatching(/^→ AWS CloudFormation DescribeStacks 200 \(\d+ ms\)$/));
      expect(r.stdout).not.toContain('→');
    }

    const missing = await w.run(['status', '--stack', 'nope', '--verbose']);
    expect(calls(missing.stderr)).toContainEqual(expect.stringMatching(/^→ AWS CloudFormation DescribeStacks ValidationError 400 \(\d+ ms\)$/));
  });

  it('without --verbose no call is shown', async () => {
    const r = await runCli(['health', '--api-url', url], { cwd: tmp.dir });
    expect(calls(r.stderr)).toEqual([]);
  });
});
