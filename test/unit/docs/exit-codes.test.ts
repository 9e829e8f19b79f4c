import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, UserError, type ErrorKind } from '../../../src/core/errors.js';

const README = join(import.meta.dirname, '..', '..', '..', 'README.md');

/** The rows of the README's "Exit codes" table: code → meaning. */
async function documentedCodes(): Promise<Map<number, string>> {
  const text = await readFile(README, 'utf8');
  const section = text.slice(text.indexOf('## Exit codes'), text.indexOf('\n## ', text.indexOf('## Exit codes') + 1));
  const rows = new Map<number, string>();
  for (const m of section.matchAll(/^\| (\d+) \| (.+) \|$/gm)) rows.set(Number(m[1]), m[2]!);
  return rows;
}

describe('the README\'s exit-code table', () => {
  it('lists exactly the exit codes the CLI uses (EXIT), each once', async () => {
    const rows = await documentedCodes();
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('every kind of error exits with a code the table explains, and interruption and configuration are named', async () => {
    const rows = await documentedCodes();
    const kinds: ErrorKind[] = ['usage', 'auth', 'api', 'aws', 'deployment', 'local', 'state', 'refused', 'aborted', 'network', 'interrupted'];
    for (const kind of kinds) expect(rows.has(new UserError(kind, 'x').exitCode), kind).toBe(true);
    expect(rows.get(EXIT.interrupted)).toMatch(/Ctrl-C/);
    expect(rows.get(EXIT.usage)).toMatch(/configuration/);
    expect(rows.get(EXIT.usage)).toMatch(/corrupt/);
  });
});
