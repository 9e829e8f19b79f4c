// 7. Deploy fast paths: the AWS calls a no-op deploy and a code-only deploy make (the code-only one through a change
// set that changes the function alone), counted by the deploy tests' fake
// AWS account (real SDK clients whose last middleware answers in memory: nothing leaves the process).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SCRATCH, round } from './util.mjs';

const CFN_WRITES = new Set(['CreateChangeSet', 'ExecuteChangeSet', 'CreateStack', 'UpdateStack', 'DeleteStack', 'DeleteChangeSet']);

export async function deployFastPaths() {
  if (!existsSync(join(ROOT, 'test', 'helpers', 'fake-aws', 'fake-aws.ts')) || !existsSync(join(ROOT, 'src', 'deploy', 'deploy-stack.ts'))) {
    throw new Error('the deploy command or its fake AWS account (test/helpers/fake-aws) is not there yet');
  }
  const { build } = await import('esbuild');
  const outfile = join(SCRATCH, 'deploy-harness.mjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'bench', 'lib', 'deploy-harness.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    define: { __AUTHSTACK_VERSION__: '"bench"' },
    logLevel: 'silent',
  });
  // The SDK's notice about its own future Node requirement is noise in a table of figures.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { measureDeployFastPaths } = await import(pathToFileURL(outfile).href);
  const { create, noop, codeOnly } = await measureDeployFastPaths();
  for (const [name, m] of Object.entries({ create, noop, codeOnly })) {
    if (m.code !== 0) throw new Error(`the ${name} deploy exited with ${m.code}`);
  }
  const ops = (m) => m.calls.map((c) => `${c.service}:${c.operation}`);
  const cfnWrites = (m) => m.calls.filter((c) => c.service === 'cloudformation' && CFN_WRITES.has(c.operation)).length;
  return {
    figures: [
      {
        id: 'deploy.noop-calls',
        name: 'No-op deploy: AWS calls',
        value: noop.calls.length,
        unit: 'calls',
        goal: { atMost: 4 },
        met: noop.calls.length <= 4 && !noop.calls.some((c) => c.operation === 'CreateChangeSet'),
        note: `${ops(noop).join(', ')}; outcome ${noop.outcome}`,
      },
      {
        id: 'deploy.code-only-changes',
        name: 'Code-only deploy: resources the change set changes',
        value: codeOnly.changed.length,
        unit: 'resources',
        goal: { atMost: 1 },
        met: codeOnly.changed.length === 1 && codeOnly.changed[0] === 'Function' && codeOnly.outcome === 'code-only',
        note: `${codeOnly.changed.join(', ')}; ${codeOnly.calls.length} calls (${cfnWrites(codeOnly)} CloudFormation writes): ${ops(codeOnly).join(', ')}; ${round(codeOnly.ms, 0)} ms against the fake`,
      },
      {
        id: 'deploy.first-calls',
        name: 'First deploy: AWS calls (bucket created, zip stored, stack created)',
        value: create.calls.length,
        unit: 'calls',
        note: `${cfnWrites(create)} CloudFormation writes, ${create.calls.filter((c) => c.service === 's3').length} S3 calls; ${round(create.ms, 0)} ms against the fake`,
      },
    ],
    details: {
      create: { calls: create.calls.length, outcome: create.outcome, ms: round(create.ms, 0) },
      noop: { calls: ops(noop), outcome: noop.outcome, ms: round(noop.ms, 0) },
      codeOnly: { calls: ops(codeOnly), outcome: codeOnly.outcome, changed: codeOnly.changed, ms: round(codeOnly.ms, 0) },
    },
  };
}
