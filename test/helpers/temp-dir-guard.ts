import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's global setup: the whole run gets a temporary folder of its own (TMPDIR, which `os.tmpdir()` reads in every
 * worker), and the run fails if a test left anything in it, naming what. A test that makes a temporary folder removes
 * it; nothing piles up in the machine's /tmp run after run. The folder is removed either way.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'authstack-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length === 0) return;
    // A teardown's error is only printed by vitest; the exit code is what CI reads.
    process.stderr.write(`\ntests left ${left.length} temporary entr${left.length === 1 ? 'y' : 'ies'} behind: ${left.sort().join(', ')}\n`);
    process.exitCode = 1;
  };
}
