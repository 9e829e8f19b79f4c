/**
 * authstack's own API run in dev's own thread: the bundle's `createHandler({ env, log })` makes a handler that reads
 * its configuration from the environment it is given and writes its log lines to the sink it is given, so nothing
 * touches the CLI's `process.env` or `process.stdout`. The handler gets Lambda's context, its log lines come back
 * with the invocation they were written during, an invocation past the function's timeout fails with Lambda's
 * "Task timed out", and a throw fails only that invocation (API Gateway's 502).
 *
 * Why not a worker, as every function of the project has: on this project's 2-core machine the thread hop cost a
 * quarter of the local API's throughput (see README.md here), and what a worker adds (a module cache of its own for
 * a rebuilt bundle, a crash that cannot reach dev) protects against code that changes while dev runs. The built-in
 * API is authstack's own bundle, built before dev starts and never rebuilt by it; the project's code, which is
 * rebuilt and can crash, always runs in workers.
 */
import { pathToFileURL } from 'node:url';

import { HandlerLoadError } from '../errors.js';
import { failed, timedOut, type InvokeOutcome } from './types.js';

/** What `createHandler` takes (src/lambda/handler.ts): the environment to read and where log lines go. */
interface HandlerFactory {
  createHandler(options: {
    env: Readonly<Record<string, string>>;
    log: (line: string, requestId: string) => void;
  }): (event: unknown, context: unknown) => Promise<unknown>;
}

export interface InThreadFunction {
  bundlePath: string;
  functionName: string;
  memorySize: number;
  timeoutMs: number;
}

export interface InThreadRunner {
  /** Makes the handler with its environment; rejects with HandlerLoadError when the bundle has no `createHandler`. */
  start(env: Readonly<Record<string, string>>): Promise<void>;
  invoke(requestId: string, event: unknown): Promise<InvokeOutcome>;
  /** Loads the bundle again (a new URL, so the module is evaluated afresh) and makes a new handler from it. */
  reload(): Promise<void>;
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export function createInThreadRunner(fn: InThreadFunction): InThreadRunner {
  let version = 0;
  // Imported at once: the module reads nothing from the environment until a handler is made from it.
  let loading = load();
  let env: Readonly<Record<string, string>> | undefined;
  let handler: ((event: unknown, context: unknown) => Promise<unknown>) | undefined;
  /** Log lines of the invocations running, by request id. */
  const logs = new Map<string, string>();

  function load(): Promise<HandlerFactory> {
    const url = pathToFileURL(fn.bundlePath).href;
    const loaded = import(version === 0 ? url : `${url}?v=${version}`).then(
      (mod: Partial<HandlerFactory>) => {
        if (typeof mod.createHandler !== 'function') throw new HandlerLoadError(fn.bundlePath, 'it does not export `createHandler`');
        return mod as HandlerFactory;
      },
      (error: unknown) => {
        throw new HandlerLoadError(fn.bundlePath, error instanceof Error ? error.message : String(error));
      },
    );
    loaded.catch(() => undefined);
    return loaded;
  }

  async function make(): Promise<void> {
    const factory = await loading;
    if (!env) return;
    handler = factory.createHandler({
      env,
      // A line belongs to the invocation whose request id it carries; one of no running invocation is dropped.
      log: (line, requestId) => {
        const running = logs.get(requestId);
        if (running !== undefined) logs.set(requestId, `${running}${line}\n`);
      },
    });
  }

  function context(requestId: string, deadline: number): Record<string, unknown> {
    return {
      awsRequestId: requestId,
      functionName: fn.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.functionName}`,
      memoryLimitInMB: String(fn.memorySize),
      logGroupName: `/aws/lambda/${fn.functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
  }

  return {
    async start(environment) {
      env = environment;
      await make();
    },
    async invoke(requestId, event) {
      if (!handler) {
        try {
          await make();
        } catch (error) {
          return failed(describe(error));
        }
        if (!handler) return failed('the function has no environment yet');
      }
      const run = handler;
      logs.set(requestId, '');
      // One promise and one timer per invocation: this is the local API's hot path.
      return new Promise<InvokeOutcome>((resolve) => {
        let settled = false;
        const done = (outcome: InvokeOutcome): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          outcome.log = logs.get(requestId) ?? '';
          logs.delete(requestId);
          resolve(outcome);
        };
        const timer = setTimeout(() => done(timedOut(fn.timeoutMs)), fn.timeoutMs);
        try {
          Promise.resolve(run(event, context(requestId, Date.now() + fn.timeoutMs))).then(
            (result) => done({ ok: true, result: result === undefined ? null : result, log: '' }),
            (error: unknown) => done(failed(describe(error))),
          );
        } catch (error) {
          done(failed(describe(error)));
        }
      });
    },
    async reload() {
      version += 1;
      loading = load();
      await make();
    },
  };
}
