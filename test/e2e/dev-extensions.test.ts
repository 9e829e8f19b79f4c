/**
 * A throw-away local service and a throw-away function, added through the registry's extension point alone
 * (AUTHSTACK_DEV_EXTENSIONS), are served by `authstack dev` beside the built-in ones: the service's URL and
 * output line, its console panel, the function behind its own route with its own environment and captured
 * output; and a function that crashes answers API Gateway's 502 while dev stays up.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { tempDir } from '../helpers/run-cli.js';

const FUNCTION = `
let calls = 0;
export const handler = async (event) => {
  calls++;
  if (event.pathParameters.name === 'crash') process.exit(1);
  console.log('hello function saw ' + event.pathParameters.name);
  return { statusCode: 200, body: JSON.stringify({ greeting: process.env.GREETING + ' ' + event.pathParameters.name, resource: event.resource, calls, poolId: process.env.USER_POOL_ID }) };
};`;

const EXTENSION = (functionFile: string) => `
import { createServer } from 'node:http';

const echo = {
  name: 'echo',
  needs: ['gateway'],
  async start(ctx) {
    const server = createServer((req, res) => res.end(JSON.stringify({ echo: req.url, api: ctx.use('gateway').url })));
    await new Promise((resolve) => server.listen(0, ctx.host, resolve));
    const url = 'http://' + ctx.host + ':' + server.address().port;
    return {
      url,
      outputs: [{ label: 'Echo', value: url }],
      consolePanels: [{ id: 'echo', title: 'Echo', read: () => ({ url }) }],
      stop: () => new Promise((resolve) => server.close(resolve)),
    };
  },
};

export default {
  services: [echo],
  functions: [{
    function: { id: 'hello', entry: ${JSON.stringify(functionFile)}, handler: 'index.handler', environment: { GREETING: 'hi' }, memorySize: 128, timeout: 3 },
    routes: [{ method: 'GET', path: '/hello/{name}', functionId: 'hello' }],
  }],
};`;

describe('authstack dev with a throw-away service and function from the registry', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dev: DevInProcess;
  let echoUrl: string;

  beforeAll(async () => {
    tmp = await tempDir();
    const functionFile = join(tmp.dir, 'hello.mjs');
    await writeFile(functionFile, FUNCTION);
    await writeFile(join(tmp.dir, 'extension.mjs'), EXTENSION(functionFile));
    dev = await startDevInProcess(tmp.dir, ['--verbose'], { env: { AUTHSTACK_DEV_EXTENSIONS: 'extension.mjs' } });
    echoUrl = /Echo\s+(http:\/\/\S+)/.exec(dev.output())?.[1] ?? '';
  }, 60_000);
  afterAll(async () => {
    await dev?.stop();
    await tmp?.cleanup();
  });

  it('starts the service after the registry and lists its URL in the ready message', async () => {
    expect(echoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${echoUrl}/ping`);
    expect(await res.json()).toEqual({ echo: '/ping', api: dev.target.apiUrl });
  });

  it('serves the function on its route, with its own environment and the stack values', async () => {
    const res = await fetch(`${dev.target.apiUrl}/hello/ada`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ greeting: 'hi ada', resource: '/hello/{name}', calls: 1, poolId: dev.target.userPoolId });
    // The built-in API is still behind /{proxy+}.
    expect((await fetch(`${dev.target.apiUrl}/app/health`)).status).toBe(200);
  });

  it('attributes the function output to it in the dev log and in the console request list', async () => {
    await (await fetch(`${dev.target.apiUrl}/hello/grace`)).text();
    expect(dev.output()).toMatch(/λ hello function saw grace {2}\[hello\]/);
    const consoleUrl = `${dev.target.cognitoEndpoint}/_authstack/api/requests`;
    const { requests } = (await (await fetch(consoleUrl)).json()) as { requests: { path: string; functionId?: string; log?: string }[] };
    expect(requests.find((r) => r.path === '/hello/grace')).toMatchObject({ functionId: 'hello', log: 'hello function saw grace\n' });
  });

  it("shows the services' console panels", async () => {
    const base = `${dev.target.cognitoEndpoint}/_authstack/api/panels`;
    const { panels } = (await (await fetch(base)).json()) as { panels: { id: string }[] };
    expect(panels.map((p) => p.id)).toEqual(['functions', 'echo']);
    expect(await (await fetch(`${base}/echo`)).json()).toEqual({ id: 'echo', title: 'Echo', data: { url: echoUrl } });
  });

  // A crashed Lambda invocation reaches the client as API Gateway's 502 Internal server error:
  // https://repost.aws/knowledge-center/malformed-502-api-gateway
  it('answers 502 Internal server error for a function that crashes, and dev serves on with a fresh runtime', async () => {
    const crashed = await fetch(`${dev.target.apiUrl}/hello/crash`);
    expect(crashed.status).toBe(502);
    expect(await crashed.json()).toEqual({ message: 'Internal server error' });
    expect((await fetch(`${dev.target.apiUrl}/app/health`)).status).toBe(200);
    const again = (await (await fetch(`${dev.target.apiUrl}/hello/ada`)).json()) as { calls: number };
    // A new execution environment: its module state starts over.
    expect(again.calls).toBe(1);
    expect(dev.output()).toMatch(/GET\s+\/hello\/crash 502 .*Runtime exited with code 1/);
  });
});
