/**
 * The deploy scenarios against moto (a local fake of AWS, `moto_server`), through the real SDK clients the CLI
 * makes, pointed at it with the factory's endpoint setting: a first deploy, a repeat deploy of the same code, a
 * code change, the sample app `authstack init` writes (its handlers bundled, a code change to one file), and destroy. moto cannot be installed in CI (no Python package index there), so without
 * `moto_server` on this machine every test here is skipped with that reason, listed in the run's summary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsFactory } from '../../src/aws/factory.js';
import type { AwsFactory } from '../../src/core/aws.js';
import * as CFN from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import * as S3 from '@aws-sdk/client-s3';
import * as s3Module from '../../src/aws/s3.js';
import { realClock } from '../../src/core/clock.js';
import { buildStackModel } from '../../src/core/stack-model.js';
import { publishAssets } from '../../src/deploy/artifact-bucket.js';
import { services } from '../../src/deploy/aws-deps.js';
import { assetOf, buildFunctions } from '../../src/deploy/build-functions.js';
import { zipBundle } from '../../src/deploy/bundle.js';
import { deployStack } from '../../src/deploy/deploy-stack.js';
import { parseTemplate, templateParameterNames } from '../../src/deploy/template.js';
import { synthesizeText, templateText } from '../../src/deploy/template/index.js';
import { runCli, tempDir } from '../helpers/run-cli.js';

const REGION = 'us-east-1';
const MOTO = findMoto();
const NO_MOTO = 'moto_server is not installed here (pip install "moto[server]"); CI cannot install it';

function findMoto(): string | undefined {
  const candidates = [
    process.env.MOTO_SERVER,
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'moto_server')),
    '/root/.pyenv/shims/moto_server',
  ];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '' && existsSync(c));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let moto: ChildProcess | undefined;
let endpoint = '';
let tmp: Awaited<ReturnType<typeof tempDir>> | undefined;

beforeAll(async () => {
  if (!MOTO) return;
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  // Up in about a second; bounded at 30 s of polling.
  for (let i = 0; i < 300; i++) {
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  tmp = await tempDir('authstack-moto-');
});

afterAll(async () => {
  moto?.kill();
  await tmp?.cleanup();
});

/** The CLI's own factory, every client pointed at moto, with fake credentials. */
function motoFactory(): AwsFactory {
  return createAwsFactory({ region: REGION, env: {}, endpoint, maxAttempts: 2 });
}

async function cli(argv: string[]) {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  try {
    return await runCli(argv, { cwd: tmp!.dir, aws: motoFactory() });
  } finally {
    vi.unstubAllEnvs();
  }
}

/** A real zip (moto's Lambda reads it) whose content is `text`. */
async function zipOf(name: string, text: string): Promise<string> {
  await writeFile(
    join(tmp!.dir, name),
    await zipBundle(Buffer.from(`export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(text)} });\n`)),
  );
  return name;
}

const deploy = async (zip: string, extra: string[] = []) =>
  cli(['deploy', '--yes', '--zip', zip, '--no-health-check', '--poll-interval', '50ms', '--json', ...extra]);
const BUCKET = 'authstack-assets-123456789012-us-east-1';
const b64 = (b: Buffer) => createHash('sha256').update(b).digest('base64');

/** Runs `fn` with the fake credentials the SDK's chain reads, as the CLI does. */
async function signed<T>(fn: () => Promise<T>): Promise<T> {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  try {
    return await fn();
  } finally {
    vi.unstubAllEnvs();
  }
}

/** The calls a factory's clients send, `service:Operation`, counted below the CLI (the SDK's initialize step). */
function counted(aws: AwsFactory, calls: string[]): AwsFactory {
  const tap = <T extends { middlewareStack: any; config: { serviceId?: string } }>(client: T): T => {
    if (!(client as { __counted?: boolean }).__counted) {
      client.middlewareStack.add(
        (next: (a: unknown) => unknown, context: { commandName?: string }) => (args: unknown) => {
          calls.push(`${client.config.serviceId ?? '?'}:${(context.commandName ?? '').replace(/Command$/, '')}`);
          return next(args);
        },
        { step: 'initialize' },
      );
      (client as { __counted?: boolean }).__counted = true;
    }
    return client;
  };
  return {
    ...aws,
    cloudformation: async () => tap(await aws.cloudformation()),
    lambda: async () => tap(await aws.lambda()),
    s3: async () => tap(await aws.s3()),
    sts: async () => tap(await aws.sts()),
  };
}

