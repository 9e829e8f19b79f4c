/**
 * The function runtime as a service: every function of the project in worker threads of its own (see
 * `functions/runtime.ts`; authstack's own API, when `apiInThread`, in this thread: `functions/in-thread.ts`),
 * configured through the same environment variables the template sets, plus the local overrides. Workers boot in
 * `prepare`, beside the local Cognito; they load their bundles once its ids are known.
 */
import { UserError } from '../../../core/errors.js';
import { API_FUNCTION_ID, type FunctionModel } from '../../../core/stack-model.js';
import { ENV } from '../../../lambda/types.js';
import type { DevBuilder, RebuildOutcome } from '../../functions/build.js';
import { createFunctionRuntime, type FunctionRuntime, type LocalFunction } from '../../functions/runtime.js';
import type { CognitoService } from '../cognito/index.js';
import type { StorageService } from '../storage/index.js';
import { defineService, type ServiceContext } from '../types.js';

/** Credentials the Lambda runtime always provides; the SDK in the handler needs some, the local Cognito ignores them. */
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } as const;

/** The export a model's `handler` (`<file>.<export>`) names. */
function handlerExport(fn: FunctionModel): string {
  const dot = fn.handler.lastIndexOf('.');
  return dot === -1 ? fn.handler : fn.handler.slice(dot + 1);
}

const runtimes = new WeakMap<ServiceContext, Promise<{ runtime: FunctionRuntime; builder?: DevBuilder }>>();

/** The project's handlers built once, before their workers start (the build runs beside the local Cognito's start). */
async function handlerBuilder(ctx: ServiceContext): Promise<DevBuilder | undefined> {
  const handlers = ctx.options.handlers;
  // Route handlers and Cognito triggers: the project's own files, rebuilt by --watch.
  const own = ctx.model.functions.filter((fn) => fn.source !== undefined || fn.trigger !== undefined);
  if (!handlers || own.length === 0) return undefined;
  // The builder (and esbuild) only for a project with handlers of its own.
  const { CompileError, createDevBuilder } = await import('../../functions/build.js');
  const builder = createDevBuilder({ ...handlers, functions: own, incremental: handlers.watch === true });
  try {
    await builder.build();
  } catch (error) {
    await builder.dispose();
    if (error instanceof CompileError)
      throw new UserError('usage', error.message, { code: 'BuildFailed', hint: `Fix ${error.file}, then start authstack dev again` });
    throw error;
  }
  return builder;
}

function runtimeFor(ctx: ServiceContext): Promise<{ runtime: FunctionRuntime; builder?: DevBuilder }> {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    runtime = handlerBuilder(ctx).then(async (builder) => ({
      builder,
      runtime: await runtimeOf(ctx, builder).catch(async (error: unknown) => {
        await builder?.dispose();
        throw error;
      }),
    }));
    runtime.catch(() => undefined);
    runtimes.set(ctx, runtime);
  }
  return runtime;
}

async function runtimeOf(ctx: ServiceContext, builder: DevBuilder | undefined): Promise<FunctionRuntime> {
  const functions = await Promise.all(
    ctx.model.functions.map(
      async (fn): Promise<LocalFunction> => ({
        id: fn.id,
        bundlePath:
          fn.id === API_FUNCTION_ID ? ctx.options.bundlePath : (fn.source || fn.trigger) && builder ? builder.bundlePath(fn.id) : await bundleOf(ctx, fn),
        handlerName: handlerExport(fn),
        environment: fn.environment,
        // A trigger's function on AWS has none of the stack's variables (the pool refers to it): locally neither.
        ...(fn.trigger ? { isolated: true } : {}),
        // authstack's own API runs in dev's thread, the project's code in workers (functions/in-thread.ts says why).
        ...(fn.id === API_FUNCTION_ID && ctx.options.apiInThread ? { inThread: true } : {}),
        memorySize: fn.memorySize,
        timeoutMs: fn.timeout * 1000,
      }),
    ),
  );
  return createFunctionRuntime({
    functions,
    onLog: (log) => ctx.emit({ type: 'log', functionId: log.functionId, text: log.text }),
  });
}

