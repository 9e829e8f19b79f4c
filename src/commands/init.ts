import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand } from '../core/command.js';
import { packageRoot } from '../deploy/package-root.js';
import type { InitResult } from './results.js';

/** Every file under a folder, relative to it, `/`-separated. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

const exists = (file: string) => stat(file).then(() => true, () => false);

export default defineCommand({
  name: 'init',
  description: 'start your own API in this folder: the configuration, two sample routes (public, signed-in) with types and a test, a README; never overwrites a file',
  examples: ['npx authstack init', 'authstack init --json'],
  async run(_input, ctx) {
    const source = path.join(packageRoot(), 'starter');
    const written: string[] = [];
    const kept: string[] = [];
    for (const rel of await filesUnder(source)) {
      const target = path.join(ctx.cwd, rel);
      if (await exists(target)) {
        kept.push(rel);
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      // COPYFILE_EXCL: a file created meanwhile is not overwritten either.
      await copyFile(path.join(source, rel), target, 1);
      written.push(rel);
    }
    const result: InitResult = { dir: ctx.cwd, written, kept };
    ctx.out.result(result, (c) =>
      [
        ...written.map((f) => `${c.green('wrote')}  ${f}`),
        ...kept.map((f) => `${c.yellow('exists')} ${f} ${c.dim('(kept as it is)')}`),
        written.length === 0 ? 'Nothing to write: every file authstack init writes is here already.' : '',
        'Next: npm install --save-dev authstack (if not yet), then npx authstack dev --watch, and npx authstack routes.',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  },
});
