/**
 * The project's own handlers built for `authstack dev`: one bundle per handler file, from the same entry deploy
 * ships (`bundleEntrySource`: each export wrapped with its routes' group rules), with an inline source map so a
 * stack trace names the user's TypeScript file and line. A bundle is written only when it compiled, so a broken
 * edit leaves the last good build in place (and a worker that restarts loads that one).
 *
 * With `incremental`, each bundle keeps an esbuild context: a rebuild re-reads and re-parses only what changed,
 * and the build's metafile says which files each bundle uses, so an edit rebuilds the bundles that use the edited
 * file and no other. `watchBundles` watches exactly the folders those files are in (not node_modules), so a
 * project with a large dependency tree costs no more than a small one.
 *
 * A Cognito trigger's file is bundled as it is (no wrapper: Cognito calls it with its own event), one bundle for the
 * triggers a file exports, rebuilt and watched alike.
 */
import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BuildContext, BuildOptions, Message } from 'esbuild';

import type { FunctionModel } from '../../core/stack-model.js';
import { bundleEntrySource, type RouteGroups } from '../../runtime/user-handler.js';

export interface DevBuildOptions {
  /** Where the handlers' files are (the configuration's folder). */
  readonly projectDir: string;
  /** Where the bundles are written: `<outDir>/<bundle id>/index.mjs`. */
  readonly outDir: string;
  /** The handler wrapper's source (`src/runtime/user-handler.ts` of the installed package). */
  readonly wrapperPath: string;
  /**
   * The project's functions: those with a `source` (route handlers, bundled inside the wrapper) and Cognito triggers'
   * (bundled from their file as it is: Cognito calls them with its own event); others are ignored.
   */
  readonly functions: readonly FunctionModel[];
  /** Keep an esbuild context per bundle for fast rebuilds (`dev --watch`). Default false: build once. */
  readonly incremental?: boolean;
}

/** A bundle's build that failed: its first error as `file:line:column: message`, and every error so. */
export class CompileError extends Error {
  constructor(
    readonly file: string,
    readonly errors: readonly string[],
  ) {
    super(errors[0] ?? `${file} does not compile`);
    this.name = 'CompileError';
  }
}

export type RebuildOutcome =
  | { readonly ok: true; readonly file: string; readonly functionIds: readonly string[]; readonly ms: number }
  | { readonly ok: false; readonly file: string; readonly functionIds: readonly string[]; readonly error: CompileError };

export interface DevBuilder {
  /** Builds every bundle; rejects with CompileError naming the first file that does not compile. */
  build(): Promise<void>;
  /** The bundle a function loads. */
  bundlePath(functionId: string): string;
  /** The bundles that use any of `files` (absolute paths), rebuilt; an empty list when none uses them. */
  rebuild(files: readonly string[]): Promise<RebuildOutcome[]>;
  /** The folders of the project's files the bundles use (node_modules left out). */
  folders(): string[];
  dispose(): Promise<void>;
}

/**
 * ESM output has no `require`; a bundled CommonJS dependency still calls it (the same banner as the deployed
 * bundles'). The alias cannot clash with a module's own `createRequire` import.
 */
const REQUIRE_BANNER = "import { createRequire as __authstackCreateRequire } from 'module'; const require = __authstackCreateRequire(import.meta.url);";

interface Bundle {
  /** The handler file, relative to the project. */
  file: string;
  id: string;
  /** The file as it is (a Cognito trigger's), not inside the route handlers' wrapper. */
  plain: boolean;
  functionIds: string[];
  outfile: string;
  options: BuildOptions;
  context?: BuildContext;
  inputs: Set<string>;
}

