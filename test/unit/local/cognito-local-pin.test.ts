import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { checkCognitoLocalModules, cognitoLocalSpecifiers } from '../../../scripts/cognito-local-modules.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

describe('cognito-local, deep-imported from its private lib/', () => {
  it('is pinned to one exact version, since any release may move lib/', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['cognito-local']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(requireFromRoot('cognito-local/package.json').version).toBe(pkg.devDependencies['cognito-local']);
  });

  it('the build finds every module src/local imports from it in the installed version', () => {
    const found: string[] = checkCognitoLocalModules(ROOT, requireFromRoot.resolve);
    expect(found).toContain('cognito-local/lib/server/Router.js');
  });

  it('the build stops with a message naming each module that moved', () => {
    const moved = 'cognito-local/lib/services/tokenGenerator.js';
    const resolveWithout = (specifier: string) => {
      if (specifier === moved) throw Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'MODULE_NOT_FOUND' });
      return requireFromRoot.resolve(specifier);
    };
    expect(() => checkCognitoLocalModules(ROOT, resolveWithout)).toThrow(
      /cognito-local 5\.\d+\.\d+ no longer has cognito-local\/lib\/services\/tokenGenerator\.js \(deep-imported by src\/local\/cognito-local-modules\.ts\)/,
    );
  });

  it('reads the imports from the source, so the list cannot drift from the code', () => {
    const source = "await Promise.all([import('cognito-local/lib/a.js'), import(\"cognito-local/lib/b.json\", { with: { type: 'json' } }), import('other')]);";
    expect(cognitoLocalSpecifiers(source)).toEqual(['cognito-local/lib/a.js', 'cognito-local/lib/b.json']);
  });
});
