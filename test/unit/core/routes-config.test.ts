/**
 * The project's routes in authstack.config.json: checked in the same one pass as every other key (each problem
 * names its key path), the handlers checked for real, and the model's functions and routes they imply.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkProjectConfig, readProjectConfig } from '../../../src/core/project-config.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { pathProblem } from '../../../src/core/routes.js';
import { tempDir } from '../../helpers/run-cli.js';

const problemsOf = (value: unknown) => checkProjectConfig(value).problems;

describe('routes in the configuration', () => {
  it('accepts public, signed-in, scope and group routes, a resource server and the cache setting', () => {
    const value = {
      groups: ['admin'],
      resourceServers: { notes: { name: 'Notes', scopes: { read: 'Read notes', write: 'Write notes' } } },
      authorizerCacheSeconds: 60,
      routes: {
        'GET /hello': { handler: 'api/hello.ts#hello', access: 'public' },
        'GET /notes/{id}': { handler: 'api/notes.ts#get', access: 'signed-in' },
        'POST /notes': { handler: 'api/notes.ts#create', access: { scopes: ['notes/write'] } },
        'DELETE /notes/{id}': { handler: 'api/notes.ts#remove', access: { groups: ['admin'] } },
      },
    };
    expect(problemsOf(value)).toEqual([]);
  });

  it.each([
    ['a key that is not "<METHOD> <path>"', { 'GET/x': { handler: 'a.ts#b', access: 'public' } }, '"routes.GET/x": a route is named'],
    ['an unknown method', { 'FETCH /x': { handler: 'a.ts#b', access: 'public' } }, '"routes.FETCH /x": the method must be one of'],
    ['OPTIONS, which is answered for every path', { 'OPTIONS /x': { handler: 'a.ts#b', access: 'public' } }, 'OPTIONS is answered for you'],
    ['an unknown access rule', { 'GET /x': { handler: 'a.ts#b', access: 'admins' } }, '"routes.GET /x.access" must be "public", "signed-in"'],
    ['an access object with another key', { 'GET /x': { handler: 'a.ts#b', access: { roles: ['a'] } } }, '"routes.GET /x.access" must be'],
    ['an empty scope list', { 'GET /x': { handler: 'a.ts#b', access: { scopes: [] } } }, '"routes.GET /x.access.scopes" must be a list of at least one name'],
    [
      'a handler without an export',
      { 'GET /x': { handler: 'api/x.ts', access: 'public' } },
      '"routes.GET /x.handler" must name a file in the project and its export',
    ],
    ['a handler outside the project', { 'GET /x': { handler: '../x.ts#a', access: 'public' } }, '"routes.GET /x.handler" must name a file'],
    ['a missing access rule', { 'GET /x': { handler: 'a.ts#b' } }, '"routes.GET /x.access" is required'],
    ['an unknown route setting', { 'GET /x': { handler: 'a.ts#b', access: 'public', memory: 1 } }, '"routes.GET /x.memory" is not a setting authstack knows'],
    ['a path API Gateway refuses', { 'GET /notes/a b': { handler: 'a.ts#b', access: 'public' } }, '"routes.GET /notes/a b": a route is named'],
    ['a path character API Gateway refuses', { 'GET /notes/$x': { handler: 'a.ts#b', access: 'public' } }, 'API Gateway allows only a-zA-Z0-9._-'],
  ])('refuses %s, naming the key', (_, routes, message) => {
    expect(problemsOf({ routes }).join('\n')).toContain(message);
  });

  it('refuses a route declared twice, also when only the parameter name differs, naming both', () => {
    const routes = { 'GET /notes/{id}': { handler: 'a.ts#b', access: 'public' }, 'GET /notes/{noteId}': { handler: 'a.ts#c', access: 'public' } };
    expect(problemsOf({ routes })).toEqual(['"routes.GET /notes/{noteId}" is declared twice: "routes.GET /notes/{id}" is the same method and path']);
  });

  it('refuses sibling parameters with different names, as API Gateway does (one variable path part per level)', () => {
    const routes = { 'GET /notes/{id}': { handler: 'a.ts#b', access: 'public' }, 'PUT /notes/{noteId}/tags': { handler: 'a.ts#c', access: 'public' } };
    expect(problemsOf({ routes }).join('\n')).toContain(
      '"routes.PUT /notes/{noteId}/tags": API Gateway allows one parameter per level, and "routes.GET /notes/{id}" has {id}',
    );
  });

  it.each([
    ['GET /user/settings', 'collides with the built-in route POST /user'],
    ['GET /app/health', 'collides with the built-in route GET /app/health'],
    ['GET /{id}', 'collides with the built-in route ANY /{proxy+}'],
    ['GET /', 'collides with the built-in route ANY /'],
  ])('refuses %s, naming the built-in route it collides with', (key, message) => {
    expect(problemsOf({ routes: { [key]: { handler: 'a.ts#b', access: 'public' } } }).join('\n')).toContain(`"routes.${key}" ${message}`);
  });

  it('refuses a scope no resource server defines, listing those that exist', () => {
    const value = {
      resourceServers: { notes: { scopes: { read: 'Read' } } },
      routes: { 'GET /notes': { handler: 'a.ts#b', access: { scopes: ['notes/delete'] } } },
    };
    expect(problemsOf(value)).toEqual([
      '"routes.GET /notes.access.scopes[0]": "notes/delete" is a scope no resource server defines (known: openid, email, profile, aws.cognito.signin.user.admin, notes/read)',
    ]);
  });

  it('refuses a group the pool does not declare', () => {
    const value = { groups: ['admin'], routes: { 'GET /notes': { handler: 'a.ts#b', access: { groups: ['editors'] } } } };
    expect(problemsOf(value)).toEqual(['"routes.GET /notes.access.groups[0]": "editors" is not one of the pool\'s "groups" (admin)']);
  });

  it("refuses a resource server scope with a slash, and an authorizer cache over API Gateway's 3600 s", () => {
    const problems = problemsOf({ resourceServers: { notes: { scopes: { 'a/b': 'x' } } }, authorizerCacheSeconds: 3601 }).join('\n');
    expect(problems).toContain('"resourceServers.notes.scopes.a/b": a scope name is 1 to 256 printable characters');
    expect(problems).toContain('"authorizerCacheSeconds" must be between 0 and 3600');
  });

  it.each([
    ['/notes/{path+}', undefined],
    ['/notes/{id}/tags', undefined],
    ['/notes//x', 'has an empty segment (//)'],
    ['/notes/', 'must not end with /'],
    ['notes', 'must start with /'],
    ['/files/{path+}/x', 'has the greedy parameter {path+} before its end'],
    ['/a/{id}/b/{id}', 'names the parameter {id} twice'],
    ['/a/{i d}', 'has the segment "{i d}"'],
  ])('judges the path %s as API Gateway does', (path, problem) => {
    expect(pathProblem(path)?.slice(0, problem?.length)).toBe(problem);
  });
});

describe('the model of the routes', () => {
  it("implies one function per handler export, sharing its file, with each route's group rule; built-in routes stay first", () => {
    const model = buildStackModel({
      groups: ['admin'],
      routes: {
        'GET /notes/{id}': { handler: 'api/notes.ts#get', access: 'signed-in' },
        'DELETE /notes/{id}': { handler: 'api/notes.ts#remove', access: { groups: ['admin'] } },
        'GET /notes/{id}/raw': { handler: 'api/notes.ts#get', access: 'public' },
      },
    });
    expect(model.functions.map((f) => [f.id, f.entry, f.handler])).toEqual([
      ['api', 'src/lambda/handler.ts', 'index.handler'],
      ['api-notes-get', 'api/notes.ts', 'index.get'],
      ['api-notes-remove', 'api/notes.ts', 'index.remove'],
    ]);
    expect(model.functions[1]!.source).toEqual({ file: 'api/notes.ts', export: 'get', groups: { 'GET /notes/{id}': [], 'GET /notes/{id}/raw': [] } });
    expect(model.functions[2]!.source!.groups).toEqual({ 'DELETE /notes/{id}': ['admin'] });
    expect(model.routes.map((r) => `${r.method} ${r.path} ${r.functionId} ${r.access?.kind ?? '-'}`)).toEqual([
      'ANY / api -',
      'ANY /{proxy+} api -',
      'GET /notes/{id} api-notes-get signed-in',
      'DELETE /notes/{id} api-notes-remove groups',
      'GET /notes/{id}/raw api-notes-get public',
    ]);
    expect(model.authorizer.resultTtlInSeconds).toBe(300);
  });

  it("adds the resource servers' scopes to the app client's, so the hosted sign-in can grant them", () => {
    const model = buildStackModel({ resourceServers: { notes: { scopes: { read: 'Read' } } } });
    expect(model.client.oauthScopes).toEqual(['openid', 'email', 'profile', 'aws.cognito.signin.user.admin', 'notes/read']);
    expect(model.resourceServers).toEqual([{ identifier: 'notes', name: 'notes', scopes: [{ name: 'read', description: 'Read' }] }]);
  });
});

describe('handlers checked for real before anything is built', () => {
  let project: { dir: string; cleanup(): Promise<void> };
  beforeEach(async () => {
    project = await tempDir();
    await mkdir(join(project.dir, 'api'));
    await writeFile(join(project.dir, 'api/notes.ts'), "export { get } from './get.js';\nexport const create = async () => ({ statusCode: 201, body: '' });\n");
    await writeFile(join(project.dir, 'api/get.ts'), "export async function get() { return { statusCode: 200, body: '' }; }\n");
    await writeFile(join(project.dir, 'api/broken.ts'), 'export const x = ;\n');
  });
  afterEach(() => project.cleanup());

  const write = (routes: unknown) => writeFile(join(project.dir, 'authstack.config.json'), JSON.stringify({ routes }));

  it('accepts exports the module has, re-exports included', async () => {
    await write({
      'GET /notes/{id}': { handler: 'api/notes.ts#get', access: 'signed-in' },
      'POST /notes': { handler: 'api/notes.ts#create', access: 'signed-in' },
    });
    expect(Object.keys((await readProjectConfig(project.dir)).routes!)).toEqual(['GET /notes/{id}', 'POST /notes']);
  });

  it('refuses an export the module does not have, a missing file and a file that does not compile, each by key, exit 2', async () => {
    await write({
      'GET /notes/{id}': { handler: 'api/notes.ts#fetch', access: 'signed-in' },
      'GET /other': { handler: 'api/other.ts#get', access: 'public' },
      'GET /broken': { handler: 'api/broken.ts#x', access: 'public' },
    });
    const error = await readProjectConfig(project.dir).then(
      () => undefined,
      (e: unknown) => e as { message: string; exitCode: number },
    );
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain('"routes.GET /notes/{id}.handler": api/notes.ts has no export "fetch" (it exports create, get)');
    expect(error?.message).toContain('"routes.GET /other.handler": there is no file api/other.ts');
    expect(error?.message).toMatch(/"routes\.GET \/broken\.handler": api\/broken\.ts:1:\d+: /);
  });
});
