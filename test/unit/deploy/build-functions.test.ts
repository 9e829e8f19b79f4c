/**
 * Each declared function built into its own zip, named by its hash, and the template naming each one; the project's
 * handlers one bundle per handler file, wrapped, with a source map that makes traces name the TypeScript.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStackModel, type StackModel } from '../../../src/core/stack-model.js';
import { assetKey } from '../../../src/deploy/assets.js';
import { buildFunctions, bundleHandlerFile } from '../../../src/deploy/build-functions.js';
import { synthesize } from '../../../src/deploy/template/index.js';
import { readZip } from '../../helpers/lambda-zip.js';
import { tempDir } from '../../helpers/run-cli.js';

let tmp: Awaited<ReturnType<typeof tempDir>> | undefined;
let other: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(async () => {
  await tmp?.cleanup();
  await other?.cleanup();
  other = undefined;
});

const STARTER = fileURLToPath(new URL('../../../starter', import.meta.url));
const API_ZIP = { zip: Buffer.from('api zip'), file: 'api.zip' };

/** The sample app `authstack init` writes, in a fresh folder, with a third route served by notes.ts. */
async function sampleApp(prefix = 'authstack-build-'): Promise<{ dir: string; model: StackModel; cleanup(): Promise<void> }> {
  const project = await tempDir(prefix);
  await cp(STARTER, project.dir, { recursive: true });
  await writeFile(
    join(project.dir, 'api/notes.ts'),
    `${await readFile(join(project.dir, 'api/notes.ts'), 'utf8')}\nexport const removeNote: RouteHandler = async () => ({ statusCode: 204, body: '' });\n`,
  );
  const config = JSON.parse(await readFile(join(project.dir, 'authstack.config.json'), 'utf8')) as { routes: Record<string, unknown> };
  const model = buildStackModel({
    groups: ['admin'],
    routes: { ...(config.routes as Record<string, never>), 'DELETE /notes/{id}': { handler: 'api/notes.ts#removeNote', access: { groups: ['admin'] } } },
  });
  return { ...project, model };
}

const byName = (zip: Uint8Array) => Object.fromEntries(readZip(Buffer.from(zip)).map((e) => [e.name, e.data.toString('utf8')]));

function withWorker(model: StackModel): StackModel {
  return {
    ...model,
    functions: [...model.functions, { id: 'worker', entry: 'worker.mjs', handler: 'index.handler', environment: {}, memorySize: 128, timeout: 5 }],
  };
}

describe('buildFunctions', () => {
  it('uses the API zip as given (the shipped one or --zip) and bundles another function from its entry with esbuild, deterministically', async () => {
    tmp = await tempDir('authstack-build-');
    await writeFile(join(tmp.dir, 'worker.mjs'), 'export const handler = async () => ({ ok: true });\n');
    const model = withWorker(buildStackModel());
    const apiZip = { zip: Buffer.from('api zip'), file: 'api.zip' };
    const first = await buildFunctions(model, { projectDir: tmp.dir, apiZip });
    const again = await buildFunctions(model, { projectDir: tmp.dir, apiZip });
    expect(first.api!.sha256).toBe(createHash('sha256').update('api zip').digest('hex'));
    expect(first.worker!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.worker!.zip.subarray(0, 2).toString()).toBe('PK');
    expect(again.worker!.sha256).toBe(first.worker!.sha256);
    // Each function's Code names its own object.
    const template = synthesize(model, first);
    expect(template.Resources.Function!.Properties!.Code).toMatchObject({ S3Key: assetKey(first.api!) });
    expect(template.Resources.WorkerFunction!.Properties!.Code).toMatchObject({ S3Key: assetKey(first.worker!) });
  });

  it('a function whose entry does not build is one clear line naming the entry', async () => {
    tmp = await tempDir('authstack-build-');
    await writeFile(join(tmp.dir, 'worker.mjs'), 'export const handler = async () => {;\n');
    await expect(buildFunctions(withWorker(buildStackModel()), { projectDir: tmp.dir, apiZip: { zip: Buffer.from('x'), file: 'x' } })).rejects.toThrow(
      new RegExp(`^Could not build the function ${join(tmp.dir, 'worker.mjs').replace(/[/.]/g, '\\$&')}: line 2: Unexpected end of file$`),
    );
  });
});

