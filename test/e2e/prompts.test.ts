import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, workspace } from '../helpers/e2e.js';
import { ProjectState } from '../../src/core/targets.js';

/**
 * Prompts and waits in a real pseudo-terminal (util-linux `script`): the password policy is shown, a rejected answer
 * is asked again in place without a ✔, a wait shows a spinner with what it waits for, and Ctrl-C at a prompt or in a
 * wait is the interruption (exit 130), as everywhere else.
 */
let ws: Awaited<ReturnType<typeof workspace>>;
let server: Server;
let requests = 0;

beforeAll(async () => {
  ws = await workspace();
  server = createServer((req, res) => {
    // The API is starting: health answers 503; anything else counts as a request the CLI should not have made.
    if (req.url === '/app/health') return res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"starting"}');
    requests++;
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"userSub":"s","userConfirmed":false}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new ProjectState(ws.cwd).saveTarget({
    name: 'local',
    kind: 'local',
    apiUrl: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    userPoolId: 'local_pool',
    clientId: 'client',
    passwordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await ws?.cleanup();
});

/** One step of a terminal session: once `when` shows on the screen (after the previous step), type `keys`. */
interface Step {
  when: RegExp;
  keys: string;
}

/** Runs authstack in a pseudo-terminal, typing each step's keys once its text shows, and waits for the end. */
function inTerminal(args: string[], steps: Step[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env = { ...ws.env, TERM: 'xterm', ...extraEnv };
  delete (env as Record<string, unknown>).CI;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ws.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let from = 0;
    let next = 0;
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const onData = (d: Buffer) => {
      screen += d.toString('utf8');
      while (next < steps.length) {
        const match = steps[next]!.when.exec(screen.slice(from));
        if (!match) break;
        from += match.index + match[0].length;
        child.stdin.write(steps[next++]!.keys);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, screen: screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') });
    });
  });
}

describe('prompts in a terminal', () => {
  it('signup shows the policy, re-asks a weak password and a mismatched confirmation in place (no ✔), and Ctrl-C there exits 130', async () => {
    const r = await inTerminal(
      ['signup', 'ada@example.com'],
      [
        { when: /Password/, keys: 'weak\r' },
        // Typed after the error as a user would: the rejected characters are gone, nothing to delete first.
        { when: /needs at least 8 characters/, keys: 'Str0ng-pass\r' },
        { when: /Password \(again\)/, keys: 'Str0ng-pas\r' },
        { when: /do not match/, keys: '\x03' },
      ],
    );
    expect(r.screen).toContain("The user pool's password policy: at least 8 characters, with a lower-case letter, an upper-case letter, a digit and a symbol.");
    expect(r.screen).toMatch(/✔ Password \*{11}/);
    expect(r.screen).not.toMatch(/✔ Password \*{4}\b/);
    expect(r.screen).not.toContain('✔ Password (again)');
    expect(r.screen).toContain('error: Interrupted.');
    expect(r.code).toBe(130);
    expect(requests).toBe(0);
  }, 30_000);

  it('health --wait shows a spinner with the attempt n/N and the last answer, and Ctrl-C there exits 130 with one clean line', async () => {
    const r = await inTerminal(['health', '--wait', '60'], [{ when: /attempt 3\/\d+/, keys: '\x03' }]);
    expect(r.screen).toMatch(/waiting for http:\/\/127\.0\.0\.1:\d+\/app\/health to be healthy: HTTP 503 \(starting\) \(attempt \d+\/\d+\) 0:0\d/);
    expect(r.screen).toMatch(
      /error: Interrupted while waiting for http:\/\/127\.0\.0\.1:\d+\/app\/health to be healthy \(\d+ attempts, the last: HTTP 503 \(starting\)\)\./,
    );
    expect(r.screen).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(130);
  }, 30_000);

  it('Ctrl-C at a deploy --guided question exits 130, not 4 ("declined"), and saves no answers', async () => {
    // Credentials and region the SDK's chain finds locally (deploy checks them before asking); nothing is called.
    const aws = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };
    const r = await inTerminal(['deploy', '--guided'], [{ when: /Stack name/, keys: '\x03' }], aws);
    expect(r.screen).toContain('error: Interrupted.');
    expect(r.code).toBe(130);
    expect(existsSync(join(ws.cwd, 'authstack.config.json'))).toBe(false);
  }, 30_000);
});
