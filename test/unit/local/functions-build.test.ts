/**
 * The dev builder of the project's handlers: one bundle per handler file from the wrapper entry, rebuilt only where
 * an edited file is used, a broken edit reported with its file and line while the last good bundle stays.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FunctionModel } from '../../../src/core/stack-model.js';
import { CompileError, createDevBuilder, watchBundles, type DevBuilder, type RebuildOutcome } from '../../../src/local/functions/build.js';
import { tempDir } from '../../helpers/run-cli.js';

const WRAPPER = resolve(import.meta.dirname, '../../../src/runtime/user-handler.ts');

const fn = (id: string, file: string, name: string, groups: Record<string, string[]>): FunctionModel => ({
  id,
  entry: file,
  handler: `index.${name}`,
  environment: {},
  memorySize: 128,
  timeout: 3,
  source: { file, export: name, groups },
});

/** A Cognito trigger's function, as the stack model has it: no `source`, the file as its entry. */
const trigger = (id: string, file: string, name: string, triggerName: FunctionModel['trigger']): FunctionModel => ({
  id,
  entry: file,
  handler: `index.${name}`,
  environment: {},
  memorySize: 128,
  timeout: 5,
  trigger: triggerName,
});

const FUNCTIONS = [
  fn('api-notes-get', 'api/notes.ts', 'get', { 'GET /notes/{id}': [] }),
  fn('api-notes-admin', 'api/notes.ts', 'admin', { 'GET /notes/admin': ['admin'] }),
  fn('api-hello-hello', 'api/hello.ts', 'hello', { 'GET /hello': [] }),
  trigger('trigger-pre-sign-up', 'auth/triggers.ts', 'preSignUp', 'preSignUp'),
  trigger('trigger-post-confirmation', 'auth/triggers.ts', 'postConfirmation', 'postConfirmation'),
];

let tmp: Awaited<ReturnType<typeof tempDir>>;
let builder: DevBuilder;
const at = (...p: string[]) => join(tmp.dir, ...p);

beforeAll(async () => {
  tmp = await tempDir('authstack-build-');
  await mkdir(at('api', 'lib'), { recursive: true });
  await mkdir(at('node_modules', 'dep'), { recursive: true });
  await writeFile(at('node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep', type: 'module', main: 'index.js' }));
  await writeFile(at('node_modules', 'dep', 'index.js'), 'export const dep = "from a package";\n');
  await writeFile(at('api', 'lib', 'words.ts'), 'export const word: string = "note";\n');
  await writeFile(
    at('api', 'notes.ts'),
    `import { word } from './lib/words';\nimport { dep } from 'dep';\nexport const get = async () => ({ statusCode: 200, body: word + ' ' + dep });\nexport const admin = async () => ({ statusCode: 200, body: 'admin' });\n`,
  );
  await writeFile(at('api', 'hello.ts'), `export const hello = async () => ({ statusCode: 200, body: 'hello v1' });\n`);
  await mkdir(at('auth'), { recursive: true });
  await writeFile(at('auth', 'domain.ts'), 'export const domain: string = "example.com";\n');
  await writeFile(
    at('auth', 'triggers.ts'),
    `import { domain } from './domain';\nexport const preSignUp = async (event: any) => ({ ...event, seen: domain });\nexport const postConfirmation = async (event: any) => event;\n`,
  );
  builder = createDevBuilder({ projectDir: tmp.dir, outDir: at('.authstack', 'build'), wrapperPath: WRAPPER, functions: FUNCTIONS, incremental: true });
  await builder.build();
});

afterAll(async () => {
  await builder?.dispose();
  await tmp?.cleanup();
});

/** Loads a bundle as a fresh module (a query makes the loader read it again) and calls one export with an event. */
async function call(functionId: string, name: string, event: Record<string, unknown>) {
  const mod = await import(`${pathToFileURL(builder.bundlePath(functionId)).href}?v=${Math.random()}`);
  return mod[name](event, {});
}