/** The stack's function (moto answers DescribeStackResources; DescribeStackResource it does not implement). */
async function functionName(stackName: string): Promise<string> {
  const res = await (await motoFactory().cloudformation()).send(new CFN.DescribeStackResourcesCommand({ StackName: stackName }));
  const name = res.StackResources?.find((r) => r.LogicalResourceId === 'Function')?.PhysicalResourceId;
  if (!name) throw new Error(`no Function in ${stackName}`);
  return name;
}

/** The generated template cut to what moto's CloudFormation can create and update: the function, its role and log group. */
function functionOnlyTemplate(sha256: string): string {
  const { template } = synthesizeText(buildStackModel(), { api: { sha256 } });
  const keep = ['FunctionLogGroup', 'FunctionRole', 'Function'];
  const fn = template.Resources.Function!;
  const resources = Object.fromEntries(
    keep.map((id) => [
      id,
      id === 'Function' ? { ...fn, Properties: { ...fn.Properties, Environment: { Variables: { STAGE: 'moto' } } } } : template.Resources[id]!,
    ]),
  );
  return templateText({ ...template, Rules: undefined, Conditions: undefined, Outputs: undefined, Resources: resources });
}

describe('deploy against moto', () => {
  it('creates and secures the artifact bucket on first use (versioned, encrypted, public access blocked, ACLs off, lifecycle, TLS-only policy)', async (ctx) => {
    ctx.skip(!MOTO, NO_MOTO);
    const aws = createAwsFactory({ region: 'eu-west-1', env: {}, endpoint, maxAttempts: 2 });
    await signed(async () => {
      const api = await s3Module.s3(aws);
      const result = await publishAssets([], { accountId: '123456789012', region: 'eu-west-1' }, api, () => undefined);
      expect(result).toMatchObject({ bucket: 'authstack-assets-123456789012-eu-west-1', bucketCreated: true });
      const client = await aws.s3();
      const Bucket = result.bucket;
      expect((await client.send(new S3.GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
      expect(JSON.stringify((await client.send(new S3.GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration)).toContain('AES256');
      expect((await client.send(new S3.GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration).toMatchObject({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
      });
      expect((await client.send(new S3.GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership).toBe(
        'BucketOwnerEnforced',
      );
      expect((await client.send(new S3.GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules?.[0]?.NoncurrentVersionExpiration?.NoncurrentDays).toBe(30);
      expect((await client.send(new S3.GetBucketPolicyCommand({ Bucket }))).Policy).toContain('aws:SecureTransport');
      expect(await api.headBucket(Bucket, '123456789012')).toBe('exists');
    });
  });

  it('first deploy stores the zip and creates the stack with the code in place; a second deploy of the same code is two reads and no write', async (ctx) => {
    ctx.skip(!MOTO, NO_MOTO);
    // moto 5.2.1 evaluates the TLS-only bucket policy as denying every request, HTTPS included, so here the bucket
    // is made beforehand without it (the test above checks the setup calls); deploy finds it with one HeadBucket.
    await signed(async () => {
      const client = await motoFactory().s3();
      await client.send(new S3.CreateBucketCommand({ Bucket: BUCKET }));
      await client.send(new S3.PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
    });
    const v1 = await zipOf('v1.zip', 'v1');
    const first = await deploy(v1);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ outcome: 'created', codeUploaded: true });
    const zip = await readFile(join(tmp!.dir, v1));
    const key = `functions/${createHash('sha256').update(zip).digest('hex')}.zip`;
    await signed(async () => {
      const head = await (await motoFactory().s3()).send(new S3.HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(head.ContentLength).toBe(zip.length);
      const fnName = await functionName('authstack');
      const fn = await (await motoFactory().lambda()).send(new GetFunctionConfigurationCommand({ FunctionName: fnName }));
      expect(fn.CodeSha256).toBe(b64(zip));
    });

    const calls: string[] = [];
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    const again = await runCli(['deploy', '--yes', '--zip', v1, '--no-health-check', '--json'], { cwd: tmp!.dir, aws: counted(motoFactory(), calls) }).finally(
      () => vi.unstubAllEnvs(),
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().outcome).toBe('no-changes');
    expect(calls).toEqual(['CloudFormation:DescribeStacks', 'CloudFormation:GetTemplate']);
  });

  it('a code change is a change set that modifies only the function, and Lambda then runs the new zip', async (ctx) => {
    ctx.skip(!MOTO, NO_MOTO);
    // moto evaluates no template Conditions on update (it resolves the custom-domain outputs and fails), so this
    // runs deployStack on the function's part of the generated template.
    const v1 = await readFile(join(tmp!.dir, await zipOf('f1.zip', 'fn v1')));
    const v2 = await readFile(join(tmp!.dir, await zipOf('f2.zip', 'fn v2')));
    const run = async (zip: Buffer) => {
      const asset = assetOf('api', zip, 'test');
      const body = functionOnlyTemplate(asset.sha256);
      return signed(async () => {
        const f = motoFactory();
        return deployStack(
          {
            stackName: 'fnonly',
            region: REGION,
            templateBody: body,
            templateParameters: templateParameterNames(parseTemplate(body)),
            parameters: {},
            assets: [asset],
            yes: true,
            pollIntervalMs: 50,
          },
          { ...(await services(f)), resolveNs: async () => [], clock: realClock, confirm: async () => true, emit: () => undefined },
        );
      });
    };
    expect((await run(v1)).outcome).toBe('created');
    const updated = await run(v2);
    expect(updated.outcome).toBe('code-only');
    expect(updated.changes.map((c) => `${c.action} ${c.logicalId}`)).toEqual(['Modify Function']);
    await signed(async () => {
      const fnName = await functionName('fnonly');
      expect((await (await motoFactory().lambda()).send(new GetFunctionConfigurationCommand({ FunctionName: fnName }))).CodeSha256).toBe(b64(v2));
    });
  });

  it("deploys the sample app authstack init writes: its handlers' functions run the zips stored by hash, the signed-in method is tied to Cognito; a repeat deploy is two reads", async (ctx) => {
    ctx.skip(!MOTO, NO_MOTO);
    const project = await tempDir('authstack-moto-sample-');
    try {
      // Made beforehand as above (moto's reading of the TLS-only policy); the earlier test may have made it already.
      await signed(async () => (await motoFactory().s3()).send(new S3.CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined));
      const init = await runCli(['init'], { cwd: project.dir });
      expect(init.code, init.stderr).toBe(0);
      await writeFile(join(project.dir, 'api.zip'), await readFile(join(tmp!.dir, await zipOf('sample-api.zip', 'api'))));
      const argv = ['deploy', '--stack', 'sample', '--yes', '--zip', 'api.zip', '--no-health-check', '--poll-interval', '50ms', '--json'];
      const run = (aws: AwsFactory) => signed(() => runCli(argv, { cwd: project.dir, aws }));
      const first = await run(motoFactory());
      expect(first.code, first.stderr).toBe(0);
      expect(first.json().outcome).toBe('created');
      await signed(async () => {
        // moto answers DescribeStackResources and ListStackResources on this stack with a 500 (the resources it does not
        // implement have no physical id): the functions and the API are found by the names CloudFormation gave them.
        const functions = (await (await motoFactory().lambda()).send(new ListFunctionsCommand({}))).Functions ?? [];
        const auth = { Authorization: 'AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=x' };
        const apis = (await (await fetch(`${endpoint}/restapis`, { headers: auth })).json()) as { item: { id: string; name: string }[] };
        const template = parseTemplate((await (await motoFactory().cloudformation()).send(new CFN.GetTemplateCommand({ StackName: 'sample' }))).TemplateBody!);
        for (const id of ['ApiHelloHelloFunction', 'ApiNotesGetnoteFunction']) {
          const key = (template.Resources[id]!.Properties!.Code as { S3Key: string }).S3Key;
          const stored = await (await motoFactory().s3()).send(new S3.GetObjectCommand({ Bucket: BUCKET, Key: key }));
          const bytes = Buffer.from(await stored.Body!.transformToByteArray());
          const fn = functions.find((f) => f.FunctionName?.startsWith(`sample-${id}-`));
          expect(fn?.CodeSha256, id).toBe(b64(bytes));
          expect(fn?.Environment?.Variables?.NODE_OPTIONS).toBe('--enable-source-maps');
        }
        // moto's CloudFormation creates the methods (with their authorization type) but implements neither
        // AWS::ApiGateway::Authorizer nor AWS::ApiGateway::GatewayResponse: the template it was given has them, and
        // the fake AWS and the schema and cfn-lint tests check them (test/unit/deploy/deploy-routes.test.ts).
        expect(Object.values(template.Resources).map((r) => r.Type)).toEqual(
          expect.arrayContaining(['AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::GatewayResponse']),
        );
        const apiId = apis.item.find((a) => a.name === 'sample-api')!.id;
        const listed = (await (await fetch(`${endpoint}/restapis/${apiId}/resources?embed=methods`, { headers: auth })).json()) as {
          item: { path: string; resourceMethods?: Record<string, { authorizationType: string }> }[];
        };
        const methods = Object.fromEntries(
          listed.item.flatMap((r) => Object.entries(r.resourceMethods ?? {}).map(([m, v]) => [`${m} ${r.path}`, v.authorizationType])),
        );
        expect(methods).toMatchObject({ 'GET /hello': 'NONE', 'OPTIONS /hello': 'NONE', 'GET /notes/{id}': 'COGNITO_USER_POOLS' });
      });
      const calls: string[] = [];
      const again = await run(counted(motoFactory(), calls));
      expect(again.code, again.stderr).toBe(0);
      expect(again.json().outcome).toBe('no-changes');
      expect(calls).toEqual(['CloudFormation:DescribeStacks', 'CloudFormation:GetTemplate']);
    } finally {
      await project.cleanup();
    }
  });

  it("a code-only change to one handler file of the sample app modifies that file's functions alone, and Lambda then has the new zip", async (ctx) => {
    ctx.skip(!MOTO, NO_MOTO);
    // As above, moto evaluates no Conditions on update: this deploys the project functions' part of the template.
    const project = await tempDir('authstack-moto-code-');
    try {
      await cp(fileURLToPath(new URL('../../starter', import.meta.url)), project.dir, { recursive: true });
      const config = JSON.parse(await readFile(join(project.dir, 'authstack.config.json'), 'utf8')) as { routes: Record<string, never> };
      const model = buildStackModel({ routes: config.routes });
      const ids = ['ApiHelloHello', 'ApiNotesGetnote'];
      const run = async () => {
        const assets = await buildFunctions(model, { projectDir: project.dir, apiZip: { zip: Buffer.from('unused'), file: 'unused' } });
        const { template } = synthesizeText(model, assets);
        const keep = ids.flatMap((id) => [`${id}FunctionLogGroup`, `${id}FunctionRole`, `${id}Function`]);
        const resources = Object.fromEntries(
          keep.map((id) => {
            const r = template.Resources[id]!;
            return [
              id,
              r.Type === 'AWS::Lambda::Function'
                ? { ...r, Properties: { ...r.Properties, Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } } } }
                : r,
            ];
          }),
        );
        const body = templateText({ ...template, Rules: undefined, Conditions: undefined, Outputs: undefined, Resources: resources });
        const mine = Object.values(assets).filter((a) => a.functionId !== 'api');
        const result = await signed(async () =>
          deployStack(
            {
              stackName: 'samplecode',
              region: REGION,
              templateBody: body,
              templateParameters: templateParameterNames(parseTemplate(body)),
              parameters: {},
              assets: mine,
              yes: true,
              pollIntervalMs: 50,
            },
            { ...(await services(motoFactory())), resolveNs: async () => [], clock: realClock, confirm: async () => true, emit: () => undefined },
          ),
        );
        return { result, assets };
      };
      expect((await run()).result.outcome).toBe('created');
      const notes = join(project.dir, 'api/notes.ts');
      await writeFile(notes, (await readFile(notes, 'utf8')).replace('statusCode: 200', 'statusCode: 200 + 0'));
      const { result, assets } = await run();
      expect(result.outcome).toBe('code-only');
      expect(result.changes.map((c) => `${c.action} ${c.logicalId}`)).toEqual(['Modify ApiNotesGetnoteFunction']);
      await signed(async () => {
        const resources =
          (await (await motoFactory().cloudformation()).send(new CFN.DescribeStackResourcesCommand({ StackName: 'samplecode' }))).StackResources ?? [];
        const name = resources.find((r) => r.LogicalResourceId === 'ApiNotesGetnoteFunction')!.PhysicalResourceId!;
        const fn = await (await motoFactory().lambda()).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
        expect(fn.CodeSha256).toBe(b64(Buffer.from(assets['api-notes-getnote']!.zip)));
      });
    } finally {
      await project.cleanup();
    }
  });

  it('destroy deletes the stack and leaves the artifact bucket and the code in it', async (ctx) => {
    ctx.skip(!MOTO, NO_MOTO);
    const r = await cli(['destroy', '--yes', '--poll-interval', '50ms']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`The artifact bucket ${BUCKET} was kept`);
    await signed(async () => {
      const client = await motoFactory().s3();
      await client.send(new S3.HeadBucketCommand({ Bucket: BUCKET }));
      expect((await client.send(new S3.ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount).toBeGreaterThan(0);
      const stacks = await (await motoFactory().cloudformation()).send(new CFN.ListStacksCommand({}));
      expect(stacks.StackSummaries?.find((x) => x.StackName === 'authstack')?.StackStatus).toBe('DELETE_COMPLETE');
    });
  });
});
