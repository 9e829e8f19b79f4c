import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, workspace } from '../helpers/e2e.js';

/**
 * In a real pseudo-terminal (util-linux `script`), against an AWS endpoint that accepts connections and never
 * answers (a proxy or firewall dropping traffic): progress says what the command waits for, and the first Ctrl-C
 * ends it within a second with exit 130.
 */
let ws: Awaited<ReturnType<typeof workspace>>;
let server: Server;
let port = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  ws = await workspace();
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  await ws?.cleanup();
});

interface TerminalRun {
  code: number | null;
  screen: string;
  /** Milliseconds from the Ctrl-C to the process's exit. */
  afterInterruptMs: number;
}

/** Runs authstack in a pseudo-terminal, presses Ctrl-C once `ready` shows on the screen, and waits for the end. */
function inTerminal(args: string[], ready: RegExp): Promise<TerminalRun> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env = {
    ...ws.env,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    TERM: 'xterm',
  };
  delete (env as Record<string, unknown>).CI;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ws.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let interruptedAt = 0;
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const onData = (d: Buffer) => {
      screen += d.toString('utf8');
      if (!interruptedAt && ready.test(screen)) {
        interruptedAt = Date.now();
        child.stdin.write('\x03');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, screen, afterInterruptMs: interruptedAt ? Date.now() - interruptedAt : -1 });
    });
  });
}

describe('Ctrl-C and progress in a terminal, against an AWS endpoint that never answers', () => {
  it('status shows what it waits for, and the first Ctrl-C exits 130 within a second', async () => {
    const r = await inTerminal(['status', '--stack', 'hung'], /waiting for AWS CloudFormation DescribeStacks/);
    expect(r.screen).toMatch(/limit 30 s per attempt, AUTHSTACK_AWS_TIMEOUT/);
    expect(r.afterInterruptMs).toBeGreaterThanOrEqual(0);
    expect(r.afterInterruptMs).toBeLessThan(1000);
    expect(r.code).toBe(130);
    expect(r.screen).toContain('error: Interrupted.');
    expect(r.screen).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("the time limit is the user's to set: a bad AUTHSTACK_AWS_TIMEOUT is a one-line usage error", async () => {
    const bad = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'status', '--stack', 'hung'], { cwd: ws.cwd, env: { ...ws.env, AUTHSTACK_AWS_TIMEOUT: 'abc' } });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.once('close', (code) => resolve({ code, err }));
    });
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe('error: AUTHSTACK_AWS_TIMEOUT must be a number of seconds from 1 to 3600, got "abc".');
  }, 30_000);
});
