import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';
import { ProjectState } from '../../../src/core/targets.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: Server | undefined;
beforeEach(async () => (tmp = await tempDir()));
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  await tmp.cleanup();
});

/** A loopback API whose health answers `statuses` in turn (the last one repeats). */
async function api(statuses: number[]): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  server = createServer((_req, res) => {
    const status = statuses[Math.min(hits++, statuses.length - 1)]!;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 200 ? { status: 'healthy', version: '9.9.9' } : { error: { code: 'Boom', message: 'down' } }));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, hits: () => hits };
}

describe('authstack health', () => {
  it('reports healthy with status, latency and version', async () => {
    const { url } = await api([200]);
    const r = await runCli(['health', '--api-url', url, '--json'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ healthy: true, status: 200, version: '9.9.9', url: `${url}/app/health`, attempts: 1 });
    expect(r.json().ms).toEqual(expect.any(Number));
  });

  it('an unhealthy API exits 1 with the status in one line', async () => {
    const { url } = await api([500]);
    const r = await runCli(['health', '--api-url', url], { cwd: tmp.dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`target: custom (${url})`, `error: Unhealthy: HTTP 500 from ${url}/app/health.`]);
  });

  it('--wait retries until healthy', async () => {
    const { url, hits } = await api([503, 503, 200]);
    const r = await runCli(['health', '--api-url', url, '--wait', '20', '--json'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(hits()).toBe(3);
    expect(r.json().attempts).toBe(3);
  });

  it('an unreachable API is a clear network error, not a stack trace', async () => {
    const { url } = await api([200]);
    await new Promise((r) => server!.close(r));
    server = undefined;
    const r = await runCli(['health', '--api-url', url], { cwd: tmp.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('uses the recorded target when no flag is given, and flags win over it', async () => {
    const { url } = await api([200]);
    await new ProjectState(tmp.dir).saveTarget({ name: 'local', kind: 'local', apiUrl: url, region: 'us-east-1', userPoolId: 'p', clientId: 'c' });
    const recorded = await runCli(['health', '--json'], { cwd: tmp.dir });
    expect(recorded.json().url).toBe(`${url}/app/health`);
    const flagged = await runCli(['health', '--json', '--api-url', 'http://127.0.0.1:1'], { cwd: tmp.dir });
    expect(flagged.code).toBe(1);
    expect(flagged.json().error.code).toBe('Unreachable');
  });

  it('AUTHSTACK_API_URL points it at a stack without a recorded target', async () => {
    const { url } = await api([200]);
    const r = await runCli(['health', '--json'], { cwd: tmp.dir, env: { AUTHSTACK_API_URL: url } });
    expect(r.code).toBe(0);
  });

  it('--api-url must be an http(s) URL', async () => {
    const r = await runCli(['health', '--api-url', 'ftp://x'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--api-url must be an http(s) URL');
  });
});

describe('passwords', () => {
  it('signup without a password and no terminal says how to pass one', async () => {
    const r = await runCli(['signup', 'a@b.co', '--api-url', 'http://127.0.0.1:1'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--password-stdin');
  });

  it('--password works but warns that it shows in ps', async () => {
    const { url } = await api([500]);
    const r = await runCli(['signup', 'a@b.co', '--password', 'Secret-passw0rd', '--api-url', url], { cwd: tmp.dir });
    expect(r.stderr).toContain('visible to other users in ps');
    expect(r.stderr).not.toContain('Secret-passw0rd');
  });

  it('on a terminal, mismatched passwords are refused before any request', async () => {
    const r = await runCli(['signup', 'a@b.co', '--api-url', 'http://127.0.0.1:1'], {
      cwd: tmp.dir,
      answers: { 'Password (again)': 'two', Password: 'one' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('do not match');
  });

  it('both --password and --password-stdin is a usage error', async () => {
    const r = await runCli(['login', 'a@b.co', '--password', 'x', '--password-stdin', '--user-pool-client-id', 'c', '--region', 'us-east-1'], {
      cwd: tmp.dir,
      stdin: 'y',
    });
    expect(r.code).toBe(2);
  });
});
