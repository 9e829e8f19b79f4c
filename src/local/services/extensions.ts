/**
 * Extensions of the local stack named by `AUTHSTACK_DEV_EXTENSIONS` (module files, comma-separated): each may add
 * services (after the registry's) and functions with their routes (after the model's). A way to try a local
 * service or a function before the configuration declares it, and how the tests add throw-away ones; nothing else
 * of the stack changes.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { UserError } from '../../core/errors.js';
import type { FunctionModel, RouteModel, StackModel } from '../../core/stack-model.js';
import { SERVICES } from './registry.js';
import type { LocalService } from './types.js';

const EXTENSIONS_VARIABLE = 'AUTHSTACK_DEV_EXTENSIONS';

interface LocalExtension {
  services?: readonly LocalService[];
  functions?: readonly { function: FunctionModel; routes: readonly RouteModel[] }[];
}

/** The registry's services and the model, with what the extensions add. */
export async function withExtensions(
  model: StackModel,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<{ model: StackModel; services: readonly LocalService[] }> {
  const files = (env[EXTENSIONS_VARIABLE] ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (files.length === 0) return { model, services: SERVICES };
  const extensions: LocalExtension[] = [];
  for (const file of files) {
    const path = resolve(cwd, file);
    let mod: { default?: LocalExtension } & LocalExtension;
    try {
      mod = (await import(pathToFileURL(path).href)) as typeof mod;
    } catch (error) {
      throw new UserError('usage', `${EXTENSIONS_VARIABLE}: cannot load ${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    extensions.push(mod.default ?? mod);
  }
  const added = extensions.flatMap((e) => e.functions ?? []);
  return {
    model: {
      ...model,
      functions: [...model.functions, ...added.map((a) => a.function)],
      // The extensions' routes first: the gateway picks the most specific route, so order only breaks ties.
      routes: [...added.flatMap((a) => a.routes), ...model.routes],
    },
    services: [...SERVICES, ...extensions.flatMap((e) => e.services ?? [])],
  };
}
