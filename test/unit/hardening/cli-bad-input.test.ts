import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsFactory } from '../../../src/core/aws.js';
import { sessionKey } from '../../../src/core/sessions.js';
import type { Target } from '../../../src/core/targets.js';
import { freePort } from '../../helpers/e2e.js';
import { hasStackTrace } from '../../helpers/lambda-events.js';
import { runCli, tempDir, type CliResult } from '../../helpers/run-cli.js';

/**
 * The CLI's answer to bad input and broken surroundings, one row per case: the exit code and a fragment of the one
 * error line. Every row also checks what holds for all of them: exactly one line on stderr (warnings aside) or one
 * JSON document, no stack trace, no secret in the output, and every file named in `keep` left byte-for-byte as it was.
 */

const PASSWORD = 'Corr3ct-Horse-Battery!';
const ACCESS = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLWFjY2Vzcw';
const REFRESH = 'refresh-token-opaque-9f8e7d6c5b4a';
const SECRETS = [PASSWORD, ACCESS, REFRESH];

const TARGET: Target = {
  name: 'prod',
  kind: 'aws',
  apiUrl: 'http://api.invalid',
  region: 'us-east-1',
  userPoolId: 'us-east-1_Pool1',
  clientId: 'client1',
};

/** SDK-shaped errors, as the Cognito client throws them. */
function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });
}

type CognitoBehaviour = (command: { constructor: { name: string }; input: unknown }) => Promise<unknown>;

/** An AWS factory whose Cognito client runs `behaviour`; every other service fails the test if touched. */
function fakeAws(behaviour: CognitoBehaviour): AwsFactory {
  const untouchable = () => Promise.reject(new Error('this test must not reach this AWS service'));
  const factory: AwsFactory = {
    settings: { env: {} },
    cognito: async () => ({ send: (command: never) => behaviour(command) }) as never,
    cloudformation: untouchable,
    lambda: untouchable,
    acm: untouchable,
    route53: untouchable,
    logs: untouchable,
    s3: untouchable,
    sts: untouchable,
    resolveRegion: async () => 'us-east-1',
    withRegion: () => factory,
  } as AwsFactory;
  return factory;
}

const signedIn: CognitoBehaviour = async (cmd) => {
  if (cmd.constructor.name === 'InitiateAuthCommand') return { AuthenticationResult: { AccessToken: ACCESS, RefreshToken: REFRESH, ExpiresIn: 3600 } };
  return {};
};

/** A fetch that answers like the API would; `routes` maps "METHOD /path" to a status and a body. */
function fakeApi(routes: Record<string, [number, unknown, string?]>): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const key = `${init?.method ?? 'GET'} ${url.pathname}`;
    const [status, body, type] = routes[key] ?? [404, { error: { code: 'NotFound', message: 'No such route.' } }];
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { 'content-type': type ?? 'application/json' } });
  }) as typeof fetch;
}

interface Setup {
  dir: string;
  configDir: string;
  write(rel: string, text: string): Promise<void>;
  targets(targets?: Target[]): Promise<void>;
  session(session: Record<string, unknown>, target?: Target): Promise<void>;
}

interface Row {
  name: string;
  argv: string[];
  code: number;
  /** A fragment of the error line (or of the JSON error's message). */
  message: string | RegExp;
  setup?: (s: Setup) => Promise<void>;
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Cognito's behaviour; default: any call fails the test. */
  cognito?: CognitoBehaviour;
  /** Use the real AWS factory (for rows that point Cognito at a closed loopback port). */
  realAws?: boolean;
  /** Use the real fetch (for rows that point the API at a closed loopback port). */
  realFetch?: boolean;
  /** Files (relative to the folder) that must be exactly as the setup left them. */
  keep?: string[];
}

const healthy = fakeApi({ 'GET /app/health': [200, { status: 'healthy', version: '1' }] });
const withTarget =
  (t: Target = TARGET) =>
  async (s: Setup) =>
    s.targets([t]);
const TOKENS = 'config/sessions.json';
const TARGETS = '.authstack/targets.json';
const CORRUPT_TOKENS = `{"version":1,"sessions":{"k":{"username":"ada@example.com","accessToken":"${ACCESS.slice(0, 20)}`;

