/** Shared set-up for the deploy command tests: a temp project folder, a fake AWS account, a code zip. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cloudFormation } from '../../../src/aws/cloudformation.js';
import { s3 } from '../../../src/aws/s3.js';
import { sts } from '../../../src/aws/sts.js';
import { buildStackModel, type StackModel } from '../../../src/core/stack-model.js';
import { assetOf, type BuiltAsset } from '../../../src/deploy/build-functions.js';
import { deployStack, type DeployEvent, type DeployStackDeps, type DeployStackOptions, type DeployStackResult } from '../../../src/deploy/deploy-stack.js';
import { templateParameterNames } from '../../../src/deploy/template.js';
import { generatedTemplate } from '../../helpers/template.js';
import { FakeAws, type FakeAwsOptions } from '../../helpers/fake-aws/fake-aws.js';
import { runCli, tempDir, type CliResult, type RunOptions } from '../../helpers/run-cli.js';

export interface DeployWorld {
  dir: string;
  aws: FakeAws;
  /** Writes a zip with this content and returns its path (relative to dir). */
  zip(content?: string): Promise<string>;
  run(argv: string[], options?: Partial<RunOptions>): Promise<CliResult>;
  /** Runs `deploy --yes --zip <zip>` with fast polling. */
  deploy(extra?: string[], options?: Partial<RunOptions> & { code?: string }): Promise<CliResult>;
  cleanup(): Promise<void>;
  /** Fetch that answers every health check healthy, and records the URLs. */
  fetched: string[];
}

export async function deployWorld(options: FakeAwsOptions = {}): Promise<DeployWorld> {
  const { dir, cleanup } = await tempDir('authstack-deploy-');
  const aws = new FakeAws(options);
  const fetched: string[] = [];
  const fetch = (async (url: string | URL) => {
    fetched.push(String(url));
    return new Response(JSON.stringify({ status: 'healthy', version: 'test' }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const world: DeployWorld = {
    dir,
    aws,
    fetched,
    async zip(content = 'code v1') {
      const name = `code-${Buffer.from(content).toString('hex').slice(0, 16)}.zip`;
      await writeFile(join(dir, name), content);
      return name;
    },
    run: (argv, opts = {}) => runCli(argv, { cwd: dir, aws: aws.factory(), fetch, ...opts }),
    async deploy(extra = [], opts = {}) {
      const zip = await world.zip(opts.code);
      return world.run(['deploy', '--yes', '--zip', zip, '--poll-interval', '1ms', ...extra], opts);
    },
    cleanup,
  };
  return world;
}

/** The zip `deploy()` ships by default ('code v1', as `--zip`), as an asset of the API. */
export const CODE_V1: BuiltAsset = assetOf('api', Buffer.from('code v1'), 'test');

/** The template deploy sends for a model when the API's zip is `asset` (default `CODE_V1`). */
export function testTemplate(model: StackModel = buildStackModel(), asset: BuiltAsset = CODE_V1) {
  return generatedTemplate(model, asset.sha256);
}

/** The deps `deployStack` takes, on the fake account (no custom domain, yes to every question). */
async function fakeDeployDeps(aws: FakeAws, emit: DeployStackDeps['emit'], clock?: DeployStackDeps['clock']): Promise<DeployStackDeps> {
  const factory = aws.factory();
  return {
    cfn: await cloudFormation(factory),
    s3: () => s3(factory),
    accountId: async () => (await sts(factory)).accountId(),
    acm: () => Promise.reject(new Error('no custom domain here')),
    route53: () => Promise.reject(new Error('no custom domain here')),
    resolveNs: async () => [],
    clock: clock ?? { now: Date.now, sleep: async () => undefined },
    confirm: async () => true,
    emit,
  };
}

/**
 * `deployStack` itself (no command around it) against the fake account, for a template other than the shipped
 * one: `yes`, fast polling, no custom domain. Returns the result and every event it emitted.
 */
export async function deployTemplate(
  aws: FakeAws,
  templateBody?: string,
  options: Partial<DeployStackOptions> = {},
  clock?: DeployStackDeps['clock'],
): Promise<{ result: DeployStackResult; events: DeployEvent[] }> {
  const shipped = testTemplate();
  const events: DeployEvent[] = [];
  const result = await deployStack(
    {
      stackName: 'authstack',
      region: aws.cfn.region,
      templateBody: templateBody ?? shipped.body,
      templateParameters: templateParameterNames(shipped.template),
      parameters: {},
      assets: [CODE_V1],
      yes: true,
      pollIntervalMs: 1,
      ...options,
    },
    await fakeDeployDeps(aws, (e) => events.push(e), clock),
  );
  return { result, events };
}
