import { resolve } from 'node:path';
import { defineCommand } from '../core/command.js';
import { writeFileAtomic } from '../core/files.js';
import type { PackageResult } from './results.js';

export default defineCommand({
  name: 'package',
  description: 'bundle the Lambda into a deterministic zip and print its size and SHA-256',
  options: { out: { type: 'value', short: 'o', placeholder: 'file', description: 'where to write the zip', default: '.authstack/build/lambda.zip' } },
  examples: ['authstack package', 'authstack package --out lambda.zip --json'],
  async run({ options }, ctx) {
    const { packageLambda } = await import('../deploy/bundle.js');
    const spinner = ctx.out.spinner('Bundling the Lambda…');
    const pkg = await packageLambda();
    spinner.stop();
    const file = resolve(ctx.cwd, options.out);
    await writeFileAtomic(file, pkg.zip);
    const doc: PackageResult = { file, size: pkg.size, bundleSize: pkg.bundleSize, sha256: pkg.sha256 };
    ctx.out.result(doc, (c) =>
      `${c.green('✔')} ${file}\n  size    ${formatBytes(pkg.size)} (bundle ${formatBytes(pkg.bundleSize)})\n  sha256  ${pkg.sha256}`,
    );
  },
});

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