export function createDevBuilder(opts: DevBuildOptions): DevBuilder {
  const bundles = new Map<string, Bundle>();
  const byFunction = new Map<string, Bundle>();
  const exportsOf = new Map<string, Record<string, RouteGroups>>();
  const ids = new Set<string>();
  for (const fn of opts.functions) {
    const file = fn.source?.file ?? (fn.trigger ? fn.entry : undefined);
    if (file === undefined) continue;
    // A trigger's bundle is its file alone; a file that is also a route's handler has a bundle of each kind.
    const key = fn.source ? file : `trigger:${file}`;
    let bundle = bundles.get(key);
    if (!bundle) {
      const base = file
        .replace(/\.[^./]+$/, '')
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .toLowerCase();
      let id = fn.source ? base : `trigger-${base}`;
      for (let n = 2; ids.has(id); n++) id = `${fn.source ? base : `trigger-${base}`}-${n}`;
      ids.add(id);
      const outfile = join(opts.outDir, id, 'index.mjs');
      bundle = { file, id, plain: !fn.source, functionIds: [], outfile, options: {}, inputs: new Set([resolve(opts.projectDir, file)]) };
      bundles.set(key, bundle);
      exportsOf.set(key, {});
    }
    bundle.functionIds.push(fn.id);
    if (fn.source) exportsOf.get(key)![fn.source.export] = fn.source.groups;
    byFunction.set(fn.id, bundle);
  }
  for (const [key, bundle] of bundles) {
    bundle.options = {
      absWorkingDir: opts.projectDir,
      ...(bundle.plain
        ? { entryPoints: [resolve(opts.projectDir, bundle.file)] }
        : {
            stdin: {
              contents: bundleEntrySource(resolve(opts.projectDir, bundle.file), exportsOf.get(key)!, opts.wrapperPath),
              resolveDir: opts.projectDir,
              sourcefile: `${bundle.file}#entry`,
              loader: 'ts' as const,
            },
          }),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle.outfile,
      banner: { js: REQUIRE_BANNER },
      // Node reads an inline map on load (with source maps enabled in the worker); the sources stay on disk.
      sourcemap: 'inline',
      sourcesContent: false,
      metafile: true,
      write: false,
      logLevel: 'silent',
    };
  }

  async function buildOne(bundle: Bundle): Promise<number> {
    const started = performance.now();
    const esbuild = await import('esbuild');
    let result: Awaited<ReturnType<typeof esbuild.build>>;
    try {
      if (opts.incremental) {
        bundle.context ??= await esbuild.context(bundle.options);
        result = await bundle.context.rebuild();
      } else {
        result = await esbuild.build(bundle.options);
      }
    } catch (err) {
      const errors = (err as { errors?: Message[] }).errors;
      if (!errors) throw err;
      throw new CompileError(bundle.file, errors.map(describe));
    }
    const out = result.outputFiles?.find((f) => f.path.endsWith('.mjs'));
    if (!out) throw new CompileError(bundle.file, [`${bundle.file}: esbuild wrote no bundle`]);
    await mkdir(dirname(bundle.outfile), { recursive: true });
    // A worker starting meanwhile reads the old bundle or the new one, never half of one.
    const tmp = `${bundle.outfile}.${process.pid}.tmp`;
    await writeFile(tmp, out.contents);
    await rename(tmp, bundle.outfile);
    if (result.metafile) {
      bundle.inputs = new Set(
        Object.keys(result.metafile.inputs)
          .filter((input) => !input.startsWith('<'))
          .map((input) => resolve(opts.projectDir, input)),
      );
    }
    return performance.now() - started;
  }

  return {
    async build() {
      // One at a time: esbuild uses every core for one bundle already.
      for (const bundle of bundles.values()) await buildOne(bundle);
    },
    bundlePath(functionId) {
      const bundle = byFunction.get(functionId);
      if (!bundle) throw new Error(`function "${functionId}" is not one of the project's handlers`);
      return bundle.outfile;
    },
    async rebuild(files) {
      const changed = files.map((f) => resolve(f));
      const outcomes: RebuildOutcome[] = [];
      for (const bundle of bundles.values()) {
        if (!changed.some((f) => bundle.inputs.has(f))) continue;
        try {
          const ms = await buildOne(bundle);
          outcomes.push({ ok: true, file: bundle.file, functionIds: bundle.functionIds, ms });
        } catch (err) {
          if (!(err instanceof CompileError)) throw err;
          outcomes.push({ ok: false, file: bundle.file, functionIds: bundle.functionIds, error: err });
        }
      }
      return outcomes;
    },
    folders() {
      const folders = new Set<string>();
      for (const bundle of bundles.values())
        for (const input of bundle.inputs)
          if (!input.split(sep).includes('node_modules') && !relative(opts.projectDir, input).startsWith('..')) folders.add(dirname(input));
      return [...folders].sort();
    },
    async dispose() {
      await Promise.all([...bundles.values()].map((b) => b.context?.dispose()));
    },
  };
}

function describe(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  return `${where}${message.text}`;
}

/** How long a burst of writes (an editor's save is often several) is gathered before one rebuild. */
const SETTLE_MS = 15;

/**
 * Watches the folders of the files the bundles use; after each burst of changes, rebuilds the bundles that use a
 * changed file and hands over the outcomes. Never two rebuilds at once; changes during one are rebuilt after it.
 */
export function watchBundles(
  builder: DevBuilder,
  onRebuilt: (outcomes: RebuildOutcome[]) => Promise<void> | void,
  onError: (error: unknown) => void,
): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let closed = false;

  const refresh = (): void => {
    const wanted = new Set(builder.folders());
    for (const [folder, watcher] of watchers) {
      if (wanted.has(folder)) continue;
      watcher.close();
      watchers.delete(folder);
    }
    for (const folder of wanted) {
      if (watchers.has(folder)) continue;
      try {
        const watcher = watchFolder(folder, (_event, name) => {
          if (name === null) return;
          pending.add(join(folder, name.toString()));
          clearTimeout(timer);
          timer = setTimeout(run, SETTLE_MS);
        });
        watcher.on('error', () => watchers.delete(folder));
        watchers.set(folder, watcher);
      } catch {
        // A folder removed since the last build: nothing of it to watch until a build uses it again.
      }
    }
  };

  const run = (): void => {
    if (running || closed || pending.size === 0) return;
    const files = [...pending];
    pending = new Set();
    running = true;
    void builder
      .rebuild(files)
      .then(async (outcomes) => {
        if (outcomes.length > 0 && !closed) await onRebuilt(outcomes);
      })
      .catch(onError)
      .finally(() => {
        running = false;
        if (closed) return;
        refresh();
        if (pending.size > 0) run();
      });
  };

  refresh();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
