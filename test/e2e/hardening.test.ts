import { createServer, type Server } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliProcess, freePort, startDev, startDevProcess, workspace, type DevProcess, type Run } from '../helpers/e2e.js';

/**
 * The built CLI against a real `authstack dev`: secrets never reach output (the CLI's, with --verbose, and the dev
 * process's, function logs included), and the local stack dying in the middle of a flow is a clear one-line error
 * that says to start `authstack dev`, with nothing lost.
 */
const PASSWORD = 'Hardening-Pa55word!';
const unique = (tag: string) => `${tag}+${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function waitFor<T>(probe: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function expectOneErrorLine(r: Run, fragment: RegExp): void {
  // The line naming the target the command used is information, not a second error.
  const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('warning: ') && !l.startsWith('target: '));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(fragment);
  expect(r.stdout + r.stderr).not.toContain('\n    at ');
}

describe('secrets never reach output, even with --verbose', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  let dev: DevProcess;
  const email = unique('secret');
  const outputs: Array<{ args: string[]; run: Run }> = [];
  const tokens = new Set<string>();
  let code = '';

  const run = async (args: string[], stdin?: string) => {
    const r = await cli([...args, '--verbose'], { cwd: ws.cwd, env: ws.env, stdin });
    outputs.push({ args, run: r });
    await collectTokens();
    return r;
  };
  const storePath = () => join(ws.cwd, 'config', 'sessions.json');
  async function collectTokens(): Promise<void> {
    let store: { sessions: Record<string, { accessToken: string; idToken?: string; refreshToken?: string }> };
    try {
      store = JSON.parse(await readFile(storePath(), 'utf8'));
    } catch {
      return;
    }
    for (const s of Object.values(store.sessions)) for (const t of [s.accessToken, s.idToken, s.refreshToken]) if (t) tokens.add(t);
  }

  beforeAll(async () => {
    ws = await workspace();
    dev = await startDev(ws, ['--verbose']);
  }, 30_000);
  afterAll(async () => {
    expect(await dev?.stop()).toBe(130);
    await ws?.cleanup();
  });

  it('runs the whole walkthrough, its failures included, with --verbose', async () => {
    expect((await run(['signup', email, '--password-stdin'], PASSWORD)).code).toBe(0);
    code = await waitFor(() => new RegExp(`code for ${escapeRegExp(email)}: (\\d{6})`).exec(dev.output())?.[1]);
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await run(['validate', email, wrong])).code).toBe(1);
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(1); // not confirmed yet
    expect((await run(['validate', email])).code).toBe(0);
    expect((await run(['login', email, '--password-stdin'], `${PASSWORD}x`)).code).toBe(1);
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(0);
    expect((await run(['profile'])).code).toBe(0);
    expect((await run(['profile', '--json'])).code).toBe(0);
    // Expire the access token: profile refreshes it, and the new tokens join the secrets to look for.
    const store = JSON.parse(await readFile(storePath(), 'utf8'));
    for (const s of Object.values(store.sessions) as Array<{ expiresAt: number }>) s.expiresAt = Date.now() - 1000;
    await writeFile(storePath(), JSON.stringify(store));
    expect((await run(['profile'])).code).toBe(0);
    expect((await run(['signup', email, '--password-stdin'], PASSWORD)).code).toBe(1); // exists already
    expect((await run(['logout'])).code).toBe(0);
    expect((await run(['profile'])).code).toBe(1);
    expect(tokens.size).toBeGreaterThanOrEqual(4);
    expect(code).toMatch(/^\d{6}$/);
  });

  it('no CLI output holds the password, the confirmation code or any token', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(12);
    for (const { args, run: r } of outputs) {
      const text = r.stdout + r.stderr;
      expect(text, `${args.join(' ')}: password`).not.toContain(PASSWORD);
      expect(text, `${args.join(' ')}: code`).not.toContain(code);
      for (const t of tokens) expect(text.includes(t), `${args.join(' ')}: a token`).toBe(false);
      for (const t of tokens) if (t.split('.').length === 3) expect(text.includes(t.split('.')[2]!), `${args.join(' ')}: a token signature`).toBe(false);
    }
  });

  it('the dev process shows the code only on its mailbox line, and never the password or a token', () => {
    const log = dev.output();
    // --verbose shows the function's own log lines: the check below covers them too.
    expect(log).toMatch(/λ info request /);
    expect(log).not.toContain(PASSWORD);
    for (const t of tokens) expect(log.includes(t)).toBe(false);
    const mailboxLine = new RegExp(`code for ${escapeRegExp(email)}: ${code}`);
    const others = log.split('\n').filter((l) => !mailboxLine.test(l));
    expect(others.join('\n')).not.toContain(code);
  });
});

/** Sends bytes as they are (no client-side checks) and reads the status, headers and body of the answer. */
function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<{ status: number; headers: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [top = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headers] = top.split('\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(`${head.replace(/\n/g, '\r\n')}\r\n`);
    socket.end(body);
  });
}

describe('bad requests over the wire, through the local gateway', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  let dev: DevProcess;
  beforeAll(async () => {
    ws = await workspace();
    dev = await startDev(ws);
  }, 30_000);
  afterAll(async () => {
    expect(await dev?.stop()).toBe(130);
    await ws?.cleanup();
  });

  const json = `{"username":"ada@example.com","password":"${'x'.repeat(17 * 1024)}"}`;
  const cases: Array<[string, string, Buffer | string, number]> = [
    ['a traversal', 'GET /user/../app/health HTTP/1.1\nHost: x\nConnection: close\n', '', 404],
    ['an encoded traversal', 'GET /user/%2e%2e/app/health HTTP/1.1\nHost: x\nConnection: close\n', '', 404],
    ['a doubled slash', 'GET //app/health HTTP/1.1\nHost: x\nConnection: close\n', '', 404],
    ['an encoded NUL', 'GET /app/health%00 HTTP/1.1\nHost: x\nConnection: close\n', '', 404],
    ['CR/LF smuggled into a query', 'GET /app/health?q=%0d%0aSet-Cookie:%20injected=1 HTTP/1.1\nHost: x\nConnection: close\n', '', 200],
    [
      'two Authorization headers',
      'GET /user/profile HTTP/1.1\nHost: x\nAuthorization: Bearer a.b.c\nAuthorization: Bearer d.e.f\nConnection: close\n',
      '',
      400,
    ],
    ['a Latin-1 Authorization header', 'GET /user/profile HTTP/1.1\nHost: x\nAuthorization: Bearer \u00e9\u00e9.\u00e9.\u00e9\nConnection: close\n', '', 401],
    [
      'a 17 KiB JSON body',
      `POST /user HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: ${Buffer.byteLength(json)}\nConnection: close\n`,
      json,
      413,
    ],
    [
      'invalid UTF-8 in a JSON body',
      'POST /user HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 4\nConnection: close\n',
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      400,
    ],
    [
      'truncated JSON, chunked',
      'POST /user HTTP/1.1\nHost: x\nContent-Type: application/json\nTransfer-Encoding: chunked\nConnection: close\n',
      '5\r\n{"use\r\n0\r\n\r\n',
      400,
    ],
    ['a method no route takes', 'PROPFIND /user HTTP/1.1\nHost: x\nConnection: close\n', '', 405],
  ];

  it.each(cases.map(([name, head, body, status]) => ({ name, head, body, status })))(
    '$name → $status, with a JSON error and no reflected header',
    async ({ head, body, status }) => {
      const r = await rawRequest(dev.apiPort, head, body);
      expect(r.status).toBe(status);
      expect(r.headers.join('\n')).not.toMatch(/injected|Set-Cookie/i);
      if (status !== 200) expect(JSON.parse(r.body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, ''))).toHaveProperty('error.code');
    },
  );
});

describe('the local stack stopping in the middle of a flow', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  let dev: DevProcess;
  const email = unique('crash');
  const run = (args: string[], stdin?: string) => cli(args, { cwd: ws.cwd, env: ws.env, stdin });
  const storePath = () => join(ws.cwd, 'config', 'sessions.json');
  let storeBefore = '';

  beforeAll(async () => {
    ws = await workspace();
    // A real process: only a process can be killed without the chance to tidy up.
    const crashing = await startDevProcess(ws);
    dev = crashing;
    expect((await run(['signup', email, '--password-stdin'], PASSWORD)).code).toBe(0);
    expect((await run(['validate', email])).code).toBe(0);
    expect((await run(['login', email, '--password-stdin'], PASSWORD)).code).toBe(0);
    const other = unique('pending');
    expect((await run(['signup', other, '--password-stdin'], PASSWORD)).code).toBe(0);
    // A crash, not a clean stop: nothing gets the chance to tidy up.
    crashing.child.kill('SIGKILL');
    await dev.stop();
    storeBefore = await readFile(storePath(), 'utf8');
  }, 60_000);
  afterAll(async () => ws?.cleanup());

  it('health says it cannot reach the API and to start authstack dev', async () => {
    const r = await run(['health']);
    expect(r.code).toBe(1);
    expectOneErrorLine(r, new RegExp(`Cannot reach ${escapeRegExp(dev.apiUrl)} \\(connection refused\\)\\. Is "authstack dev" running\\?`));
  });

  it('validate (an API call) says the same', async () => {
    const r = await run(['validate', email, '123456']);
    expect(r.code).toBe(1);
    expectOneErrorLine(r, /Cannot reach .*connection refused.*authstack dev/);
  });

  it('profile with a saved session says the same, and keeps the session', async () => {
    const r = await run(['profile']);
    expect(r.code).toBe(1);
    expectOneErrorLine(r, /Cannot reach .*authstack dev/);
    expect(await readFile(storePath(), 'utf8')).toBe(storeBefore);
  });

  it('login (a Cognito call) says it cannot reach Cognito and to start authstack dev', async () => {
    const r = await run(['login', email, '--password-stdin'], PASSWORD);
    expect(r.code).toBe(1);
    expectOneErrorLine(r, /Cannot reach Cognito \(ECONNREFUSED\)\. For the local stack, start "authstack dev"/);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('with --verbose, the detail of the failure still holds no password or token', async () => {
    const r = await run(['login', email, '--password-stdin', '--verbose'], PASSWORD);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    const session = Object.values(JSON.parse(storeBefore).sessions)[0] as { accessToken: string; refreshToken: string };
    for (const secret of [PASSWORD, session.accessToken, session.refreshToken]) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('token with an expired session cannot refresh, says why, and keeps the session for later', async () => {
    const store = JSON.parse(storeBefore);
    for (const s of Object.values(store.sessions) as Array<{ expiresAt: number }>) s.expiresAt = Date.now() - 1000;
    const expired = JSON.stringify(store);
    await writeFile(storePath(), expired);
    const r = await run(['token']);
    expect(r.code).toBe(1);
    expectOneErrorLine(r, /Cannot reach Cognito .*authstack dev/);
    expect(await readFile(storePath(), 'utf8')).toBe(expired);
    await writeFile(storePath(), storeBefore);
  });

  it('after a restart on the same ports, the saved session and the pending user are still there', async () => {
    dev = await startDev(ws, ['--port', String(dev.apiPort), '--cognito-port', String(dev.cognitoPort)]);
    try {
      const profile = await run(['profile', '--json']);
      expect(profile.code, profile.stderr).toBe(0);
      expect(profile.json()).toMatchObject({ email });
    } finally {
      expect(await dev.stop()).toBe(130);
    }
  }, 30_000);
});

describe('no AWS credentials', () => {
  let api: Server;
  let apiUrl: string;
  let ws: Awaited<ReturnType<typeof workspace>>;

  beforeAll(async () => {
    ws = await workspace();
    // An API that passes health and sign-up, so the smoke test gets as far as its first admin call.
    api = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const [status, body] =
          req.url === '/app/health' ? [200, { status: 'healthy' }] : req.url === '/user' ? [201, { userSub: 's', userConfirmed: false }] : [404, {}];
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => api.close(() => r()));
    await ws?.cleanup();
  });

  it('smoke against a non-local target says no credentials were found and how to set them', async () => {
    const closed = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...ws.env,
      // Nothing may leave loopback: no instance metadata, no shared files, every AWS endpoint on a closed port.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(ws.cwd, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(ws.cwd, 'no-aws-credentials'),
      AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}`,
    };
    // A real process: the SDK's credential chain reads the process environment, which must be this one.
    const r = await cliProcess(
      [
        'smoke',
        '--api-url',
        apiUrl,
        '--user-pool-client-id',
        'x',
        '--user-pool-id',
        'us-east-1_Pool1',
        '--region',
        'us-east-1',
        '--email',
        'ci+{id}@example.com',
      ],
      { cwd: ws.cwd, env },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✘ confirm .*No AWS credentials found\. Set AWS_PROFILE or run aws configure\./);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('error: Smoke failed at step "confirm": No AWS credentials found. Set AWS_PROFILE or run aws configure.');
    expect(r.stdout + r.stderr).not.toContain('\n    at ');
  });
});