/** After an edit: each rebuilt file's functions reloaded in fresh workers; a file that broke keeps its last build. */
async function reloadRebuilt(ctx: ServiceContext, runtime: FunctionRuntime, outcomes: readonly RebuildOutcome[]): Promise<void> {
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      const more = outcome.error.errors.length > 1 ? ` (and ${outcome.error.errors.length - 1} more)` : '';
      ctx.emit({
        type: 'handler-build-failed',
        file: outcome.file,
        error: outcome.error.message,
        text: `${outcome.error.message}${more}: still serving the last good build of ${outcome.file}`,
      });
      continue;
    }
    const started = performance.now();
    try {
      await Promise.all(outcome.functionIds.map((id) => runtime.reload(id)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.emit({ type: 'reload-failed', error: message, text: `${outcome.file} rebuilt, but it does not load: ${message}` });
      continue;
    }
    const ms = outcome.ms + (performance.now() - started);
    ctx.emit({
      type: 'handler-rebuilt',
      file: outcome.file,
      functionIds: outcome.functionIds,
      ms,
      text: `${outcome.file} rebuilt and reloaded in ${Math.round(ms)} ms (${outcome.functionIds.join(', ')})`,
    });
  }
}

async function bundleOf(ctx: ServiceContext, fn: FunctionModel): Promise<string> {
  if (!ctx.options.bundleFor) throw new Error(`function "${fn.id}": the local stack was given no way to build it`);
  return ctx.options.bundleFor(fn);
}

export const functionsService = defineService<FunctionRuntime>({
  name: 'functions',
  needs: ['cognito'],
  prepare(ctx) {
    void runtimeFor(ctx);
  },
  async start(ctx) {
    const { cognito } = ctx.use<CognitoService>('cognito');
    const { runtime, builder } = await runtimeFor(ctx);
    const env = process.env;
    try {
      await runtime.start({
        [ENV.userPoolId]: cognito.userPoolId,
        [ENV.clientId]: cognito.clientId,
        [ENV.region]: cognito.region,
        [ENV.cognitoEndpoint]: cognito.endpoint,
        [ENV.tokenIssuer]: cognito.issuer,
        [ENV.jwksUri]: cognito.jwksUri,
        ...(env.AWS_ACCESS_KEY_ID ? {} : LOCAL_CREDENTIALS),
        // The profile cache protects AWS's shared Cognito quota, which the local Cognito does not have: locally a
        // sign-out is seen at once, unless PROFILE_CACHE_SECONDS is set to try the AWS behaviour.
        ...(env[ENV.profileCacheSeconds] === undefined ? { [ENV.profileCacheSeconds]: '0' } : {}),
        ...(ctx.options.corsOrigin === undefined ? {} : { [ENV.corsOrigin]: ctx.options.corsOrigin }),
        // Pictures on: the bucket, the CDN URL, the local S3's endpoint and the credentials it accepts.
        ...(ctx.started().some((s) => s.name === 'storage') ? ctx.use<StorageService>('storage').pictures?.environment : undefined),
      });
    } catch (error) {
      await Promise.all([runtime.close(), builder?.dispose()]);
      throw error;
    }
    const watcher =
      builder && ctx.options.handlers?.watch
        ? (await import('../../functions/build.js')).watchBundles(
            builder,
            (outcomes) => reloadRebuilt(ctx, runtime, outcomes),
            (error) =>
              ctx.emit({ type: 'reload-failed', error: String(error), text: `rebuilding failed: ${error instanceof Error ? error.message : String(error)}` }),
          )
        : undefined;
    return {
      provides: runtime,
      consolePanels: [
        {
          id: 'functions',
          title: 'Functions',
          read: () => ({ functions: ctx.model.functions.map((f) => ({ id: f.id, handler: f.handler, memorySize: f.memorySize, timeout: f.timeout })) }),
        },
      ],
      stop: async () => {
        watcher?.close();
        await Promise.all([runtime.close(), builder?.dispose()]);
      },
    };
  },
});