describe("buildFunctions: the project's handlers", () => {
  it("builds one zip per handler file, shared by that file's functions, each export wrapped under its own name, with its source map", async () => {
    const app = await sampleApp();
    tmp = app;
    const built = await buildFunctions(app.model, { projectDir: app.dir, apiZip: API_ZIP });
    const ids = app.model.functions.filter((f) => f.source).map((f) => [f.id, f.source!.file] as const);
    expect(ids).toEqual([
      ['api-hello-hello', 'api/hello.ts'],
      ['api-notes-getnote', 'api/notes.ts'],
      ['api-notes-removenote', 'api/notes.ts'],
    ]);
    expect(built['api-notes-getnote']!.sha256).toBe(built['api-notes-removenote']!.sha256);
    expect(built['api-hello-hello']!.sha256).not.toBe(built['api-notes-getnote']!.sha256);
    const notes = byName(built['api-notes-getnote']!.zip);
    expect(Object.keys(notes)).toEqual(['index.mjs', 'index.mjs.map']);
    expect(notes['index.mjs']).toMatch(/export\s*\{[^}]*as getNote[^}]*as removeNote|export\s*\{[^}]*as removeNote[^}]*as getNote/);
    expect(notes['index.mjs']).toContain('//# sourceMappingURL=index.mjs.map');
    const map = JSON.parse(notes['index.mjs.map']!) as { sources: string[] };
    expect(map.sources).toEqual(expect.arrayContaining(['api/notes.ts', 'authstack/src/runtime/user-handler.ts']));
    // Each function's Code names its file's zip; its Handler the export.
    const R = synthesize(app.model, built).Resources;
    expect(R.ApiNotesRemovenoteFunction!.Properties).toMatchObject({ Handler: 'index.removeNote', Code: { S3Key: assetKey(built['api-notes-getnote']!) } });
    expect(R.ApiHelloHelloFunction!.Properties!.Code).toMatchObject({ S3Key: assetKey(built['api-hello-hello']!) });
  });

  it('gives the same bytes for the same source, wherever the project lives, and new bytes for that file alone when it changes', async () => {
    const app = await sampleApp();
    tmp = app;
    const moved_ = await sampleApp('authstack-elsewhere-');
    other = moved_;
    const first = await buildFunctions(app.model, { projectDir: app.dir, apiZip: API_ZIP });
    const moved = await buildFunctions(moved_.model, { projectDir: moved_.dir, apiZip: API_ZIP });
    for (const id of Object.keys(first)) expect(moved[id]!.sha256, id).toBe(first[id]!.sha256);
    await writeFile(join(app.dir, 'api/hello.ts'), (await readFile(join(app.dir, 'api/hello.ts'), 'utf8')).replace('Hello, ', 'Hi, '));
    const changed = await buildFunctions(app.model, { projectDir: app.dir, apiZip: API_ZIP });
    expect(changed['api-hello-hello']!.sha256).not.toBe(first['api-hello-hello']!.sha256);
    expect(changed['api-notes-getnote']!.sha256).toBe(first['api-notes-getnote']!.sha256);
    expect(changed.api!.sha256).toBe(first.api!.sha256);
  });

  it("runs the wrapper around the handler (group rule, 403) and a thrown error's trace names the TypeScript file and line under NODE_OPTIONS=--enable-source-maps, as the template sets it", async () => {
    tmp = await tempDir('authstack-build-');
    await mkdir(join(tmp.dir, 'api'));
    // Line 4, column 9 is the throw.
    await writeFile(
      join(tmp.dir, 'api/boom.ts'),
      'type Ev = { path: string };\nexport const boom = async (event: Ev): Promise<{ statusCode: number; body: string }> => {\n  const where: string = event.path;\n  throw new Error(`boom at ${where}`);\n};\n',
    );
    const zip = await bundleHandlerFile({ projectDir: tmp.dir, file: 'api/boom.ts', exports: { boom: { 'GET /boom': [], 'DELETE /boom': ['admin'] } } });
    const out = join(tmp.dir, 'unzipped');
    await mkdir(out);
    for (const [name, text] of Object.entries(byName(zip))) await writeFile(join(out, name), text);
    const model = buildStackModel({ routes: { 'GET /boom': { handler: 'api/boom.ts#boom', access: 'public' } } });
    const env = synthesize(model, { api: { sha256: 'ab'.repeat(32) }, 'api-boom-boom': { sha256: 'cd'.repeat(32) } }).Resources.ApiBoomBoomFunction!.Properties!
      .Environment as { Variables: Record<string, string> };
    expect(env.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    const script = [
      `const { boom } = await import(${JSON.stringify(join(out, 'index.mjs'))});`,
      "const event = (httpMethod, groups) => ({ httpMethod, resource: '/boom', path: '/boom', requestContext: { authorizer: { claims: { 'cognito:groups': groups } } } });",
      "const denied = await boom(event('DELETE', 'editor'), {});",
      "const failed = await boom(event('GET', ''), {});",
      'console.log(JSON.stringify({ denied: denied.statusCode, failed: failed.statusCode }));',
    ].join('\n');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: env.Variables.NODE_OPTIONS },
    });
    expect(JSON.parse(stdout)).toEqual({ denied: 403, failed: 502 });
    const logged = JSON.parse(stderr.trim().split('\n').at(-1)!) as { message: string; stack: string };
    expect(logged.message).toBe('the handler threw');
    expect(logged.stack).toMatch(/api\/boom\.ts:4:9/);
  });

  it('a compile error is one line with the file, line and message (exit 2)', async () => {
    tmp = await tempDir('authstack-build-');
    await mkdir(join(tmp.dir, 'api'));
    await writeFile(
      join(tmp.dir, 'api/notes.ts'),
      "import { nope } from 'not-installed-anywhere';\nexport const get = async () => ({ statusCode: 200, body: nope });\n",
    );
    const model = buildStackModel({ routes: { 'GET /notes': { handler: 'api/notes.ts#get', access: 'public' } } });
    const failure = await buildFunctions(model, { projectDir: tmp.dir, apiZip: API_ZIP }).catch((err: unknown) => err);
    expect(failure).toMatchObject({
      kind: 'usage',
      code: 'BuildFailed',
      message: 'Could not build api/notes.ts: api/notes.ts:1:22: Could not resolve "not-installed-anywhere"',
    });
  });
});
