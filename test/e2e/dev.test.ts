import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliProcess, freePort, startDev, startDevProcess, workspace } from '../helpers/e2e.js';

let ws: Awaited<ReturnType<typeof workspace>>;
beforeAll(async () => (ws = await workspace()));
afterAll(async () => ws?.cleanup());

const poolId = async () => JSON.parse(await readFile(join(ws.cwd, '.authstack', 'targets.json'), 'utf8')).targets.local.userPoolId as string;

describe('authstack dev lifecycle', () => {
  it('says it is ready with the URLs, and reuses the user pool across restarts', async () => {
    const first = await startDev(ws);
    expect(first.output()).toContain(`API      ${first.apiUrl}`);
    expect(first.output()).toMatch(/Cognito {2}http:\/\/127\.0\.0\.1:\d+\s+pool local_\w+, client \w+/);
    const id = await poolId();
    expect(await first.stop()).toBe(130);
    const second = await startDev(ws);
    expect(await poolId()).toBe(id);
    expect(await second.stop()).toBe(130);
  });

  it('--reset starts a fresh user pool', async () => {
    const before = await poolId();
    const dev = await startDev(ws, ['--reset']);
    expect(await poolId()).not.toBe(before);
    expect(await dev.stop()).toBe(130);
  });

  it('a taken port is a clear one-line error naming the flag', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const r = await cli(['dev', '--port', String(taken), '--cognito-port', String(await freePort())], { cwd: ws.cwd, env: ws.env });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `error: Port ${taken} on 127.0.0.1 is already in use by another program (not an authstack dev). Stop what uses it, or pick another with --port.`,
      );
    } finally {
      blocker.close();
    }
  });

  it('a port another authstack dev holds names that dev (pid) and its project folder', async () => {
    const other = await workspace();
    // The same user (one authstack folder), another project, its dev a real process.
    const env = { ...other.env, AUTHSTACK_CONFIG_DIR: ws.env.AUTHSTACK_CONFIG_DIR };
    const first = await startDevProcess({ cwd: other.cwd, env });
    try {
      const r = await cli(['dev', '--port', String(first.apiPort), '--cognito-port', String(await freePort())], { cwd: ws.cwd, env: ws.env });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `error: Port ${first.apiPort} on 127.0.0.1 is in use by another authstack dev (pid ${first.child.pid}, in ${other.cwd}). Use that one, stop it (Ctrl-C in its terminal), or pick another port with --port.`,
      );
    } finally {
      expect(await first.stop()).toBe(130);
      await other.cleanup();
    }
    // Stopped, it forgot its ports.
    expect(existsSync(join(ws.env.AUTHSTACK_CONFIG_DIR!, 'dev-ports', `${first.apiPort}.json`))).toBe(false);
  });

  it('a failure after the stack started stops it and exits instead of hanging', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'authstack-e2e-'));
    try {
      await mkdir(join(cwd, '.authstack'));
      await writeFile(join(cwd, '.authstack', 'targets.json'), '{not json');
      const args = ['dev', '--port', String(await freePort()), '--cognito-port', String(await freePort())];
      const r = await cliProcess(args, { cwd, env: { ...ws.env, HOME: cwd, AUTHSTACK_CONFIG_DIR: join(cwd, 'config') }, timeoutMs: 15_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('targets.json is corrupt');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('--json prints one document with the URLs once ready', async () => {
    const dev = await startDev(ws, ['--json']);
    const doc = JSON.parse(dev.output().slice(dev.output().indexOf('{'), dev.output().lastIndexOf('}') + 1));
    expect(doc).toMatchObject({ apiUrl: dev.apiUrl, userPoolId: expect.stringMatching(/^local_/), readyMs: expect.any(Number) });
    expect(await dev.stop()).toBe(130);
  });

  it('--cors-origin sets the origin the API allows', async () => {
    const dev = await startDev(ws, ['--cors-origin', 'https://app.example.com']);
    const res = await fetch(`${dev.apiUrl}/app/health`, { headers: { origin: 'https://app.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(await dev.stop()).toBe(130);
  });

  it('serves the console and names it, and --no-console serves and names none', async () => {
    const withConsole = await startDev(ws);
    try {
      expect(withConsole.output()).toContain(`Console  http://127.0.0.1:${withConsole.cognitoPort}/_authstack/`);
      expect((await fetch(`http://127.0.0.1:${withConsole.cognitoPort}/_authstack/api/mailbox`)).status).toBe(200);
    } finally {
      expect(await withConsole.stop()).toBe(130);
    }
    const without = await startDev(ws, ['--no-console']);
    try {
      expect(without.output()).not.toContain('Console ');
      expect((await fetch(`http://127.0.0.1:${without.cognitoPort}/_authstack/api/mailbox`)).status).toBe(404);
    } finally {
      expect(await without.stop()).toBe(130);
    }
  });

  it('a second dev in the same project is refused, naming the running one, and leaves it serving', async () => {
    // The first is a process of its own, as in another terminal.
    const first = await startDevProcess(ws);
    try {
      const r = await cli(['dev', '--port', String(await freePort()), '--cognito-port', String(await freePort())], { cwd: ws.cwd, env: ws.env });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `error: authstack dev is already running in this project (pid ${first.child.pid}, API ${first.apiUrl}). Use that one, or stop it first (Ctrl-C in its terminal).`,
      );
      const health = await cli(['health', '--json'], { cwd: ws.cwd, env: ws.env });
      expect(health.json()).toMatchObject({ healthy: true, url: `${first.apiUrl}/app/health` });
    } finally {
      expect(await first.stop()).toBe(130);
    }
    // Once it stopped, a new one starts.
    const again = await startDev(ws);
    expect(await again.stop()).toBe(130);
  });

  it('commands run from a subfolder of the project find its target', async () => {
    const dev = await startDev(ws);
    try {
      const sub = join(ws.cwd, 'src', 'components');
      await mkdir(sub, { recursive: true });
      const r = await cli(['health', '--json'], { cwd: sub, env: ws.env });
      expect(r.code).toBe(0);
      expect(r.json()).toMatchObject({ healthy: true, url: `${dev.apiUrl}/app/health` });
      expect(existsSync(join(sub, '.authstack'))).toBe(false);
    } finally {
      expect(await dev.stop()).toBe(130);
    }
  });
});
