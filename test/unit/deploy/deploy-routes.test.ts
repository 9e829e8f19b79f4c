/**
 * The sample app `authstack init` writes, deployed to the fake AWS account through the CLI: its handlers bundled one
 * zip per file and stored by hash, the routes' authorizer, methods and gateway responses in the deployed template
 * (schema-valid, every reference resolved, cfn-lint clean), a code-only change to one handler file changing only that
 * file's functions, a no-op redeploy two reads, and a handler that does not build stopping everything before AWS.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReferences } from '../../helpers/cfn-refs.js';
import { PropertiesValidator, loadResourceSchemas, validateTemplateProperties } from '../../helpers/cfn-schema.js';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const CFN_WRITES = /^(Create|Execute|Delete|Update|Continue)/;
const stack = () => w.aws.cfn.get('authstack')!;
const typesOf = (type: string) => Object.entries(stack().template.Resources).filter(([, r]) => r.Type === type);

/** `authstack init` in the world's folder, plus (optionally) a second route served by notes.ts. */
async function initSample(extraNotesRoute = false): Promise<void> {
  const init = await w.run(['init']);
  expect(init.code, init.stderr).toBe(0);
  if (!extraNotesRoute) return;
  const notes = join(w.dir, 'api/notes.ts');
  await writeFile(notes, `${await readFile(notes, 'utf8')}\nexport const listNotes: RouteHandler = async () => ({ statusCode: 200, body: '[]' });\n`);
  const file = join(w.dir, 'authstack.config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as { routes: Record<string, unknown> };
  config.routes['GET /notes'] = { handler: 'api/notes.ts#listNotes', access: 'signed-in' };
  await writeFile(file, JSON.stringify(config, null, 2));
}

describe('deploying the sample app authstack init writes', () => {
  it('creates the authorizer on the pool, the methods tied to it, the preflights and the gateway responses, each handler file stored once by hash', async () => {
    w = await deployWorld();
    await initSample();
    const r = await w.deploy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome).toBe('created');
    expect(typesOf('AWS::ApiGateway::Authorizer').map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({ Type: 'COGNITO_USER_POOLS', ProviderARNs: [{ 'Fn::GetAtt': ['UserPool', 'Arn'] }] }),
    ]);
    const methods = Object.fromEntries(
      typesOf('AWS::ApiGateway::Method').map(([, m]) => [
        `${String(m.Properties!.HttpMethod)} ${JSON.stringify(m.Properties!.ResourceId)}`,
        m.Properties!.AuthorizationType,
      ]),
    );
    expect(Object.values(methods).filter((t) => t === 'COGNITO_USER_POOLS')).toHaveLength(1);
    expect(stack().template.Resources.ApiNotesIdGetMethod!.Properties).toMatchObject({
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: 'ApiAuthorizer' },
    });
    expect(stack().template.Resources.ApiHelloGetMethod!.Properties).toMatchObject({ AuthorizationType: 'NONE' });
    expect(typesOf('AWS::ApiGateway::GatewayResponse').map(([, g]) => g.Properties!.ResponseType)).toEqual(
      expect.arrayContaining(['UNAUTHORIZED', 'ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX']),
    );
    // Every resource of the template exists in the stack, the user functions with their code from the bucket.
    expect([...stack().resources.keys()].sort()).toEqual(
      Object.keys(stack().template.Resources)
        .filter((id) => !stack().template.Resources[id]!.Condition || stack().resources.has(id))
        .sort(),
    );
    const objects = w.aws.count('s3', 'PutObject');
    expect(objects).toBe(3); // the API's zip, hello.ts's, notes.ts's
    for (const id of ['ApiHelloHelloFunction', 'ApiNotesGetnoteFunction']) {
      const fn = w.aws.functions.get(stack().resources.get(id)!.physicalId)!;
      expect(fn.codeSize, id).toBeGreaterThan(1000);
    }
  });

  it("authstack routes then lists each route with its full URL on the recorded AWS target (the stack's ApiUrl output and the path)", async () => {
    w = await deployWorld();
    await initSample();
    const deployed = await w.deploy(['--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const apiUrl = String(deployed.json().outputs.ApiUrl);
    expect(apiUrl).toMatch(/^https:\/\/[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com\/prod\/$/);
    const r = await w.run(['routes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.json() as { method: string; path: string; access: string; url: string | null }[];
    const base = apiUrl.replace(/\/$/, '');
    expect(rows.filter((row) => row.access !== 'built-in')).toEqual([
      { method: 'GET', path: '/hello', access: 'public', handler: 'api/hello.ts#hello', url: `${base}/hello` },
      { method: 'GET', path: '/notes/{id}', access: 'signed-in', handler: 'api/notes.ts#getNote', url: `${base}/notes/{id}` },
    ]);
    expect(rows.find((row) => row.path === '/user/profile')).toMatchObject({ url: `${base}/user/profile` });
    const text = await w.run(['routes']);
    expect(text.stdout).toMatch(new RegExp(`GET\\s+/notes/\\{id\\}\\s+signed-in\\s+api/notes\\.ts#getNote\\s+${base.replace(/[.]/g, '\\.')}/notes/\\{id\\}`));
  });

  it('deploys a template valid against the CloudFormation schemas, every reference resolved', async () => {
    w = await deployWorld();
    await initSample();
    expect((await w.deploy()).code).toBe(0);
    const deployed = stack().template;
    const schemas = loadResourceSchemas();
    expect(validateTemplateProperties(deployed, new PropertiesValidator(schemas))).toEqual([]);
    expect(checkReferences(deployed, schemas)).toEqual([]);
    // cfn-lint: cfn-lint.test.ts lints the template of these routes (and a scope and a group route) in its one
    // Python process, which costs ~3 s of CPU a start.
  });

  it("a code-only change to one handler file uploads that file's zip and modifies only its functions", async () => {
    w = await deployWorld();
    await initSample(true);
    expect((await w.deploy()).code).toBe(0);
    const notes = join(w.dir, 'api/notes.ts');
    await writeFile(notes, (await readFile(notes, 'utf8')).replace("'[]'", "'[ ]'"));
    const before = w.aws.calls.length;
    const r = await w.deploy(['--json']);
    const calls = w.aws.calls.slice(before);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ outcome: 'code-only', codeUploaded: true });
    expect(doc.changes.map((c: { action: string; logicalId: string }) => `${c.action} ${c.logicalId}`).sort()).toEqual([
      'Modify ApiNotesGetnoteFunction',
      'Modify ApiNotesListnotesFunction',
    ]);
    expect(calls.filter((c) => c.operation === 'PutObject')).toHaveLength(1);
    expect(calls.filter((c) => CFN_WRITES.test(c.operation)).map((c) => c.operation)).toEqual(['CreateChangeSet', 'ExecuteChangeSet']);
  });

  it('a repeat deploy of the same sample is two reads: no CloudFormation write, nothing uploaded', async () => {
    w = await deployWorld();
    await initSample();
    expect((await w.deploy()).code).toBe(0);
    const before = w.aws.calls.length;
    const r = await w.deploy();
    const calls = w.aws.calls.slice(before);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No changes');
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls.map((c) => `${c.service}:${c.operation}`)).toEqual(['cloudformation:DescribeStacks', 'cloudformation:GetTemplate']);
    expect(calls.filter((c) => CFN_WRITES.test(c.operation))).toEqual([]);
  });

  it('a handler file that does not build is one line with its file, line and message, exit 2, and nothing stored or deployed', async () => {
    w = await deployWorld();
    await initSample();
    const notes = join(w.dir, 'api/notes.ts');
    await writeFile(notes, `import 'no-such-package-here';\n${await readFile(notes, 'utf8')}`);
    const r = await w.deploy();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('error: Could not build api/notes.ts: api/notes.ts:1:8: Could not resolve "no-such-package-here"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(w.aws.calls.filter((c) => c.service === 's3' || c.service === 'cloudformation')).toEqual([]);
  });

  it("a syntax error in a handler is caught by the configuration check, naming the route's key, before anything is built (exit 2)", async () => {
    w = await deployWorld();
    await initSample();
    await writeFile(join(w.dir, 'api/hello.ts'), 'export const hello = async () => {;\n');
    const r = await w.deploy();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"routes\.GET \/hello\.handler": .*api\/hello\.ts:2:\d+: Unexpected end of file/);
    expect(w.aws.calls.filter((c) => c.service === 's3' || c.service === 'cloudformation')).toEqual([]);
  });
});
