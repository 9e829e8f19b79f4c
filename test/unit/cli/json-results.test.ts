import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../../helpers/run-cli.js';
import { deployWorld, type DeployWorld } from '../deploy/helpers.js';
import { startDevInProcess, type DevInProcess } from '../../helpers/dev-in-process.js';

/**
 * Every command that prints a `--json` document prints one that matches its exported type in
 * src/commands/results.ts: the schemas are generated from those types (once, ~2 s of CPU for the TypeScript
 * compiler: the reason this file is slower than most), and each command is run in-process for real.
 */
const RESULTS = fileURLToPath(new URL('../../../src/commands/results.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../fixtures/json-results.tsconfig.json', import.meta.url));

let schemaOf: (type: string) => ValidateFunction;
beforeAll(() => {
  const generator = createGenerator({ path: RESULTS, tsconfig: TSCONFIG, skipTypeCheck: true, additionalProperties: false });
  const ajv = new Ajv({ allErrors: true, strict: false });
  const cache = new Map<string, ValidateFunction>();
  schemaOf = (type) => {
    if (!cache.has(type)) cache.set(type, ajv.compile(generator.createSchema(type)));
    return cache.get(type)!;
  };
}, 60_000);

/** The run printed exactly one JSON document, and it is a `type`. */
function expectDocument(r: CliResult, type: string): Record<string, unknown> {
  const doc = r.json<Record<string, unknown>>();
  const validate = schemaOf(type);
  expect(validate(doc), `${type}: ${JSON.stringify(validate.errors)}\n${r.stdout}`).toBe(true);
  return doc;
}

describe('--json results of the local-stack commands match their types', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dev: DevInProcess;
  const run = (argv: string[], stdin?: string) => runCli([...argv, '--json'], { cwd: tmp.dir, stdin });
  const email = 'ada@example.com';
  const password = 'Corr3ct-Horse!';

  beforeAll(async () => {
    tmp = await tempDir();
    dev = await startDevInProcess(tmp.dir, ['--json']);
  }, 60_000);
  afterAll(async () => {
    await dev?.stop();
    await tmp?.cleanup();
  });

  it('health, signup, validate, login, token, profile, logout and smoke', async () => {
    expectDocument(await run(['health']), 'HealthResult');
    expectDocument(await run(['signup', email, '--password-stdin'], password), 'SignupResult');
    expect(expectDocument(await run(['validate', email, '--resend']), 'ValidateResult')).toMatchObject({ resent: true });
    expect(expectDocument(await run(['validate', email]), 'ValidateResult')).toMatchObject({ status: 'Confirmed' });
    expectDocument(await run(['login', email, '--password-stdin'], password), 'LoginResult');
    expectDocument(await run(['token']), 'TokenResult');
    expectDocument(await run(['token', '--id']), 'TokenResult');
    expect(expectDocument(await run(['profile']), 'ProfileResult')).toMatchObject({ email });
    expect(expectDocument(await run(['logout']), 'LogoutResult')).toMatchObject({ loggedOut: true });
    expect(expectDocument(await run(['logout']), 'LogoutResult')).toMatchObject({ loggedOut: false });
    expect(expectDocument(await run(['smoke']), 'SmokeResult')).toMatchObject({ ok: true });
  });

  it('password forgot/reset/change, whoami, users and account delete', async () => {
    const bea = 'bea@example.com';
    const newPassword = 'N3w-battery-staple!';
    expect(expectDocument(await run(['users', 'create', bea, '--password-stdin', '--attribute', 'name=Bea'], password), 'UserResult')).toMatchObject({
      status: 'CONFIRMED',
    });
    expectDocument(await run(['users', 'list', '--limit', '1']), 'UsersListResult');
    expectDocument(await run(['users', 'show', bea]), 'UserResult');
    for (const action of ['disable', 'enable', 'sign-out']) expectDocument(await run(['users', action, bea]), 'UserActionResult');
    expectDocument(await run(['users', 'groups', 'list', bea]), 'UsersGroupsListResult');
    expectDocument(await run(['password', 'forgot', bea]), 'PasswordForgotResult');
    expectDocument(await run(['password', 'reset', bea, '--password-stdin'], newPassword), 'PasswordResetResult');
    expectDocument(await run(['login', bea, '--password-stdin'], newPassword), 'LoginResult');
    expectDocument(await run(['whoami']), 'WhoamiResult');
    expectDocument(await run(['password', 'change', '--password-stdin'], `${newPassword}\n${password}`), 'PasswordChangeResult');
    expectDocument(await run(['account', 'delete', '--yes']), 'AccountDeleteResult');
    await writeFile(join(tmp.dir, 'users.json'), JSON.stringify([{ email: 'cy@example.com' }]));
    expect(expectDocument(await run(['users', 'import', 'users.json']), 'UsersImportResult')).toMatchObject({ created: ['cy@example.com'] });
    expectDocument(await run(['users', 'reset-password', email]), 'UserActionResult');
    expectDocument(await run(['users', 'delete', email, '--yes']), 'UserActionResult');
  });

  it('an error is an ErrorResult', async () => {
    const r = await run(['login', 'nobody@example.com', '--password-stdin'], password);
    expect(r.code).not.toBe(0);
    expectDocument(r, 'ErrorResult');
  });

  it('dev prints its document when ready', async () => {
    const r = await dev.stop();
    expect(r.code).toBe(130);
    expectDocument(r, 'DevResult');
  });
});