/** Ports that are closed: found free, then left unbound. */
let closedPort: number;
/** A port that accepts connections and never answers. */
let hungPort: number;
let hung: Server;
const hungSockets = new Set<Socket>();
beforeAll(async () => {
  hung = createServer((socket) => {
    hungSockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungPort = (hung.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of hungSockets) s.destroy();
  await new Promise<void>((resolve) => hung.close(() => resolve()));
});

const USAGE: Row[] = [
  { name: 'an unknown flag', argv: ['health', '--frobnicate'], code: 2, message: "Unknown option '--frobnicate'" },
  { name: 'an unknown command', argv: ['sigup', 'ada@example.com'], code: 2, message: /Unknown command 'sigup'.*signup/ },
  { name: 'a missing argument', argv: ['validate'], code: 2, message: "Missing required argument 'email'" },
  { name: 'a flag without its value', argv: ['health', '--api-url'], code: 2, message: "'--api-url <url>' argument missing" },
  { name: 'too many arguments', argv: ['login', 'ada@example.com', 'extra'], code: 2, message: /too many arguments/i },
  { name: 'an API URL that is not a URL', argv: ['health', '--api-url', 'not a url'], code: 2, message: '--api-url must be a URL' },
  { name: 'a file: URL', argv: ['health', '--api-url', 'file:///etc/passwd'], code: 2, message: '--api-url must be an http(s) URL' },
  { name: 'a non-numeric --wait', argv: ['health', '--wait', 'soon'], code: 2, message: '--wait must be a whole number' },
  { name: 'a port out of range', argv: ['dev', '--port', '70000'], code: 2, message: '--port must be between 0 and 65535' },
  { name: 'a stack name CloudFormation refuses', argv: ['--stack', '1-bad', 'health'], code: 2, message: '--stack must start with a letter' },
  { name: 'a malformed region', argv: ['--region', 'us-east1', 'health'], code: 2, message: '--region must be an AWS region' },
  { name: 'an invalid email', argv: ['signup', 'not-an-email', '--password-stdin'], stdin: PASSWORD, code: 2, message: 'not a valid email address' },
  {
    name: 'an email with CR/LF and an escape sequence',
    argv: ['signup', 'ada@example.com\r\n\u001b[2Jx', '--password-stdin'],
    stdin: PASSWORD,
    code: 2,
    message: 'ada@example.com\\r\\n\\u001b[2Jx',
  },
  {
    name: 'both password flags',
    argv: ['signup', 'ada@example.com', '--password', PASSWORD, '--password-stdin'],
    setup: withTarget(),
    code: 2,
    message: 'either --password or --password-stdin',
  },
  { name: 'no password and no terminal', argv: ['signup', 'ada@example.com'], setup: withTarget(), code: 2, message: 'No password given' },
  {
    name: 'an empty password on stdin',
    argv: ['login', 'ada@example.com', '--password-stdin'],
    stdin: '\n',
    setup: withTarget(),
    code: 2,
    message: 'The password is empty',
  },
  {
    name: 'a code with --resend',
    argv: ['validate', 'ada@example.com', '123456', '--resend'],
    setup: withTarget(),
    code: 2,
    message: '--resend takes no code',
  },
  {
    name: 'a confirmation code with a space (not echoed)',
    argv: ['validate', 'ada@example.com', '918 273'],
    setup: withTarget(),
    code: 2,
    message: 'confirmation code must be one word',
  },
  { name: 'no target recorded and no flags', argv: ['health'], code: 2, message: /No target.*authstack dev/ },
  {
    name: 'an unknown --target',
    argv: ['--target', 'staging', 'health'],
    setup: withTarget(),
    code: 2,
    message: /No target named "staging".*Known targets: prod/,
  },
  {
    name: 'no region for Cognito',
    argv: ['login', 'ada@example.com', '--password-stdin', '--user-pool-client-id', 'c1'],
    stdin: PASSWORD,
    code: 2,
    message: 'No AWS region for Cognito',
  },
];

const FILES: Row[] = [
  {
    name: 'a truncated target file',
    argv: ['health'],
    setup: (s) => s.write(TARGETS, '{"current":"prod","targets":{"prod":{"na'),
    code: 2,
    message: /target file .*targets\.json is corrupt.*left as it is/,
    keep: [TARGETS],
  },
  {
    name: 'a target file of the wrong shape',
    argv: ['health'],
    setup: (s) => s.write(TARGETS, '{"targets":{"prod":{"name":"prod","kind":"gcp"}}}'),
    code: 2,
    message: 'is corrupt',
    keep: [TARGETS],
  },
  {
    name: 'a target file that is a folder',
    argv: ['health'],
    setup: async (s) => {
      await mkdir(join(s.dir, TARGETS), { recursive: true });
    },
    code: 1,
    message: /Could not read .*targets\.json/,
  },
  {
    name: 'a state folder that is a file',
    argv: ['health'],
    setup: (s) => s.write('.authstack', 'not a folder'),
    code: 1,
    message: /Could not read .*a parent is not a folder/,
    keep: ['.authstack'],
  },
  {
    name: 'a truncated authstack.config.json',
    argv: ['deploy', '--yes'],
    setup: (s) => s.write('authstack.config.json', '{"stackName":"prod","region":"us-'),
    code: 2,
    message: /deploy configuration .*authstack\.config\.json is corrupt/,
    keep: ['authstack.config.json'],
  },
  {
    name: 'an authstack.config.json of the wrong shape',
    argv: ['deploy', '--yes'],
    setup: (s) => s.write('authstack.config.json', '{"stackName":42,"logRetentionInDays":"forever"}'),
    code: 2,
    message: /authstack\.config\.json: "stackName": 42 is not a valid stack name.*; "logRetentionInDays" must be one of 1, 3, 5, 7/,
    keep: ['authstack.config.json'],
  },
  {
    name: 'a truncated token store, read by profile',
    argv: ['profile'],
    setup: async (s) => {
      await s.targets([TARGET]);
      await s.write(TOKENS, CORRUPT_TOKENS);
    },
    code: 2,
    message: /token store .*sessions\.json is corrupt/,
    keep: [TOKENS],
  },
  {
    name: 'a truncated token store, written by login',
    argv: ['login', 'ada@example.com', '--password-stdin'],
    stdin: PASSWORD,
    cognito: signedIn,
    setup: async (s) => {
      await s.targets([TARGET]);
      await s.write(TOKENS, CORRUPT_TOKENS);
    },
    code: 2,
    message: 'is corrupt',
    keep: [TOKENS],
  },
  {
    name: 'a truncated token store, at logout (not deleted)',
    argv: ['logout', '--local'],
    setup: async (s) => {
      await s.targets([TARGET]);
      await s.write(TOKENS, CORRUPT_TOKENS);
    },
    code: 2,
    message: 'is corrupt',
    keep: [TOKENS],
  },
  {
    name: 'a token store of the wrong shape',
    argv: ['token', '--json'],
    setup: async (s) => {
      await s.targets([TARGET]);
      await s.write(TOKENS, JSON.stringify({ version: 1, sessions: [ACCESS] }));
    },
    code: 2,
    message: 'is corrupt',
    keep: [TOKENS],
  },
  {
    name: 'a token store from a future version',
    argv: ['token'],
    setup: async (s) => {
      await s.targets([TARGET]);
      await s.write(TOKENS, JSON.stringify({ version: 2, sessions: {} }));
    },
    code: 2,
    message: 'is corrupt',
    keep: [TOKENS],
  },
  {
    name: 'an unwritable config folder',
    argv: ['login', 'ada@example.com', '--password-stdin'],
    stdin: PASSWORD,
    cognito: signedIn,
    env: { AUTHSTACK_CONFIG_DIR: 'blocker/authstack' },
    setup: async (s) => {
      await s.targets([TARGET]);
      await s.write('blocker', 'a file where the config folder should be');
    },
    code: 1,
    message: /Could not (read|create the folder) .*blocker.*a parent is not a folder/,
    keep: ['blocker'],
  },
];

const NETWORK: Row[] = [
  {
    name: 'an API on a closed port',
    argv: ['health', '--api-url', 'http://127.0.0.1:{closed}'],
    realFetch: true,
    code: 1,
    message: /Cannot reach http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
  },
  {
    name: 'an API on a port fetch refuses',
    argv: ['health', '--api-url', 'http://127.0.0.1:1'],
    realFetch: true,
    code: 1,
    message: 'fetch refuses to connect to this port',
  },
  {
    name: 'an API that answers an HTML 502',
    argv: ['health', '--api-url', 'http://api.invalid'],
    fetch: fakeApi({ 'GET /app/health': [502, '<html>Bad Gateway</html>', 'text/html'] }),
    code: 1,
    message: 'Unhealthy: HTTP 502',
  },
  {
    name: 'an API that answers 200 with something else',
    argv: ['health', '--api-url', 'http://api.invalid'],
    fetch: fakeApi({ 'GET /app/health': [200, 'OK', 'text/plain'] }),
    code: 1,
    message: 'Unhealthy: HTTP 200',
  },
  {
    name: 'a Cognito endpoint on a closed port',
    argv: [
      'login',
      'ada@example.com',
      '--password-stdin',
      '--user-pool-client-id',
      'c1',
      '--region',
      'us-east-1',
      '--cognito-endpoint',
      'http://127.0.0.1:{closed}',
    ],
    stdin: PASSWORD,
    realAws: true,
    code: 1,
    message: /Cannot reach Cognito \(ECONNREFUSED\)/,
  },
  {
    name: 'a Cognito that accepts the connection and never answers',
    argv: [
      'login',
      'ada@example.com',
      '--password-stdin',
      '--user-pool-client-id',
      'c1',
      '--region',
      'us-east-1',
      '--cognito-endpoint',
      'http://127.0.0.1:{hung}',
    ],
    stdin: PASSWORD,
    env: { AUTHSTACK_COGNITO_TIMEOUT: '0.5' },
    realAws: true,
    code: 1,
    message: /Cognito did not answer within 0\.5 s.*authstack dev/,
  },
  {
    name: 'a region that does not exist',
    argv: ['--region', 'xx-nowhere-9', 'login', 'ada@example.com', '--password-stdin', '--user-pool-client-id', 'c1'],
    stdin: PASSWORD,
    cognito: async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND cognito-idp.xx-nowhere-9.amazonaws.com'), { code: 'ENOTFOUND', $metadata: {} });
    },
    code: 1,
    message: /Cannot reach Cognito \(ENOTFOUND\).*--region/,
  },
  {
    name: 'Cognito throttling the login',
    argv: ['login', 'ada@example.com', '--password-stdin'],
    stdin: PASSWORD,
    setup: withTarget(),
    cognito: async () => {
      throw sdkError('TooManyRequestsException', 'Too many requests');
    },
    code: 1,
    message: /throttling.*try again/i,
  },
  {
    name: "no AWS credentials for the smoke test's admin calls",
    argv: [
      'smoke',
      '--api-url',
      'http://api.invalid',
      '--user-pool-client-id',
      'c1',
      '--user-pool-id',
      'us-east-1_Pool1',
      '--region',
      'us-east-1',
      '--email',
      'ci+{id}@example.com',
    ],
    fetch: fakeApi({ 'GET /app/health': [200, { status: 'healthy' }], 'POST /user': [201, { userSub: 's', userConfirmed: false }] }),
    cognito: async (cmd) => {
      if (cmd.constructor.name.startsWith('Admin')) throw sdkError('CredentialsProviderError', 'Could not load credentials from any providers');
      return {};
    },
    code: 1,
    message: /Smoke failed at step "confirm": No AWS credentials found\. Set AWS_PROFILE/,
  },
];

const AUTH: Row[] = [
  { name: 'no session', argv: ['profile'], setup: withTarget(), fetch: healthy, code: 1, message: /Not logged in to prod.*authstack login/ },
  {
    name: 'an expired session without a refresh token',
    argv: ['profile'],
    setup: (s) => s.session({ username: 'ada@example.com', accessToken: ACCESS, expiresAt: 1 }),
    code: 1,
    message: /session has expired.*authstack login ada@example.com/,
    keep: [TOKENS],
  },
  {
    name: 'an expired session whose refresh token was revoked',
    argv: ['token'],
    setup: (s) => s.session({ username: 'ada@example.com', accessToken: ACCESS, refreshToken: REFRESH, expiresAt: 1 }),
    cognito: async () => {
      throw sdkError('NotAuthorizedException', 'Refresh Token has been revoked');
    },
    code: 1,
    message: /expired or was signed out.*authstack login/,
    keep: [TOKENS],
  },
  {
    name: 'a token the API refuses and a refused refresh',
    argv: ['profile'],
    setup: (s) => s.session({ username: 'ada@example.com', accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + 3_600_000 }),
    fetch: fakeApi({ 'GET /user/profile': [401, { error: { code: 'InvalidToken', message: 'The access token is invalid.' } }] }),
    cognito: async () => {
      throw sdkError('NotAuthorizedException', 'Refresh Token has been revoked');
    },
    code: 1,
    message: 'expired or was signed out',
    keep: [TOKENS],
  },
  {
    name: 'a wrong password',
    argv: ['login', 'ada@example.com', '--password-stdin'],
    stdin: PASSWORD,
    setup: withTarget(),
    cognito: async () => {
      throw sdkError('NotAuthorizedException', 'Incorrect username or password.');
    },
    code: 1,
    message: 'Cognito refused: Incorrect username or password.',
  },
  {
    name: 'an unconfirmed user',
    argv: ['login', 'ada@example.com', '--password-stdin'],
    stdin: PASSWORD,
    setup: withTarget(),
    cognito: async () => {
      throw sdkError('UserNotConfirmedException', 'User is not confirmed.');
    },
    code: 1,
    message: 'authstack validate ada@example.com',
  },
  {
    name: 'a corrupt token store in --json mode',
    argv: ['profile', '--json'],
    setup: async (s) => {
      await s.targets([TARGET]);
      await s.write(TOKENS, '\u0000\u0001garbage');
    },
    code: 2,
    message: 'is corrupt',
    keep: [TOKENS],
  },
];

const CLI_BAD_INPUTS: Row[] = [...USAGE, ...FILES, ...NETWORK, ...AUTH];

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir('authstack-hardening-');
  closedPort = await freePort();
});
afterEach(async () => tmp.cleanup());

