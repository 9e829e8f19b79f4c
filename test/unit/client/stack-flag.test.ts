import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsFactory, CognitoClientOptions } from '../../../src/core/aws.js';
import { ProjectState, type Target } from '../../../src/core/targets.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

/**
 * `--stack <name>` is a global flag: every command that talks to a target uses the target recorded for that stack
 * (never the current one, which may be the local stack), says on stderr which target it used, and refuses a stack it
 * knows nothing of, or a --target naming another one, with a usage error.
 */
const LOCAL: Target = {
  name: 'local',
  kind: 'local',
  apiUrl: 'http://127.0.0.1:1',
  region: 'us-east-1',
  userPoolId: 'local_pool',
  clientId: 'local-client',
  cognitoEndpoint: 'http://127.0.0.1:2',
  localDataDir: '/nowhere',
};
const STACK: Target = {
  name: 'my-api',
  kind: 'aws',
  apiUrl: 'http://my-api.test',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_Pool',
  clientId: 'stack-client',
  stackName: 'my-api',
};

let tmp: Awaited<ReturnType<typeof tempDir>>;
let fetched: string[];
let cognito: CognitoClientOptions[];

beforeEach(async () => {
  tmp = await tempDir();
  const state = new ProjectState(tmp.dir);
  await state.saveTarget(STACK);
  // The local stack was recorded last: the current target, which --stack must not fall back to.
  await state.saveTarget(LOCAL);
  fetched = [];
  cognito = [];
});
afterEach(async () => tmp.cleanup());

const fetchRecorder = (async (url: string | URL) => {
  fetched.push(String(url));
  return new Response(JSON.stringify({ status: 'healthy' }), { status: 200, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

function awsRecorder(): AwsFactory {
  const refuse = () => Promise.reject(new Error('not this service'));
  const factory = {
    settings: { env: {} },
    cognito: async (options: CognitoClientOptions) => {
      cognito.push(options);
      return {
        send: async () =>
          Promise.reject(Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException', $metadata: { httpStatusCode: 400 } })),
      };
    },
    cloudformation: refuse,
    lambda: refuse,
    acm: refuse,
    route53: refuse,
    logs: refuse,
    resolveRegion: async () => 'eu-west-1',
    withRegion: () => factory,
  };
  return factory as unknown as AwsFactory;
}

const run = (argv: string[], stdin?: string) => runCli(argv, { cwd: tmp.dir, fetch: fetchRecorder, aws: awsRecorder(), stdin });

// Every command that talks to a target: what it is run with, and whether it reaches the API or Cognito.
const COMMANDS: { argv: string[]; stdin?: string; reaches: 'api' | 'cognito' | 'session' }[] = [
  { argv: ['health'], reaches: 'api' },
  { argv: ['signup', 'ada@example.com', '--password-stdin'], stdin: 'Str0ng-pass!', reaches: 'api' },
  { argv: ['validate', 'ada@example.com', '123456'], reaches: 'api' },
  { argv: ['smoke', '--email', 'ci+{id}@example.com'], reaches: 'api' },
  { argv: ['login', 'ada@example.com', '--password-stdin'], stdin: 'Str0ng-pass!', reaches: 'cognito' },
  { argv: ['password', 'forgot', 'ada@example.com'], reaches: 'cognito' },
  { argv: ['users', 'list'], reaches: 'cognito' },
  { argv: ['users', 'show', 'ada@example.com'], reaches: 'cognito' },
  { argv: ['whoami'], reaches: 'session' },
  { argv: ['profile'], reaches: 'session' },
  { argv: ['token'], reaches: 'session' },
  { argv: ['logout'], reaches: 'session' },
];

describe('--stack on the commands that talk to a target', () => {
  for (const { argv, stdin, reaches } of COMMANDS) {
    it(`${argv.slice(0, 2).join(' ')} --stack my-api uses the stack's target, not the current local one, and says so`, async () => {
      const r = await run([...argv, '--stack', 'my-api'], stdin);
      expect(r.stderr, r.stderr).toContain('target: my-api (stack my-api, http://my-api.test)');
      expect(r.stderr).not.toContain('target: local');
      expect(
        fetched.every((u) => u.startsWith('http://my-api.test/')),
        fetched.join(' '),
      ).toBe(true);
      expect(
        cognito.every((o) => o.region === 'eu-west-1' && !o.local && o.endpoint === undefined),
        JSON.stringify(cognito),
      ).toBe(true);
      if (reaches === 'api') expect(fetched.length).toBeGreaterThan(0);
      if (reaches === 'cognito') expect(cognito.length).toBeGreaterThan(0);
      // No session was ever saved for that stack: the session commands say so for it, not for the local one.
      if (reaches === 'session') expect(r.stderr).toMatch(/my-api|Not logged in|login/);
    });
  }

  it('without --stack the current target is used, and named', async () => {
    const r = await run(['health']);
    expect(r.stderr).toContain('target: local (authstack dev, http://127.0.0.1:1)');
    expect(fetched).toEqual(['http://127.0.0.1:1/app/health']);
  });

  it('a stack with no recorded target is a usage error naming it and how to get one (exit 2), nothing is called', async () => {
    const r = await run(['health', '--stack', 'other']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'error: No target for the stack other: it was not deployed from this project. Deploy it with "authstack deploy --stack other", or point at it with --api-url and --user-pool-client-id (known targets: my-api, local).',
    );
    expect(fetched).toEqual([]);
  });

  it('--stack and --target naming different targets is a usage error (exit 2)', async () => {
    const r = await run(['health', '--stack', 'my-api', '--target', 'local']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--target local and --stack my-api name different targets');
    expect(fetched).toEqual([]);
  });

  it('--json keeps stdout one document; the target line goes to stderr', async () => {
    const r = await runCli(['health', '--stack', 'my-api', '--json'], { cwd: tmp.dir, fetch: fetchRecorder });
    expect(r.json().healthy).toBe(true);
    expect(r.stderr).toContain('target: my-api');
  });
});

describe('--stack where it makes no sense', () => {
  it('dev refuses it with a usage error (exit 2), before starting anything', async () => {
    const r = await runCli(['dev', '--stack', 'my-api'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: authstack dev runs the local stack; --stack names a deployed one. Run authstack dev without --stack.');
  });
});
