// Builds the CLI (dist/cli.mjs plus lazily loaded chunks) and the Lambda bundle (dist/lambda/index.mjs).
import { build } from 'esbuild';
import { readFile, rm, mkdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

// The CLI: commander and chalk are bundled (fast start); everything heavy stays an external package loaded
// by dynamic import only in the commands that use it.
const bundled = new Set(['commander', 'chalk']);
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/run.ts', 'deploy-bundle': 'src/deploy/bundle.ts' },
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  define: { __AUTHSTACK_VERSION__: JSON.stringify(pkg.version) },
  plugins: [
    {
      name: 'externals',
      setup(b) {
        b.onResolve({ filter: /^[^./#]/ }, (args) => {
          const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
          if (args.path.startsWith('node:') || !bundled.has(name)) return { path: args.path, external: true };
          return undefined;
        });
      },
    },
  ],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The Lambda bundle, built by the same code `authstack package` uses.
const { writeLambdaBundle } = await import(pathToFileURL(join(dist, 'deploy-bundle.mjs')).href);
await writeLambdaBundle(join(dist, 'lambda', 'index.mjs'));
