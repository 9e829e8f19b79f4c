/**
 * The function runtime as a service: every function of the model in worker threads of its own (see
 * `functions/runtime.ts`), configured through the same environment variables the template sets, plus the local
 * overrides. Workers boot in `prepare`, beside the local Cognito; they load their bundles once its ids are known.
 */
import { API_FUNCTION_ID, type FunctionModel } from '../../../core/stack-model.js';
import { ENV } from '../../../lambda/types.js';
import { createFunctionRuntime, type FunctionRuntime, type LocalFunction } from '../../functions/runtime.js';
import type { CognitoService } from '../cognito/index.js';
import type { StorageService } from '../storage/index.js';
import { defineService, type ServiceContext } from '../types.js';

/** Credentials the Lambda runtime always provides; the SDK in the handler needs some, the local Cognito ignores them. */
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } as const;

/** The export a model's `handler` (`<file>.<export>`) names. */
export function handlerExport(fn: FunctionModel): string {
  const dot = fn.handler.lastIndexOf('.');
  return dot === -1 ? fn.handler : fn.handler.slice(dot + 1);
}

const runtimes = new WeakMap<ServiceContext, Promise<FunctionRuntime>>();

function runtimeFor(ctx: ServiceContext): Promise<FunctionRuntime> {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    runtime = Promise.all(
      ctx.model.functions.map(
        async (fn): Promise<LocalFunction> => ({
          id: fn.id,
          bundlePath: fn.id === API_FUNCTION_ID ? ctx.options.bundlePath : await bundleOf(ctx, fn),
          handlerName: handlerExport(fn),
          environment: fn.environment,
          memorySize: fn.memorySize,
          timeoutMs: fn.timeout * 1000,
        }),
      ),
    ).then((functions) =>
      createFunctionRuntime({
        functions,
        onLog: (log) => ctx.emit({ type: 'log', functionId: log.functionId, text: log.text }),
      }),
    );
    runtime.catch(() => undefined);
    runtimes.set(ctx, runtime);
  }
  return runtime;
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
    const runtime = await runtimeFor(ctx);
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
      await runtime.close();
      throw error;
    }
    return {
      provides: runtime,
      consolePanels: [
        {
          id: 'functions',
          title: 'Functions',
          read: () => ({ functions: ctx.model.functions.map((f) => ({ id: f.id, handler: f.handler, memorySize: f.memorySize, timeout: f.timeout })) }),
        },
      ],
      stop: () => runtime.close(),
    };
  },
});
