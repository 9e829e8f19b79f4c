/**
 * A reload under load (dev --watch while requests keep coming): an invocation queued for the old worker in the
 * turn the new one takes over is still answered, not left to the gateway's time-out.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFunctionRuntime } from '../../../src/local/functions/runtime.js';
import type { InvokeOutcome } from '../../../src/local/functions/types.js';
import { tempDir } from '../../helpers/local-temp.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (dir = await tempDir()));
afterAll(async () => dir?.remove());

describe('local function runtime: reload', () => {
  it('answers an invocation queued in the same turn as the reload takes over', async () => {
    const bundlePath = join(dir.path, 'loud.mjs');
    // Output at load time arrives just before the worker's ready message: the invocation made while handling it
    // is queued for the old worker in the very turn the new one replaces it.
    await writeFile(bundlePath, `console.log('loading');\nexport const handler = async () => ({ statusCode: 200, body: 'ok' });\n`);
    let during: Promise<InvokeOutcome> | undefined;
    let reloading = false;
    const runtime = createFunctionRuntime({
      functions: [{ id: 'loud', bundlePath, handlerName: 'handler', environment: {}, memorySize: 128, timeoutMs: 5_000 }],
      onLog: () => {
        if (!reloading || during) return;
        during = runtime.invoke('loud', 'r-during', {});
        // This thread stays busy while the new worker finishes loading, so its ready message is handled in the
        // same turn as this one, before the invocation's batch is sent.
        const until = Date.now() + 200;
        while (Date.now() < until);
      },
    });
    try {
      await runtime.start({});
      reloading = true;
      await runtime.reload('loud');
      expect(during).toBeDefined();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([during!, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 3_000)))]).finally(() =>
        clearTimeout(timer),
      );
      expect(outcome).toMatchObject({ ok: true, result: { statusCode: 200, body: 'ok' } });
    } finally {
      await runtime.close();
    }
  });
});
