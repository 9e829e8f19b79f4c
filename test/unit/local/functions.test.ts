import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { HandlerLoadError } from '../../../src/local/errors.js';
import {
  createFunctionRuntime,
  LAMBDA_OWN_VARIABLES,
  type FunctionLog,
  type FunctionRuntime,
  type LocalFunction,
} from '../../../src/local/functions/runtime.js';
import type { InvokeOutcome } from '../../../src/local/functions/types.js';
import { tempDir } from '../../helpers/local-temp.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (dir = await tempDir()));
afterAll(async () => dir?.remove());

const runtimes: FunctionRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

let files = 0;
/** Writes a bundle (an ESM module's text) and declares a function for it. */
async function fn(id: string, source: string, extra: Partial<LocalFunction> = {}): Promise<LocalFunction> {
  const bundlePath = join(dir.path, `${id}-${files++}.mjs`);
  await writeFile(bundlePath, source);
  return { id, bundlePath, handlerName: 'handler', environment: {}, memorySize: 128, timeoutMs: 5_000, ...extra };
}

async function started(functions: LocalFunction[], env: Record<string, string> = {}, logs: FunctionLog[] = []) {
  const runtime = createFunctionRuntime({ functions, onLog: (l) => logs.push(l) });
  runtimes.push(runtime);
  await runtime.start(env);
  return runtime;
}

const EVENT = { path: '/x', httpMethod: 'GET' };
const result = (outcome: InvokeOutcome): unknown => {
  if (!outcome.ok) throw new Error(`invocation failed: ${outcome.error}`);
  return outcome.result;
};

const ENV_HANDLER = `
export const handler = async () => {
  const seen = { shared: process.env.SHARED ?? null, own: process.env.OWN ?? null, leak: process.env.LEAK ?? null, name: process.env.AWS_LAMBDA_FUNCTION_NAME };
  process.env.LEAK = 'set by ' + process.env.AWS_LAMBDA_FUNCTION_NAME;
  return seen;
};`;

