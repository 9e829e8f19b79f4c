import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/commands/index.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cliProcess, workspace } from '../helpers/e2e.js';

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
let ws: Awaited<ReturnType<typeof workspace>>;
beforeAll(async () => (ws = await workspace()));
afterAll(async () => ws?.cleanup());

describe('bin/authstack', () => {
  it("--help (answered without loading the program) is the program's own help, listing every command", async () => {
    const fast = await cliProcess(['--help'], ws);
    const full = await cliProcess(['--no-color', '--help'], ws);
    expect(fast.code).toBe(0);
    expect(fast.stdout).toBe(full.stdout);
    // A grouped command (`password forgot`) is listed by its group's name.
    for (const name of new Set(commands.map((def) => def.name.split(' ')[0]))) expect(fast.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('--version prints the package version', async () => {
    const r = await cliProcess(['--version'], ws);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('a target file of the wrong shape is reported as corrupt in one line, from the built CLI', async () => {
    await mkdir(`${ws.cwd}/.authstack`, { recursive: true });
    await writeFile(`${ws.cwd}/.authstack/targets.json`, '[]');
    const r = await cliProcess(['health'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('is corrupt');
  });
});