describe('the dev builder', () => {
  it("builds one bundle per handler file, each export wrapped with its routes' group rules", async () => {
    expect(builder.bundlePath('api-notes-get')).toBe(builder.bundlePath('api-notes-admin'));
    expect(builder.bundlePath('api-hello-hello')).not.toBe(builder.bundlePath('api-notes-get'));
    expect(await call('api-notes-get', 'get', { httpMethod: 'GET', resource: '/notes/{id}' })).toEqual({ statusCode: 200, body: 'note from a package' });
    const refused = await call('api-notes-admin', 'admin', {
      httpMethod: 'GET',
      resource: '/notes/admin',
      requestContext: { authorizer: { claims: { 'cognito:groups': 'editor' } } },
    });
    expect(refused.statusCode).toBe(403);
    const admitted = await call('api-notes-admin', 'admin', {
      httpMethod: 'GET',
      resource: '/notes/admin',
      requestContext: { authorizer: { claims: { 'cognito:groups': 'editor,admin' } } },
    });
    expect(admitted).toEqual({ statusCode: 200, body: 'admin' });
  });

  it("builds a trigger's file as it is (Cognito's event in, the event out, no HTTP wrapper), one bundle for its triggers", async () => {
    expect(builder.bundlePath('trigger-pre-sign-up')).toBe(builder.bundlePath('trigger-post-confirmation'));
    const event = { triggerSource: 'PreSignUp_SignUp', request: { userAttributes: {} }, response: {} };
    expect(await call('trigger-pre-sign-up', 'preSignUp', event)).toEqual({ ...event, seen: 'example.com' });
  });

  it("rebuilds a trigger's bundle (and only it) when a file it uses changes", async () => {
    await writeFile(at('auth', 'domain.ts'), 'export const domain: string = "example.org";\n');
    const outcomes = await builder.rebuild([at('auth', 'domain.ts')]);
    expect(outcomes.map((o) => [o.file, o.ok, o.functionIds])).toEqual([['auth/triggers.ts', true, ['trigger-pre-sign-up', 'trigger-post-confirmation']]]);
    expect(await call('trigger-pre-sign-up', 'preSignUp', {})).toEqual({ seen: 'example.org' });
  });

  it("writes an inline source map that names the handler's own file", async () => {
    const code = await readFile(builder.bundlePath('api-hello-hello'), 'utf8');
    const map = JSON.parse(Buffer.from(/sourceMappingURL=data:application\/json;base64,(\S+)/.exec(code)![1]!, 'base64').toString());
    expect(map.sources.some((s: string) => s.endsWith('api/hello.ts'))).toBe(true);
  });

  it('watches the folders of the project files the bundles use, not node_modules', () => {
    expect(builder.folders()).toEqual([at('api'), at('api', 'lib'), at('auth')]);
  });

  it('rebuilds only the bundles that use a changed file (a helper counts), and none for a file no bundle uses', async () => {
    await writeFile(at('api', 'lib', 'words.ts'), 'export const word: string = "memo";\n');
    const outcomes = await builder.rebuild([at('api', 'lib', 'words.ts')]);
    expect(outcomes.map((o) => [o.file, o.ok])).toEqual([['api/notes.ts', true]]);
    expect(outcomes[0]!.functionIds).toEqual(['api-notes-get', 'api-notes-admin']);
    expect((await call('api-notes-get', 'get', { httpMethod: 'GET', resource: '/notes/{id}' })).body).toBe('memo from a package');
    expect(await builder.rebuild([at('README.md')])).toEqual([]);
  });

  it('a compile error names the file, line and column, and leaves the last good bundle in place', async () => {
    const before = await readFile(builder.bundlePath('api-hello-hello'), 'utf8');
    await writeFile(at('api', 'hello.ts'), `export const hello = async () => ({ statusCode: 200, body: 'hello v2' });\nexport const broken = ;\n`);
    const [outcome] = await builder.rebuild([at('api', 'hello.ts')]);
    expect(outcome?.ok).toBe(false);
    if (outcome?.ok !== false) return;
    expect(outcome.error).toBeInstanceOf(CompileError);
    expect(outcome.error.message).toBe('api/hello.ts:2:23: Unexpected ";"');
    expect(await readFile(builder.bundlePath('api-hello-hello'), 'utf8')).toBe(before);
    await writeFile(at('api', 'hello.ts'), `export const hello = async () => ({ statusCode: 200, body: 'hello v1' });\n`);
    await mkdir(at('auth'), { recursive: true });
    await writeFile(at('auth', 'domain.ts'), 'export const domain: string = "example.com";\n');
    await writeFile(
      at('auth', 'triggers.ts'),
      `import { domain } from './domain';\nexport const preSignUp = async (event: any) => ({ ...event, seen: domain });\nexport const postConfirmation = async (event: any) => event;\n`,
    );
    expect((await builder.rebuild([at('api', 'hello.ts')]))[0]?.ok).toBe(true);
  });

  it('watchBundles hands over the rebuilt bundle after an edit', async () => {
    const seen: RebuildOutcome[][] = [];
    let done: () => void = () => undefined;
    const rebuilt = new Promise<void>((r) => (done = r));
    const watcher = watchBundles(
      builder,
      (outcomes) => {
        seen.push(outcomes);
        done();
      },
      (error) => {
        throw error;
      },
    );
    try {
      await writeFile(at('api', 'hello.ts'), `export const hello = async () => ({ statusCode: 200, body: 'hello v3' });\n`);
      await rebuilt;
    } finally {
      watcher.close();
    }
    expect(seen[0]!.map((o) => [o.file, o.ok])).toEqual([['api/hello.ts', true]]);
    expect((await call('api-hello-hello', 'hello', { httpMethod: 'GET', resource: '/hello' })).body).toBe('hello v3');
  });
});
