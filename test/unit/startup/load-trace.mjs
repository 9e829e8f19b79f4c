// Preloaded with `node --import <this file>`: appends every module file the process loads to $AUTHSTACK_LOAD_TRACE,
// one per line. ES modules are seen by a resolve hook (which runs on the loader thread, hence the synchronous
// append there too); CommonJS files, which never reach that hook when required from CommonJS, by wrapping
// Module._load. Both run before the traced program's first import.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.AUTHSTACK_LOAD_TRACE;
if (out) {
  const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(${JSON.stringify(out)}, result.url + '\\n');
  return result;
}`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);

  const Module = createRequire(import.meta.url)('node:module');
  const load = Module._load;
  Module._load = function traced(request, parent, isMain, ...rest) {
    const exported = load.call(this, request, parent, isMain, ...rest);
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      if (file.startsWith('/')) appendFileSync(out, `file://${file}\n`);
    } catch {
      // A built-in or a virtual module: nothing on disk to report.
    }
    return exported;
  };
}