describe('--json results of the AWS commands match their types', () => {
  let w: DeployWorld;
  beforeAll(async () => (w = await deployWorld()));
  afterAll(async () => w?.cleanup());

  it('deploy (change set only, then deployed), status, outputs, logs and destroy', async () => {
    const zip = await w.zip();
    expect(expectDocument(await w.run(['deploy', '--yes', '--zip', zip, '--no-execute', '--poll-interval', '1ms', '--json']), 'DeployResult')).toMatchObject({
      outcome: 'change-set-only',
    });
    expect(expectDocument(await w.deploy(['--json']), 'DeployResult')).toMatchObject({ outcome: 'created', health: { healthy: true } });
    expect(expectDocument(await w.run(['status', '--json']), 'StatusResult')).toMatchObject({ health: { healthy: true } });
    expectDocument(await w.run(['outputs', '--json']), 'OutputsResult');
    expectDocument(await w.run(['outputs', '--format', 'env', '--json']), 'OutputsFileResult');
    expectDocument(await w.run(['iam-policy', '--json']), 'IamPolicyResult');
    expectDocument(await w.run(['synth', '--json']), 'SynthResult');
    expect(expectDocument(await w.run(['synth', '--out', 'template.json', '--json']), 'SynthResult')).toMatchObject({
      file: expect.stringMatching(/template\.json$/),
    });
    w.aws.putLogEvents('/aws/lambda/authstack-api', [
      { timestamp: Date.now() - 1000, message: `${JSON.stringify({ level: 'info', msg: 'request', method: 'GET', path: '/app/health', status: 200 })}\n` },
      { timestamp: Date.now() - 500, message: 'END RequestId: abc\n' },
    ]);
    expect(expectDocument(await w.run(['logs', '--json']), 'LogsResult')).toMatchObject({ events: [{ request: { path: '/app/health' } }, {}] });
    expect(expectDocument(await w.run(['destroy', '--yes', '--poll-interval', '1ms', '--json']), 'DestroyResult')).toMatchObject({ outcome: 'deleted' });
    expectDocument(await w.run(['destroy', '--yes', '--poll-interval', '1ms', '--json']), 'DestroyResult');
  });

  it('package', async () => {
    expectDocument(await w.run(['package', '--out', 'lambda.zip', '--json']), 'PackageResult');
  });
});
