// The cognito-local files authstack deep-imports (from its private lib/, which has no "exports" map and may move
// in any release): read from the one module that imports them, so this list cannot drift from the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const COGNITO_LOCAL_IMPORTER = join('src', 'local', 'cognito-local-modules.ts');

/** Every `cognito-local/…` specifier imported by `source`, in order of appearance, without duplicates. */
export function cognitoLocalSpecifiers(source) {
  return [...new Set([...source.matchAll(/import\(\s*['"](cognito-local\/[^'"]+)['"]/g)].map((m) => m[1]))];
}

/**
 * Throws one error naming every module the installed cognito-local no longer has, with what to do about it.
 * `resolve` is a require.resolve from the project root.
 */
export function checkCognitoLocalModules(root, resolve) {
  const specifiers = cognitoLocalSpecifiers(readFileSync(join(root, COGNITO_LOCAL_IMPORTER), 'utf8'));
  if (specifiers.length === 0) throw new Error(`build: found no cognito-local import in ${COGNITO_LOCAL_IMPORTER}`);
  const missing = specifiers.filter((specifier) => {
    try {
      resolve(specifier);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    let version = 'unknown';
    try {
      version = JSON.parse(readFileSync(resolve('cognito-local/package.json'), 'utf8')).version;
    } catch {
      /* reported as unknown */
    }
    throw new Error(
      `build: cognito-local ${version} no longer has ${missing.join(', ')} (deep-imported by ${COGNITO_LOCAL_IMPORTER}). ` +
        'Its lib/ is private and moved: install the version package.json pins, or update the imports to the new layout.',
    );
  }
  return specifiers;
}
