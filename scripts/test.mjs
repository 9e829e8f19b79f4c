// `npm test`: build first (the e2e tests run the built CLI), then the type check, Biome, Knip (unused exports) and the test suite side by side.
// The type check is TypeScript 7's native compiler (the `typescript-native` dev dependency, ~4 s of CPU where
// TypeScript 5's took ~15 s); `typescript` 5 stays for the tools that use its JavaScript API (dependency-cruiser,
// ts-json-schema-generator), which TypeScript 7 does not have. It runs at a lower priority beside the tests, taking
// the CPU they leave idle. Any extra arguments go to vitest (`npm test -- test/unit/lambda`). Exits non-zero when
// any of the three fails.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const bin = (pkg, name) => join(dirname(require.resolve(`${pkg}/package.json`)), name);

/** Runs a Node script to completion; resolves with its exit code. tsc's output is held back so the two do not interleave. */
function run(label, args, { buffer = false, lowPriority = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: buffer ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    // The tests are the longer of the two: the type check takes the CPU they leave idle rather than slowing them.
    if (lowPriority && child.pid !== undefined) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // Not permitted here: it runs at the normal priority.
      }
    }
    let out = '';
    if (buffer) {
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
    }
    child.once('error', (err) => {
      process.stderr.write(`${label}: ${err.message}\n`);
      resolve(1);
    });
    child.once('close', (code, signal) => {
      if (out) process.stdout.write(out);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${label}: ${code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`} in ${seconds} s\n`);
      resolve(code ?? 1);
    });
  });
}

const build = await run('build', [join(root, 'scripts', 'build.mjs')]);
if (build !== 0) process.exit(build);
const [typecheck, lint, exports, tests] = await Promise.all([
  run('tsc --noEmit', [bin('typescript-native', 'bin/tsc'), '--noEmit'], { buffer: true, lowPriority: true }),
  // Biome checks the formatting and lint rules of biome.json in well under a second; `npx biome check --write .`
  // fixes most.
  run('biome ci', [bin('@biomejs/biome', 'bin/biome'), 'ci', '--error-on-warnings', '--reporter=summary', '.'], { buffer: true, lowPriority: true }),
  // Knip: no export that nothing imports (knip.json names the entry points); ~3 s of CPU.
  run('knip', [join(root, 'node_modules', 'knip', 'bin', 'knip.js'), '--include', 'exports,types', '--no-progress'], { buffer: true, lowPriority: true }),
  run('vitest run', [bin('vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)]),
]);
process.exitCode = typecheck || lint || exports || tests;
