/**
 * The routes' handlers checked for real before anything is built: the file exists inside the project and compiles,
 * and its module exports the name the route gives (esbuild's metafile lists a module's exports, `export *` and
 * re-exports resolved), so a typo is one line naming the route's key, not a function that fails on AWS.
 */
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseHandler, type RouteSettings } from './routes.js';
import { errorMessage } from './errors.js';

/** Every problem with the routes' handlers, each naming the route's key; empty when all exist. */
export async function checkRouteHandlers(projectDir: string, routes: Readonly<Record<string, RouteSettings>>): Promise<string[]> {
  const byFile = new Map<string, { key: string; name: string }[]>();
  for (const [key, route] of Object.entries(routes)) {
    const handler = parseHandler(route.handler);
    if (!handler) continue;
    byFile.set(handler.file, [...(byFile.get(handler.file) ?? []), { key, name: handler.export }]);
  }
  const problems: string[] = [];
  for (const [file, uses] of byFile) {
    const at = (key: string) => `"routes.${key}.handler"`;
    const path = resolve(projectDir, file);
    if (relative(projectDir, path).startsWith('..')) {
      problems.push(`${at(uses[0]!.key)}: ${file} is outside the project`);
      continue;
    }
    const found = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!found) {
      problems.push(`${at(uses[0]!.key)}: there is no file ${file} in ${projectDir}`);
      continue;
    }
    const result = await moduleExports(projectDir, path);
    if ('error' in result) {
      problems.push(`${at(uses[0]!.key)}: ${result.error}`);
      continue;
    }
    for (const use of uses) {
      if (!result.exports.includes(use.name)) {
        problems.push(`${at(use.key)}: ${file} has no export "${use.name}" (it exports ${result.exports.join(', ') || 'nothing'})`);
      }
    }
  }
  return problems;
}

/** The module's export names as esbuild sees them, or its first compile error as `file:line:column: message`. */
export async function moduleExports(projectDir: string, path: string): Promise<{ exports: string[] } | { error: string }> {
  const { build } = await import('esbuild');
  try {
    const result = await build({
      absWorkingDir: projectDir,
      entryPoints: [path],
      bundle: true,
      packages: 'external',
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      outdir: 'out',
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
    return { exports: output?.exports ?? [] };
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    if (!first) return { error: `cannot be read: ${errorMessage(err)}` };
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    return { error: `${where}${first.text}` };
  }
}