function setupFor(dir: string): Setup {
  const configDir = join(dir, 'config');
  const s: Setup = {
    dir,
    configDir,
    async write(rel, text) {
      await mkdir(join(dir, rel, '..'), { recursive: true });
      await writeFile(join(dir, rel), text);
    },
    async targets(targets = [TARGET]) {
      await s.write(TARGETS, JSON.stringify({ current: targets[0]!.name, targets: Object.fromEntries(targets.map((t) => [t.name, t])) }));
    },
    async session(session, target = TARGET) {
      await s.targets([target]);
      await s.write(TOKENS, JSON.stringify({ version: 1, sessions: { [sessionKey(target)]: session } }));
    },
  };
  return s;
}

/**
 * What the user sees: stderr without warnings and progress, and the JSON error when there is one. A "waiting for"
 * line is progress the CLI prints when a call takes over a second, which on a loaded machine even a refused
 * connection can.
 */
function errorText(r: CliResult, json: boolean): string {
  if (json) return r.json<{ error: { message: string } }>().error.message;
  const lines = r.stderr
    .split('\n')
    .filter(
      (l) =>
        l &&
        !l.startsWith('warning: ') &&
        !l.startsWith('target: ') &&
        !/^\s+[✔✘-] /.test(l) &&
        !l.startsWith('Smoke testing') &&
        !/^(still )?waiting for /.test(l),
    );
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

describe('the CLI turns bad input and broken surroundings into one clear line', () => {
  it('covers at least 40 bad inputs', () => {
    expect(CLI_BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CLI_BAD_INPUTS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const s = setupFor(tmp.dir);
    await row.setup?.(s);
    const kept = new Map<string, Buffer>();
    for (const rel of row.keep ?? []) kept.set(rel, await readFile(join(tmp.dir, rel)));
    const calls: string[] = [];
    const behaviour =
      row.cognito ??
      (async (cmd) => {
        throw new Error(`unexpected Cognito call ${cmd.constructor.name}`);
      });
    const argv = row.argv.map((a) => a.replace('{closed}', String(closedPort)).replace('{hung}', String(hungPort)));
    const env = { ...row.env, ...(row.env?.AUTHSTACK_CONFIG_DIR ? { AUTHSTACK_CONFIG_DIR: join(tmp.dir, row.env.AUTHSTACK_CONFIG_DIR) } : {}) };
    const r = await runCli(argv, {
      cwd: tmp.dir,
      env,
      stdin: row.stdin,
      fetch:
        row.fetch ??
        (row.realFetch
          ? globalThis.fetch
          : async (url) => {
              throw new Error(`unexpected fetch ${String(url)}`);
            }),
      ...(row.realAws
        ? {}
        : {
            aws: fakeAws(async (cmd) => {
              calls.push(cmd.constructor.name);
              return behaviour(cmd);
            }),
          }),
    });
    const json = argv.includes('--json');
    expect(r.code, r.stderr).toBe(row.code);
    const text = errorText(r, json);
    if (typeof row.message === 'string') expect(text).toContain(row.message);
    else expect(text).toMatch(row.message);
    const all = r.stdout + r.stderr;
    expect(all).not.toContain('\n    at ');
    expect(hasStackTrace(all)).toBe(false);
    expect(all).not.toMatch(/Unexpected error|This is a bug/);
    if (!json) expect(r.stdout).toBe('');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    if (row.argv.includes('918 273')) expect(all).not.toContain('918 273');
    for (const [rel, before] of kept) expect((await readFile(join(tmp.dir, rel))).equals(before), `${rel} was changed`).toBe(true);
  });
});
