import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readConfig } from '../../../src/lambda/config.js';
import { HandlerLoadError } from '../../../src/local/errors.js';
import { createFunctionRuntime, type LocalFunction } from '../../../src/local/functions/runtime.js';
import type { InvokeOutcome } from '../../../src/local/functions/types.js';
import { tempDir } from '../../helpers/local-temp.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (dir = await tempDir()));
afterAll(async () => dir?.remove());

let files = 0;
/** A bundle shaped like authstack's own API: `createHandler({ env, log })` makes the handler. */
async function api(source: string, extra: Partial<LocalFunction> = {}): Promise<LocalFunction> {
  const bundlePath = join(dir.path, `api-${files++}.mjs`);
  await writeFile(bundlePath, source);
  return { id: 'api', bundlePath, handlerName: 'handler', environment: { OWN: 'own' }, memorySize: 256, timeoutMs: 5_000, inThread: true, ...extra };
}

const ok = (outcome: InvokeOutcome): unknown => {
  if (!outcome.ok) throw new Error(`invocation failed: ${outcome.error}`);
  return outcome.result;
};

const FACTORY = `
export function createHandler({ env, log }) {
  return async (event, context) => {
    log('start ' + event.path, context.awsRequestId);
    if (event.path === '/wait') await new Promise((r) => setTimeout(r, 30));
    if (event.path === '/hang') await new Promise(() => {});
    if (event.path === '/throw') throw new TypeError('broken');
    log('end ' + event.path, context.awsRequestId);
    return {
      statusCode: 200,
      body: JSON.stringify({ stack: env.STACK ?? null, own: env.OWN ?? null, name: env.AWS_LAMBDA_FUNCTION_NAME, inProcessEnv: process.env.STACK ?? null, fn: context.functionName, left: context.getRemainingTimeInMillis() > 0 }),
    };
  };
}
export const handler = createHandler({ env: {}, log: () => {} });
`;

describe("authstack's own API in dev's thread", () => {
  it('makes the handler from the environment it is given (the stack variables, Lambda variables, its own), never from process.env', async () => {
    const before = { ...process.env };
    const runtime = createFunctionRuntime({ functions: [await api(FACTORY)] });
    await runtime.start({ STACK: 'local-pool' });
    const result = ok(await runtime.invoke('api', 'r1', { path: '/x' })) as { body: string };
    expect(JSON.parse(result.body)).toEqual({
      stack: 'local-pool',
      own: 'own',
      name: 'authstack-local',
      inProcessEnv: null,
      fn: 'authstack-local',
      left: true,
    });
    expect(process.env).toEqual(before);
    await runtime.close();
  });

  it("hands back each invocation's log lines with that invocation, also when two run side by side", async () => {
    const runtime = createFunctionRuntime({ functions: [await api(FACTORY)] });
    await runtime.start({});
    const [slow, fast] = await Promise.all([runtime.invoke('api', 'slow', { path: '/wait' }), runtime.invoke('api', 'fast', { path: '/x' })]);
    expect(slow.log).toBe('start /wait\nend /wait\n');
    expect(fast.log).toBe('start /x\nend /x\n');
    await runtime.close();
  });

  it('fails an invocation past the timeout with Lambda\'s "Task timed out", and a throw fails only its own invocation', async () => {
    const runtime = createFunctionRuntime({ functions: [await api(FACTORY, { timeoutMs: 100 })] });
    await runtime.start({});
    const [hung, thrown, fine] = await Promise.all([
      runtime.invoke('api', 'a', { path: '/hang' }),
      runtime.invoke('api', 'b', { path: '/throw' }),
      runtime.invoke('api', 'c', { path: '/x' }),
    ]);
    expect(hung).toEqual({ ok: false, error: 'Task timed out after 0.10 seconds', log: 'start /hang\n' });
    expect(thrown).toEqual({ ok: false, error: 'TypeError: broken', log: 'start /throw\n' });
    expect(ok(fine)).toMatchObject({ statusCode: 200 });
    await runtime.close();
  });

  it("refuses, at start, a bundle that has no createHandler (it is not authstack's own API)", async () => {
    const runtime = createFunctionRuntime({ functions: [await api('export const handler = async () => ({ statusCode: 200 });')] });
    const error = await runtime.start({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerLoadError);
    expect((error as Error).message).toMatch(/does not export `createHandler`/);
    await runtime.close();
  });

  it('loads the bundle afresh on reload', async () => {
    const fn = await api(FACTORY.replace('statusCode: 200', 'statusCode: 201'));
    const runtime = createFunctionRuntime({ functions: [fn] });
    await runtime.start({});
    expect(ok(await runtime.invoke('api', 'a', { path: '/x' }))).toMatchObject({ statusCode: 201 });
    await writeFile(fn.bundlePath, FACTORY.replace('statusCode: 200', 'statusCode: 202'));
    await runtime.reload('api');
    expect(ok(await runtime.invoke('api', 'b', { path: '/x' }))).toMatchObject({ statusCode: 202 });
    await runtime.close();
  });
});

describe('the API reads the credentials of a local endpoint from the environment it is given', () => {
  const creds = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'secret' };
  it('beside a Cognito endpoint override, and never without one (on AWS the SDK finds the role itself)', () => {
    expect(readConfig({ ...creds, COGNITO_ENDPOINT: 'http://127.0.0.1:9229' }).cognitoCredentials).toEqual({ accessKeyId: 'local', secretAccessKey: 'secret' });
    expect(readConfig(creds).cognitoCredentials).toBeUndefined();
  });
});
