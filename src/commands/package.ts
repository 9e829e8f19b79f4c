import { resolve } from 'node:path';
import { defineCommand } from '../core/command.js';
import { writeFileAtomic } from '../core/files.js';
import type { PackageResult } from './results.js';

export default defineCommand({
  name: 'package',
  description: 'write the Lambda zip this version ships (the bytes deploy uploads) and print its size and SHA-256',
  options: { out: { type: 'value', short: 'o', placeholder: 'file', description: 'where to write the zip', default: '.authstack/build/lambda.zip' } },
  examples: ['authstack package', 'authstack package --out lambda.zip --json'],
  async run({ options }, ctx) {
    const [{ loadShippedLambda }, { assetKey }] = await Promise.all([import('../deploy/artifact.js'), import('../deploy/assets.js')]);
    const pkg = await loadShippedLambda();
    const file = resolve(ctx.cwd, options.out);
    await writeFileAtomic(file, pkg.zip);
    const doc: PackageResult = { file, size: pkg.size, bundleSize: pkg.bundleSize, sha256: pkg.sha256 };
    ctx.out.result(
      doc,
      (c) =>
        `${c.green('✔')} ${file}\n  size    ${formatBytes(pkg.size)} (bundle ${formatBytes(pkg.bundleSize)})\n  sha256  ${pkg.sha256}\n  key     ${assetKey(pkg)} (where deploy stores it in the artifact bucket)`,
    );
  },
});

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
