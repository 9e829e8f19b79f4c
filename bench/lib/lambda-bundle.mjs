// 2. The Lambda bundle: zip size, and a cold `node` answering one health event against an empty module, with the
// SDK bundled (what we ship) and left to the runtime's copy (the alternative, for the decision).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tracedLoads } from './startup.mjs';
import { ROOT, SCRATCH, alternate, median, round } from './util.mjs';

const RUNNER = `const { handler } = await import('./index.mjs');
const result = await handler({
  resource: '/{proxy+}', path: '/app/health', httpMethod: 'GET', headers: {}, multiValueHeaders: {},
  queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: { proxy: 'app/health' },
  stageVariables: null, body: null, isBase64Encoded: false,
  requestContext: { requestId: 'r-1', stage: 'prod', httpMethod: 'GET', path: '/prod/app/health', identity: { sourceIp: '127.0.0.1' } },
}, { awsRequestId: 'bench-1', getRemainingTimeInMillis: () => 3000 });
if (result.statusCode !== 200) { process.stderr.write('health answered ' + result.statusCode + '\\n'); process.exit(1); }
`;

function writeBundle(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    const target = join(dir, ...f.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.contents);
  }
  writeFileSync(join(dir, 'run-health.mjs'), RUNNER);
  writeFileSync(join(dir, 'empty.mjs'), '');
}

export async function lambdaBundle({ rounds }) {
  const { buildLambdaBundle, zipBundle } = await import(pathToFileURL(join(ROOT, 'dist', 'deploy-bundle.mjs')).href);
  const variants = {};
  for (const [name, opts] of [
    ['bundled', {}],
    ['externalSdk', { externalSdk: true }],
  ]) {
    const { files } = await buildLambdaBundle(opts);
    const zip = await zipBundle(files);
    // Inside the repository, so the external-SDK variant finds @aws-sdk the way Lambda's runtime provides it.
    const dir = join(SCRATCH, `lambda-${name}`);
    writeBundle(dir, files);
    variants[name] = { dir, zipBytes: zip.length, bundleBytes: files.reduce((n, f) => n + f.contents.length, 0), files: files.length };
  }

  // The empty module and both variants, alternating, each in a fresh process with the bundle's folder as cwd.
  const env = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', USER_POOL_ID: 'us-east-1_bench', USER_POOL_CLIENT_ID: 'bench' };
  const commands = [
    { name: 'empty', cmd: process.execPath, args: [join(variants.bundled.dir, 'empty.mjs')] },
    { name: 'bundled', cmd: process.execPath, args: [join(variants.bundled.dir, 'run-health.mjs')] },
    { name: 'externalSdk', cmd: process.execPath, args: [join(variants.externalSdk.dir, 'run-health.mjs')] },
  ];
  const times = alternate(commands, rounds, { env });
  const [empty, bundled, external] = times.map(median);

  const trace = tracedLoads([join(variants.bundled.dir, 'run-health.mjs')], { cwd: variants.bundled.dir, env });
  const fromBundle = trace.files.filter((f) => f.startsWith(variants.bundled.dir));
  const { readFileSync } = await import('node:fs');
  const cognitoLoaded = fromBundle.filter((f) => readFileSync(f, 'utf8').includes('CognitoIdentityProvider'));
  for (const v of Object.values(variants)) rmSync(v.dir, { recursive: true, force: true });

  return {
    figures: [
      { id: 'lambda.zip', name: 'Lambda zip (SDK bundled)', value: round(variants.bundled.zipBytes / 1024), unit: 'KB' },
      { id: 'lambda.zip-external', name: 'Lambda zip (runtime SDK, not shipped)', value: round(variants.externalSdk.zipBytes / 1024), unit: 'KB' },
      {
        id: 'lambda.cold-health',
        name: 'Lambda cold import + health (SDK bundled)',
        value: round(bundled),
        unit: 'ms',
        baselineName: 'empty module',
        baseline: round(empty),
        goal: { ratioAtMost: 1.3 },
      },
      {
        id: 'lambda.cold-health-external',
        name: 'Lambda cold import + health (runtime SDK)',
        value: round(external),
        unit: 'ms',
        baselineName: 'empty module',
        baseline: round(empty),
      },
      {
        id: 'lambda.health-cognito',
        name: 'Cognito client modules loaded by health',
        value: trace.status === 0 ? cognitoLoaded.length : NaN,
        unit: 'modules',
        goal: { atMost: 0 },
      },
    ],
    details: {
      rounds,
      variants: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, { zipBytes: v.zipBytes, bundleBytes: v.bundleBytes, files: v.files }])),
      medianMs: { empty, bundled, external },
      healthLoadsFromBundle: fromBundle.map((f) => f.slice(variants.bundled.dir.length + 1)),
    },
  };
}
