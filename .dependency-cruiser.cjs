/**
 * The layering ARCHITECTURE.md describes, as rules a wrong import breaks (checked by test/unit/architecture).
 *
 *   cli → commands → (client | deploy | local) → aws → core
 *
 * core depends on nothing of ours; the Lambda (src/lambda) depends on nothing outside itself, and the rest may
 * use only its shared types (src/lambda/types.ts) and the pictures' key layout (src/lambda/picture-keys.ts).
 */
const layer = (name) => `^src/${name}/`;

/** What each layer may import, besides itself and packages. */
const allowed = {
  core: [],
  aws: ['core'],
  local: ['core'],
  client: ['core', 'aws'],
  deploy: ['core', 'aws'],
  commands: ['core', 'aws', 'client', 'deploy', 'local'],
  cli: ['core', 'aws', 'commands'],
};
const layers = [...Object.keys(allowed), 'lambda'];

module.exports = {
  forbidden: [
    ...Object.entries(allowed).map(([from, to]) => ({
      name: `${from}-imports-only-${to.length ? to.join('-') : 'itself'}`,
      comment: `src/${from} may import only ${[from, ...to].join(', ')} (and the Lambda's shared types).`,
      severity: 'error',
      from: { path: layer(from) },
      to: {
        path: `^src/(${layers.filter((l) => l !== from && !to.includes(l)).join('|')})/`,
        pathNot: '^src/lambda/(types|picture-keys)\\.ts$',
      },
    })),
    {
      name: 'lambda-is-self-contained',
      comment: 'The Lambda bundle ships alone: src/lambda imports nothing else of ours.',
      severity: 'error',
      from: { path: layer('lambda') },
      to: { path: '^src/', pathNot: layer('lambda') },
    },
    {
      name: 'runtime-is-self-contained',
      comment: 'The handler wrapper (src/runtime) is bundled with every project function: it imports only the Lambda\'s shared types.',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^src/', pathNot: '^src/(runtime/|lambda/types\\.ts$)' },
    },
    {
      name: 'functions-are-self-contained',
      comment: 'A built-in function (src/functions/<name>) ships in its own bundle: it imports only itself and the Lambda\'s shared types and key layout.',
      severity: 'error',
      from: { path: '^src/functions/' },
      to: { path: '^src/', pathNot: '^src/(functions/|lambda/(types|picture-keys)\\.ts$)' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-dev-dependencies-at-run-time',
      comment:
        'What users install is the dependencies. Build inputs only: cognito-local (bundled into dist/), and esbuild and ' +
        'archiver through deploy/bundle.ts, which builds the shipped Lambda package and runs otherwise only for dev --watch in a clone.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(local/cognito-local-modules|deploy/bundle)\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
