/**
 * `authstack init` writes a project that passes authstack's own checks (config, handlers, exports) and never
 * overwrites a file; `authstack routes` lists the built-in and the project's routes with access, handler and URL.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';

let project: { dir: string; cleanup(): Promise<void> };
beforeEach(async () => {
  project = await tempDir();
});
afterEach(() => project.cleanup());

describe('authstack init', () => {
  it('writes the configuration, two sample routes with types, their test and a README, and the routes check out', async () => {
    const first = await runCli(['init', '--json'], { cwd: project.dir });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      dir: project.dir,
      written: ['README.md', 'api/hello.ts', 'api/notes.test.ts', 'api/notes.ts', 'authstack.config.json'],
      kept: [],
    });
    const routes = await runCli(['routes', '--json'], { cwd: project.dir });
    expect(routes.code, routes.stderr).toBe(0);
    const mine = (JSON.parse(routes.stdout) as { access: string; handler: string; path: string }[]).filter((r) => r.access !== 'built-in');
    expect(mine).toEqual([
      { method: 'GET', path: '/hello', access: 'public', handler: 'api/hello.ts#hello', url: null },
      { method: 'GET', path: '/notes/{id}', access: 'signed-in', handler: 'api/notes.ts#getNote', url: null },
    ]);
  });

  it('never overwrites: a re-run keeps every file and says what exists', async () => {
    await runCli(['init'], { cwd: project.dir });
    await writeFile(join(project.dir, 'api/notes.ts'), '// mine\n');
    const again = await runCli(['init'], { cwd: project.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('exists api/notes.ts (kept as it is)');
    expect(again.stdout).toContain('Nothing to write');
    expect(await readFile(join(project.dir, 'api/notes.ts'), 'utf8')).toBe('// mine\n');
  });
});

describe('authstack routes', () => {
  it("lists the built-in routes and the project's, with the recorded target's full URL", async () => {
    await runCli(['init'], { cwd: project.dir });
    const env = { AUTHSTACK_API_URL: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/' };
    const result = await runCli(['routes', '--json'], { cwd: project.dir, env });
    const rows = JSON.parse(result.stdout) as { method: string; path: string; url: string }[];
    expect(rows.find((r) => r.path === '/app/health')).toEqual({
      method: 'GET',
      path: '/app/health',
      access: 'built-in',
      handler: 'built-in',
      url: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/app/health',
    });
    expect(rows.find((r) => r.path === '/notes/{id}')?.url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/notes/{id}');
    const text = await runCli(['routes'], { cwd: project.dir, env });
    expect(text.stdout).toMatch(/GET\s+\/notes\/\{id\}\s+signed-in\s+api\/notes\.ts#getNote\s+https:/);
  });

  it('refuses a configuration whose handler export does not exist: one line naming the key, exit 2', async () => {
    await runCli(['init'], { cwd: project.dir });
    const config = JSON.parse(await readFile(join(project.dir, 'authstack.config.json'), 'utf8')) as { routes: Record<string, { handler: string }> };
    config.routes['GET /notes/{id}']!.handler = 'api/notes.ts#getNotes';
    await writeFile(join(project.dir, 'authstack.config.json'), JSON.stringify(config));
    const result = await runCli(['routes'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"routes.GET /notes/{id}.handler": api/notes.ts has no export "getNotes" (it exports getNote)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
