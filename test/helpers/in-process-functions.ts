import type { LambdaContext, ProxyEvent } from '../../src/lambda/types.js';
import { defaultStackModel } from '../../src/core/stack-model.js';
import type { FunctionInvoker } from '../../src/local/functions/types.js';

/**
 * A stand-in for the function runtime, for tests of the gateway alone: the model's routes, every one answered by
 * `handler` in this thread, its result and failures turned into the runtime's outcomes (copies, as Lambda
 * serialises a result). The runtime itself (workers, time-outs, crashes) has its own tests.
 */
export function inProcessFunctions(handler: (event: ProxyEvent, context: LambdaContext) => unknown): {
  routes: ReturnType<typeof defaultStackModel>['routes'];
  functions: FunctionInvoker;
} {
  return {
    routes: defaultStackModel().routes,
    functions: {
      async invoke(_functionId, requestId, event) {
        const context = { awsRequestId: requestId, functionName: 'authstack-local', getRemainingTimeInMillis: () => 10_000 } as unknown as LambdaContext;
        try {
          // As Lambda: the handler gets its own copy of the event, and the gateway a serialised copy of the result.
          const result = await handler(structuredClone(event) as ProxyEvent, context);
          return { ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)), log: '' };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), log: '' };
        }
      },
    },
  };
}
