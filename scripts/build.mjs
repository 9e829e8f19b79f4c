// Builds the CLI (dist/cli.mjs → dist/cli-main.mjs plus lazily loaded chunks) and the Lambda (dist/lambda/ and
// dist/lambda.zip with its SHA-256 in dist/lambda.json).
import { build } from 'esbuild';
import { readFile, readdir, rm, mkdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { builtinModules, createRequire } from 'node:module';
import { checkCognitoLocalModules } from './cognito-local-modules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const requireFromRoot = createRequire(join(root, 'package.json'));

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

// The CLI: commander and chalk are bundled (fast start); everything heavy stays an external package loaded
// by dynamic import only in the commands that use it. The parts of cognito-local that `authstack dev` composes
// are bundled too, with what they import (jsonwebtoken, stormdb, otplib, …): cognito-local's package also
// depends on aws-sdk v2, @aws-crypto, express and pino for the parts we never load, about 110 MB and 100+
// packages that every user would otherwise install, deploy-only users included. So cognito-local is only a
// devDependency (the build's input), and dist/ carries its code and licence.
const bundled = new Set(['commander', 'chalk', 'cognito-local']);
// Its lib/ is private (package.json pins the version exactly): a module that moved fails here, by name.
checkCognitoLocalModules(root, requireFromRoot.resolve);
/** Packages the bundle must never contain: reaching one means a cognito-local module we did not mean to load. */
const forbidden = new Set(['aws-sdk', '@aws-crypto/client-node', 'express', 'pino', 'pino-http', 'pino-pretty', 'boxen']);
const cli = await build({
  absWorkingDir: root,
  entryPoints: { 'cli-main': 'src/cli/run.ts', 'deploy-bundle': 'src/deploy/bundle.ts' },
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
  metafile: true,
  define: { __AUTHSTACK_VERSION__: JSON.stringify(pkg.version) },
  plugins: [
    {
      name: 'externals',
      setup(b) {
        // Node gives an `import()` of a CommonJS module its named exports; esbuild's split chunk of one exports only
        // `default`. Our deep imports of cognito-local's CommonJS files go through a wrapper naming each export.
        b.onResolve({ filter: /^cognito-local\/lib\/.*\.js$/ }, (args) => {
          if (args.namespace === 'cjs-named' || args.importer.includes('/node_modules/')) return undefined;
          return { path: args.path, namespace: 'cjs-named' };
        });
        b.onLoad({ filter: /.*/, namespace: 'cjs-named' }, (args) => {
          const names = Object.keys(requireFromRoot(args.path)).filter((n) => n !== 'default' && n !== '__esModule');
          return {
            contents: `import * as m from ${JSON.stringify(args.path)};\nexport const { ${names.join(', ')} } = m;\n`,
            resolveDir: root,
            loader: 'js',
          };
        });
        b.onResolve({ filter: /^[^./#]/ }, (args) => {
          const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
          if (args.path.startsWith('node:') || builtinModules.includes(name)) return { path: args.path, external: true };
          if (forbidden.has(name)) return { errors: [{ text: `${name} would be bundled (imported by ${args.importer})` }] };
          // A package imported by bundled package code is bundled with it.
          if (bundled.has(name) || args.importer.includes('/node_modules/')) return undefined;
          return { path: args.path, external: true };
        });
      },
    },
  ],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});

// Bundled code keeps its licence: one file naming every package in dist/ with its licence text.
await writeFile(join(dist, 'THIRD-PARTY-LICENSES.txt'), await thirdPartyLicenses(Object.keys(cli.metafile.inputs)));

// The top-level help, rendered now by the program itself (80 columns, as commander renders it off a terminal),
// so that `authstack --help` needs none of the program at run time.
const helpText = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('./dist/cli-main.mjs'); await m.run(['--help']);"], {
  cwd: root,
  env: { ...process.env, COLUMNS: '80', NO_COLOR: '1' },
  encoding: 'utf8',
});
if (!helpText.includes('Usage: authstack')) throw new Error('could not render the CLI help at build time');

// dist/cli.mjs, what bin/authstack imports: `--version` and the top-level `--help` alone (off a terminal, or on one
// 80 columns wide) are answered before
// anything else loads (commander, chalk and the command definitions are two thirds of the CLI's start-up); every
// other argv goes to the program, which prints the same text for them in any other position.
await writeFile(
  join(dist, 'cli.mjs'),
  `// Generated by scripts/build.mjs.
const VERSION = ${JSON.stringify(pkg.version)};
const HELP = ${JSON.stringify(helpText)};

export async function run(argv = process.argv.slice(2)) {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(VERSION + '\\n');
    return;
  }
  // The text was rendered 80 columns wide: a terminal of another width gets it from the program, wrapped to fit.
  const width = process.stdout.isTTY ? process.stdout.columns : undefined;
  if ((width === undefined || width === 80) && (argv.length === 0 || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')))) {
    process.stdout.write(HELP);
    return;
  }
  const program = await import('./cli-main.mjs');
  await program.run(argv);
}
`,
);

// The Lambda, built once here and shipped: dist/lambda/ is what `authstack dev` runs, dist/lambda.zip (the same
// files, zipped deterministically) is what `deploy` uploads and `package` writes, and dist/lambda.json records
// the zip's SHA-256, so every install of this version deploys these very bytes.
const { buildLambdaBundle, buildPicturesBundle, writeBundleFiles, zipBundle } = await import(pathToFileURL(join(dist, 'deploy-bundle.mjs')).href);
const lambda = await buildLambdaBundle();
await writeBundleFiles(join(dist, 'lambda', 'index.mjs'), lambda.files);
const zip = await zipBundle(lambda.files);
await writeFile(join(dist, 'lambda.zip'), zip);

// The package's public entry (`import { defineConfig } from 'authstack'`): types and one helper, nothing of the CLI.
// Its types are the hand-written index.d.ts at the package root (test/unit/public-api.test.ts keeps them the same).
await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  outfile: join(dist, 'index.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
await writeFile(
  join(dist, 'lambda.json'),
  `${JSON.stringify(
    {
      version: pkg.version,
      sha256: createHash('sha256').update(zip).digest('hex'),
      size: zip.length,
      bundleSize: lambda.files.reduce((n, f) => n + f.contents.length, 0),
    },
    null,
    2,
  )}\n`,
);

// The picture processing function: dist/pictures.zip (index.mjs and photon's .wasm beside it), its SHA-256 in
// dist/pictures.json. Shipped once, zipped (photon's 1.8 MB of WebAssembly twice would double the package): deploy
// uploads it, `dev --pictures` runs its files, unpacked into the project's .authstack/build/.
const pictures = await buildPicturesBundle();
const picturesZip = await zipBundle(pictures.files);
await writeFile(join(dist, 'pictures.zip'), picturesZip);
await writeFile(
  join(dist, 'pictures.json'),
  `${JSON.stringify({ version: pkg.version, sha256: createHash('sha256').update(picturesZip).digest('hex'), size: picturesZip.length }, null, 2)}\n`,
);

async function thirdPartyLicenses(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  const sections = [];
  for (const dir of [...dirs].sort()) {
    const meta = JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8'));
    const file = (await readdir(join(root, dir))).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? (await readFile(join(root, dir, file), 'utf8')).trim() : `License: ${meta.license ?? 'see package'}`;
    sections.push(`${meta.name}@${meta.version} (${meta.license ?? 'unknown'})\n\n${text}`);
  }
  return `authstack bundles the following packages into dist/.\n\n${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}
