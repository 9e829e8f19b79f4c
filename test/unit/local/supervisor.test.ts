import { CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { HandlerLoadError, PortInUseError, startLocalStack, type LocalStack, type LocalStackEvent } from '../../../src/local/supervisor.js';
import { tempDir } from '../../helpers/local-temp.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/local/echo-handler.mjs', import.meta.url));
const ENV_NAMES = ['USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'AWS_REGION', 'COGNITO_ENDPOINT', 'TOKEN_ISSUER', 'JWKS_URI'];

let dir: Awaited<ReturnType<typeof tempDir>>;
let stacks: LocalStack[] = [];
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
  stacks = [];
  await dir.remove();
});

async function start(options: Partial<Parameters<typeof startLocalStack>[0]> = {}) {
  const events: LocalStackEvent[] = [];
  const stack = await startLocalStack({
    dir: join(dir.path, '.authstack'),
    apiPort: 0,
    cognitoPort: 0,
    bundlePath: FIXTURE,
    onEvent: (e) => events.push(e),
    ...options,
  });
  stacks.push(stack);
  return { stack, events };
}

async function echo(stack: LocalStack, path = '/app/health') {
  const res = await fetch(`${stack.apiUrl}${path}`);
  return (await res.json()) as { version: string; env: Record<string, string | null>; event: { path: string } };
}

async function waitFor<T>(probe: () => T | undefined, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('local stack supervisor', () => {
  it('starts Cognito and the API and gives the handler the target through its environment', async () => {
    const { stack } = await start();
    const body = await echo(stack);
    expect(body.env).toEqual({
      USER_POOL_ID: stack.userPoolId,
      USER_POOL_CLIENT_ID: stack.clientId,
      AWS_REGION: stack.region,
      COGNITO_ENDPOINT: stack.cognitoEndpoint,
      TOKEN_ISSUER: stack.issuer,
      JWKS_URI: stack.jwksUri,
    });
    expect(body.event.path).toBe('/app/health');
    expect(stack.dataDir).toBe(join(dir.path, '.authstack', 'local'));
    expect(stack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.issuer).toBe(`${stack.cognitoEndpoint}/${stack.userPoolId}`);
    expect(await readFile(join(stack.dataDir, 'pool.json'), 'utf8')).toContain(stack.userPoolId);
  });

  it('reports delivered codes and each request for the dev console', async () => {
    const { stack, events } = await start();
    const client = new CognitoIdentityProviderClient({
      endpoint: stack.cognitoEndpoint,
      region: stack.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(new SignUpCommand({ ClientId: stack.clientId, Username: 'dev@example.com', Password: 'Passw0rd!' }));
    client.destroy();
    await fetch(`${stack.apiUrl}/app/health?x=1`);

    const code = events.find((e) => e.type === 'code');
    expect(code?.text).toMatch(/^code for dev@example\.com: \d{6}$/);
    const request = events.find((e) => e.type === 'request');
    expect(request).toMatchObject({ request: { method: 'GET', path: '/app/health', status: 200 } });
    expect(request?.text).toMatch(/^GET \/app\/health 200 \d+\.\d ms$/);
  });

  it("stops both servers and frees both ports; the handler's environment is its own, never this process's", async () => {
    const before = Object.fromEntries(ENV_NAMES.map((n) => [n, process.env[n]]));
    const { stack } = await start();
    const apiPort = Number(new URL(stack.apiUrl).port);
    const cognitoPort = Number(new URL(stack.cognitoEndpoint).port);
    expect((await echo(stack)).env.USER_POOL_ID).toBe(stack.userPoolId);
    expect(Object.fromEntries(ENV_NAMES.map((n) => [n, process.env[n]]))).toEqual(before);

    await stack.stop();
    await stack.stop();
    expect(await portIsFree(apiPort)).toBe(true);
    expect(await portIsFree(cognitoPort)).toBe(true);
    expect(Object.fromEntries(ENV_NAMES.map((n) => [n, process.env[n]]))).toEqual(before);
  });

  it('keeps the user pool across restarts and starts a fresh one with reset', async () => {
    const { stack: first } = await start();
    await first.stop();
    const { stack: second } = await start();
    expect(second.userPoolId).toBe(first.userPoolId);
    await second.stop();
    const { stack: third } = await start({ reset: true });
    expect(third.userPoolId).not.toBe(first.userPoolId);
  });

  /** A stack watching a copy of the fixture handler; "rebuilding" copies the source over the bundle. */
  async function startWatching() {
    const srcDir = join(dir.path, 'src');
    await mkdir(srcDir);
    const source = join(srcDir, 'handler.mjs');
    const bundlePath = join(dir.path, 'bundle.mjs');
    await copyFile(FIXTURE, source);
    await copyFile(FIXTURE, bundlePath);
    return { source, ...(await start({ bundlePath, watch: { srcDir, rebuild: () => copyFile(source, bundlePath) } })) };
  }

  it('rebuilds and reloads the handler when a watched source changes', async () => {
    const { source, stack, events } = await startWatching();
    expect((await echo(stack)).version).toBe('v1');

    await writeFile(source, (await readFile(FIXTURE, 'utf8')).replace("'v1'", "'v2'"));
    await waitFor(() => events.find((e) => e.type === 'reloaded'));
    expect((await echo(stack)).version).toBe('v2');
  });

  it('reports a broken rebuild and keeps serving the last good handler', async () => {
    const { source, stack, events } = await startWatching();

    await writeFile(source, 'export const handler = ;');
    const failure = await waitFor(() => events.find((e) => e.type === 'reload-failed'));
    expect(failure.text).toMatch(/^reload failed: Could not load the handler/);
    expect((await echo(stack)).version).toBe('v1');
  });

  it('fails with PortInUseError for a taken API port and releases the Cognito port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const apiPort = (blocker.address() as { port: number }).port;
    const cognitoPort = await freePort();
    try {
      const error = await start({ apiPort, cognitoPort }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ code: 'PORT_IN_USE', port: apiPort, service: 'api' });
      expect(await portIsFree(cognitoPort)).toBe(true);
    } finally {
      blocker.close();
    }
  });

  it('fails with HandlerLoadError when the bundle is missing', async () => {
    const error = await start({ bundlePath: join(dir.path, 'missing.mjs') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerLoadError);
    expect(process.env.USER_POOL_ID).toBeUndefined();
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
