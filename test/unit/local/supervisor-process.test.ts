import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../../helpers/local-temp.js';

const run = promisify(execFile);
const SUPERVISOR = fileURLToPath(new URL('../../../src/local/supervisor.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../fixtures/local/echo-handler.mjs', import.meta.url));

let dir: Awaited<ReturnType<typeof tempDir>>;
let script: string;

beforeAll(async () => {
  dir = await tempDir();
  const entry = join(dir.path, 'main.ts');
  // Starts the stack in a fresh process, answers one request, stops, and then must exit on its own.
  await writeFile(
    entry,
    `import { startLocalStack } from ${JSON.stringify(SUPERVISOR)};
const t0 = performance.now();
const stack = await startLocalStack({ dir: process.argv[2], apiPort: 0, cognitoPort: 0, bundlePath: process.argv[3] });
const readyMs = performance.now() - t0;
const res = await fetch(stack.apiUrl + '/app/health');
await res.text();
console.log(JSON.stringify({ status: res.status, readyMs, sinceProcessStartMs: performance.now() }));
await stack.stop();
`,
  );
  script = join(dir.path, 'main.mjs');
  // Bundled the way the CLI ships: CommonJS dependencies (cognito-local) inside an ESM file need `require`; here
  // every package is bundled (the file runs outside the repository), and write-file-atomic also reads `__filename`.
  await build({
    entryPoints: [entry],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url); const __filename = import.meta.filename;",
    },
  });
});

afterAll(async () => {
  await dir?.remove();
});

describe('local stack in its own process', () => {
  it('answers its first request and, once stopped, lets the process exit with no handles left', async () => {
    const { stdout } = await run(process.execPath, [script, join(dir.path, '.authstack'), FIXTURE], { timeout: 15_000 });
    const result = JSON.parse(stdout.trim()) as { status: number; readyMs: number; sinceProcessStartMs: number };
    expect(result.status).toBe(200);
    // A figure for the report, not a timed assertion (machines here are noisy).
    console.info(`local stack ready in ${result.readyMs.toFixed(0)} ms; first answer ${result.sinceProcessStartMs.toFixed(0)} ms after process start`);
  });
});
