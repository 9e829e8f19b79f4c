import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';
import { ProjectState } from '../../../src/core/targets.js';
import type { AwsFactory } from '../../../src/core/aws.js';

/** status, outputs, logs and destroy when the current target is the local stack: no AWS, and no "No AWS region". */
let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: Server;
let apiUrl = '';
// Any AWS use fails the test: these commands must not reach for AWS on the local target.
const noAws = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('AWS used on the local target');
    },
  },
) as AwsFactory;

beforeAll(async () => {
  tmp = await tempDir();
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy","version":"local"}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await new ProjectState(tmp.dir).saveTarget({
    name: 'local',
    kind: 'local',
    apiUrl,
    region: 'us-east-1',
    userPoolId: 'local_pool1',
    clientId: 'client1',
    cognitoEndpoint: 'http://127.0.0.1:9229',
    localDataDir: join(tmp.dir, '.authstack', 'local'),
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await tmp.cleanup();
});

const run = (argv: string[]) => runCli(argv, { cwd: tmp.dir, aws: noAws });

describe('stack commands on the local target', () => {
  it('status shows the local stack and whether authstack dev answers', async () => {
    const r = await run(['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({
      target: 'local',
      kind: 'local',
      apiUrl,
      userPoolId: 'local_pool1',
      clientId: 'client1',
      running: true,
      health: { healthy: true },
    });
    const human = await run(['status']);
    expect(human.stdout).toMatch(/Target\s+local \(authstack dev\)/);
    expect(human.stdout).toMatch(/Health\s+healthy/);
  });

  it('status of a local stack that is not running says so and how to start it (exit 1)', async () => {
    const other = await tempDir();
    try {
      // A port nothing listens on any more: where a stopped authstack dev was.
      const gone = createServer();
      await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
      const stopped = `http://127.0.0.1:${(gone.address() as { port: number }).port}`;
      await new Promise((r) => gone.close(r));
      await new ProjectState(other.dir).saveTarget({ name: 'local', kind: 'local', apiUrl: stopped, region: 'us-east-1', userPoolId: 'p', clientId: 'c' });
      const r = await runCli(['status'], { cwd: other.dir, aws: noAws });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Health\s+not running \(connection refused\)/);
      expect(r.stderr.trim()).toBe(`error: The local stack is not running: connection refused at ${stopped}/app/health. Start it with "authstack dev".`);
    } finally {
      await other.cleanup();
    }
  });

  it("outputs prints the local stack's values under the names a deployed stack's outputs have", async () => {
    const r = await run(['outputs', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({
      ApiUrl: apiUrl,
      UserPoolId: 'local_pool1',
      UserPoolClientId: 'client1',
      Region: 'us-east-1',
      CognitoEndpoint: 'http://127.0.0.1:9229',
      DataDir: join(tmp.dir, '.authstack', 'local'),
    });
  });

  it('logs and destroy say they are for deployed stacks and what the local stack does instead (exit 2)', async () => {
    const logs = await run(['logs']);
    expect(logs.code).toBe(2);
    expect(logs.stderr.trim()).toBe(
      "error: authstack logs reads a deployed stack's CloudWatch Logs; the current target is the local stack (authstack dev). The local stack logs each request in the terminal running authstack dev, or name a deployed stack with --stack <name>.",
    );
    const destroy = await run(['destroy', '--yes']);
    expect(destroy.code).toBe(2);
    expect(destroy.stderr).toContain('error: authstack destroy deletes a deployed stack; the current target is the local stack (authstack dev).');
    expect(destroy.stderr).toContain('start it with --reset for a fresh user pool');
    for (const r of [logs, destroy]) expect(r.stderr).not.toContain('No AWS region');
  });
});