describe('local function runtime: isolation', () => {
  it('gives each function its own environment variables and never touches the CLI process.env', async () => {
    const before = { ...process.env };
    const runtime = await started([await fn('a', ENV_HANDLER, { environment: { OWN: 'a' } }), await fn('b', ENV_HANDLER, { environment: { OWN: 'b' } })], {
      SHARED: 'stack',
    });
    expect(result(await runtime.invoke('a', 'r1', EVENT))).toEqual({ shared: 'stack', own: 'a', leak: null, name: 'authstack-local-a' });
    // a's change to its own process.env stays in a.
    expect(result(await runtime.invoke('b', 'r2', EVENT))).toEqual({ shared: 'stack', own: 'b', leak: null, name: 'authstack-local-b' });
    expect(result(await runtime.invoke('a', 'r3', EVENT))).toMatchObject({ leak: 'set by authstack-local-a' });
    expect(process.env).toEqual(before);
  });

  it("an isolated function (a Cognito trigger's) sees only Lambda's own variables and its declared ones: not the stack's, not the CLI's", async () => {
    const probe = `export const handler = async () => ({ ...process.env });`;
    process.env.AUTHSTACK_TEST_CANARY = 'from the CLI';
    try {
      const runtime = await started([await fn('trigger-pre-sign-up', probe, { isolated: true, environment: { DECLARED: 'yes' } })], {
        USER_POOL_ID: 'local_pool',
        USER_POOL_CLIENT_ID: 'client',
        COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      });
      const env = result(await runtime.invoke('trigger-pre-sign-up', 'r1', EVENT)) as Record<string, string>;
      // Lambda's runtime variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
      expect(env).toMatchObject({
        DECLARED: 'yes',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_LAMBDA_FUNCTION_NAME: 'authstack-local-trigger-pre-sign-up',
        _HANDLER: 'index.handler',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      });
      const allowed = new Set<string>([...LAMBDA_OWN_VARIABLES, 'DECLARED', '_HANDLER', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_INITIALIZATION_TYPE']);
      expect(Object.keys(env).filter((name) => !allowed.has(name) && !name.startsWith('AWS_LAMBDA_'))).toEqual([]);
    } finally {
      delete process.env.AUTHSTACK_TEST_CANARY;
    }
  });

  it('captures what the function writes, per invocation, without patching the CLI process.stdout', async () => {
    const write = process.stdout.write;
    const logs: FunctionLog[] = [];
    const runtime = await started(
      [
        await fn(
          'talk',
          `console.log('at load');
export const handler = async (event, context) => {
  console.log('log', context.awsRequestId);
  process.stdout.write('raw line\\n');
  console.error('to stderr');
  return { statusCode: 200 };
};`,
        ),
      ],
      {},
      logs,
    );
    const outcome = await runtime.invoke('talk', 'req-1', EVENT);
    expect(outcome).toEqual({ ok: true, result: { statusCode: 200 }, log: 'log req-1\nraw line\nto stderr\n' });
    expect(logs).toEqual([{ functionId: 'talk', text: 'at load\n' }]);
    expect(process.stdout.write).toBe(write);
  });

  it('loads a rebuilt bundle fresh on reload (its own module cache), and keeps the old one when the new one fails', async () => {
    const counter = (version: string) => `let calls = 0; export const handler = async () => ({ version: '${version}', calls: ++calls });`;
    const f = await fn('r', counter('v1'));
    const runtime = await started([f]);
    await runtime.invoke('r', 'a', EVENT);
    expect(result(await runtime.invoke('r', 'b', EVENT))).toEqual({ version: 'v1', calls: 2 });

    await writeFile(f.bundlePath, counter('v2'));
    await runtime.reload('r');
    expect(result(await runtime.invoke('r', 'c', EVENT))).toEqual({ version: 'v2', calls: 1 });

    await writeFile(f.bundlePath, 'export const handler = ;');
    await expect(runtime.reload('r')).rejects.toBeInstanceOf(HandlerLoadError);
    expect(result(await runtime.invoke('r', 'd', EVENT))).toEqual({ version: 'v2', calls: 2 });
  });

  it('runs concurrent invocations side by side and gives each the output written during it, across awaits', async () => {
    const runtime = await started([
      await fn(
        'c',
        `export const handler = async (event, context) => {
  console.log('start ' + context.awsRequestId);
  await new Promise((r) => setTimeout(r, event.wait));
  console.log('end ' + context.awsRequestId);
  return { statusCode: 200 };
};`,
      ),
    ]);
    const call = (id: string, wait: number) => runtime.invoke('c', id, { wait });
    const [slow, fast] = await Promise.all([call('slow', 30), call('fast', 1)]);
    expect(slow.log).toBe('start slow\nend slow\n');
    expect(fast.log).toBe('start fast\nend fast\n');
  });
});

describe('local function runtime: Lambda behaviour', () => {
  it('accepts callback-style handlers and context.succeed, and gives the remaining time', async () => {
    const runtime = await started([
      await fn(
        'cb',
        `export const handler = (event, context, callback) => { callback(null, { statusCode: 202, left: context.getRemainingTimeInMillis() > 0 }); };`,
      ),
      await fn('succeed', `export const handler = (event, context) => { context.succeed({ statusCode: 201 }); return new Promise(() => {}); };`),
    ]);
    expect(result(await runtime.invoke('cb', 'r', EVENT))).toEqual({ statusCode: 202, left: true });
    expect(result(await runtime.invoke('succeed', 'r', EVENT))).toEqual({ statusCode: 201 });
  });

  it('fails an invocation that outlives the function timeout with Lambda\'s "Task timed out", and the next gets a fresh worker', async () => {
    const runtime = await started([
      await fn(
        'slow',
        `let calls = 0; export const handler = async (event) => { calls++; if (JSON.parse(JSON.stringify(event)).path === '/hang') await new Promise(() => {}); return { calls }; };`,
        { timeoutMs: 50 },
      ),
    ]);
    expect(result(await runtime.invoke('slow', 'a', EVENT))).toEqual({ calls: 1 });
    const timedOut = await runtime.invoke('slow', 'b', { path: '/hang' });
    // What Lambda reports for an invocation past the function's timeout (API Gateway then answers 502):
    // https://repost.aws/knowledge-center/malformed-502-api-gateway
    expect(timedOut).toMatchObject({ ok: false, error: 'Task timed out after 0.05 seconds' });
    // A new execution environment: the module state starts over.
    expect(result(await runtime.invoke('slow', 'c', EVENT))).toEqual({ calls: 1 });
  });

  it('turns a thrown error, process.exit and an uncaught exception into a failed invocation, and recovers', async () => {
    const runtime = await started([
      await fn(
        'crash',
        `export const handler = async (event) => {
  if (event.path === '/throw') throw new TypeError('bad input');
  if (event.path === '/exit') process.exit(3);
  if (event.path === '/uncaught') { setTimeout(() => { throw new Error('later'); }, 0); return new Promise(() => {}); }
  return { ok: true };
};`,
      ),
    ]);
    const call = (path: string) => runtime.invoke('crash', path, { path });
    const thrown = await call('/throw');
    expect(thrown).toMatchObject({ ok: false, error: 'TypeError: bad input' });
    expect(thrown.log).toContain('Invoke Error');
    expect(await call('/exit')).toMatchObject({ ok: false, error: 'Runtime exited with code 3' });
    expect(result(await call('/fine'))).toEqual({ ok: true });
    expect(await call('/uncaught')).toMatchObject({ ok: false, error: 'Error: later' });
    expect(result(await call('/fine'))).toEqual({ ok: true });
  });

  it('fails to start with HandlerLoadError for a bundle that throws at load or has no such export', async () => {
    const throwing = createFunctionRuntime({ functions: [await fn('t', `throw new Error('init failed');`)] });
    runtimes.push(throwing);
    const error = await throwing.start({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerLoadError);
    expect((error as Error).message).toMatch(/init failed/);

    const missing = createFunctionRuntime({ functions: [await fn('m', `export const other = 1;`)] });
    runtimes.push(missing);
    await expect(missing.start({})).rejects.toThrow('it does not export `handler`');
  });
});
