/**
 * The local function runtime: each function runs in worker threads of its own, as Lambda runs it in execution
 * environment. Each worker has its own `process.env` (the CLI's is never touched), its own module cache (a rebuilt
 * bundle is loaded by a new worker), its own stdout and stderr, captured per invocation (followed through its
 * awaits) and handed back with the result. An invocation that outlives the function's timeout, or a worker that
 * dies (a throw at load, `process.exit`, an uncaught exception), fails and the worker is replaced: the next
 * invocation gets a fresh one.
 *
 * Unlike Lambda, one worker runs a function's concurrent invocations side by side (Node's event loop), as one
 * process would: one invocation per worker at a time cost 35% of the gateway's throughput here (a thread wake-up
 * per request) and serialised every call that waits on the local Cognito. The price: a time-out or crash also
 * fails the invocations running beside it in that worker.
 *
 * Workers rather than child processes: measured on this project's 2-core machine, a string round trip to a
 * worker is ~3.5× cheaper (175 000–340 000/s against 50 000–80 000/s over a child's IPC) and a worker is ready in
 * about half the time (~65 ms against ~120 ms cold); see README.md here.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

import { HandlerLoadError } from '../errors.js';
import { createInThreadRunner } from './in-thread.js';
import { failed, timedOut, type FunctionInvoker, type InvokeOutcome } from './types.js';
import { WORKER_SOURCE } from './worker-source.js';

export interface LocalFunction {
  /** The function's id in the stack model. */
  id: string;
  /** The built ESM bundle. */
  bundlePath: string;
  /** The export that is the handler (`handler` for `index.handler`). */
  handlerName: string;
  /** Its own variables (the model's), over the runtime's shared ones. */
  environment: Readonly<Record<string, string>>;
  /**
   * Sees only what Lambda sets (`LAMBDA_OWN_VARIABLES`, taken from the shared ones, and `lambdaVariables`) and its
   * own `environment`: neither the CLI's environment nor the stack's variables (a Cognito trigger's, as on AWS).
   */
  isolated?: boolean;
  /** MB: `context.memoryLimitInMB`, and the worker's heap limit. */
  memorySize: number;
  /** How long an invocation may run before it fails with Lambda's "Task timed out". */
  timeoutMs: number;
  /**
   * Runs in dev's own thread through the bundle's `createHandler({ env, log })` instead of in workers: for
   * authstack's own API only (see in-thread.ts).
   */
  inThread?: boolean;
}

export interface FunctionLog {
  functionId: string;
  /** The invocation the text was written during; absent for output at load time. */
  requestId?: string;
  text: string;
}

export interface FunctionRuntimeOptions {
  functions: readonly LocalFunction[];
  /** Told of output written outside an invocation (at load). Output during one comes back with its outcome. */
  onLog?: (log: FunctionLog) => void;
}

export interface FunctionRuntime extends FunctionInvoker {
  /**
   * Gives every function its environment (the shared variables under each function's own) and loads it in its
   * first worker; rejects with HandlerLoadError when one cannot be loaded. Workers boot before this is called.
   */
  start(environment: Readonly<Record<string, string>>): Promise<void>;
  /** Loads the function's bundle again in a fresh worker; once it is ready it replaces the old ones. */
  reload(functionId: string): Promise<void>;
  /** The functions' ids. */
  readonly ids: readonly string[];
  close(): Promise<void>;
}

/**
 * The variables Lambda gives every function whose values come from outside it: the region, the credentials (of its
 * role on AWS; here the ones dev was given, or placeholders) and the unreserved PATH and LANG.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export const LAMBDA_OWN_VARIABLES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'PATH',
  'LANG',
] as const;

/** Lambda's Node.js environment variables, as each function's runtime sets them. */
function lambdaVariables(fn: LocalFunction): Record<string, string> {
  const name = functionName(fn.id);
  return {
    _HANDLER: `index.${fn.handlerName}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
  };
}

/** The name a function has locally (`context.functionName`): the built-in API keeps the name it always had. */
function functionName(id: string): string {
  return id === 'api' ? 'authstack-local' : `authstack-local-${id}`;
}

/** The variables a function sees: the shared ones (or, isolated, only Lambda's own of them), Lambda's, its own. */
function variablesOf(fn: LocalFunction, environment: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const shared = { ...process.env, ...environment } as Record<string, string>;
  const base = fn.isolated ? ownVariables(shared) : shared;
  return { ...base, ...lambdaVariables(fn), ...fn.environment };
}

/** Of `shared`, only Lambda's own variables (the default region is the region, as Lambda sets it). */
function ownVariables(shared: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const own: Record<string, string> = {};
  for (const name of LAMBDA_OWN_VARIABLES) {
    const value = shared[name];
    if (value !== undefined) own[name] = value;
  }
  if (own.AWS_REGION !== undefined) own.AWS_DEFAULT_REGION = own.AWS_REGION;
  return own;
}

interface Pending {
  resolve(outcome: InvokeOutcome): void;
  /** Set once the invocation is sent. */
  timer?: NodeJS.Timeout;
}

/** One worker: an execution environment of a function. */
interface Environment {
  worker: Worker;
  /** Resolves once the bundle is loaded; rejects with HandlerLoadError. */
  ready: Promise<void>;
  loaded: boolean;
  /** Invocations sent and not answered, by id. */
  running: Map<number, Pending>;
  /** Invocations to send at the end of this turn, in one message. */
  outbox: [number, string, number, string][];
  retired: boolean;
}

/** What the runtime asks of a function's pool of workers, or of a function run in dev's thread. */
interface Runner {
  start(): Promise<void>;
  invoke(requestId: string, event: unknown): Promise<InvokeOutcome>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** A worker's result (JSON text it made with JSON.stringify): `undefined` for what that could not serialise. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createFunctionRuntime(opts: FunctionRuntimeOptions): FunctionRuntime {
  let environment: Readonly<Record<string, string>> | undefined;
  let nextId = 1;
  let closed = false;

  class Pool {
    current: Environment | undefined;
    /** A worker booted ahead of time, waiting for the environment. */
    spare: Environment | undefined;

    constructor(public fn: LocalFunction) {
      // Booting a worker takes longer than loading a bundle: it starts now, beside the rest of the stack.
      this.spare = this.boot();
    }

    boot(): Environment {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        env: {},
        stdout: true,
        stderr: true,
        workerData: {
          functionName: functionName(this.fn.id),
          memorySize: this.fn.memorySize,
          url: pathToFileURL(this.fn.bundlePath).href,
          handlerName: this.fn.handlerName,
        },
        resourceLimits: { maxOldGenerationSizeMb: Math.max(64, this.fn.memorySize) },
      });
      // Output is captured inside the worker; these streams only see what escapes it, which is dropped.
      worker.stdout.resume();
      worker.stderr.resume();
      worker.unref();
      let settle: { resolve(): void; reject(e: Error): void } | undefined;
      const env: Environment = {
        worker,
        loaded: false,
        running: new Map(),
        outbox: [],
        retired: false,
        ready: new Promise<void>((resolve, reject) => (settle = { resolve, reject })),
      };
      env.ready.catch(() => undefined);
      const died = (reason: string): void => {
        if (!env.loaded && settle) {
          const error = new HandlerLoadError(this.fn.bundlePath, reason);
          settle.reject(error);
          settle = undefined;
          // What waits for this function fails as Lambda's init error does; the next invocation tries again.
          this.retire(env, error.message);
        } else this.retire(env, reason);
      };
      worker.on('message', (message: unknown) => {
        if (Array.isArray(message)) {
          for (const [id, isError, payload, log] of message as [number, 0 | 1, string, string][]) {
            const pending = env.running.get(id);
            if (!pending) continue;
            env.running.delete(id);
            clearTimeout(pending.timer);
            pending.resolve(isError ? { ok: false, error: payload, log } : { ok: true, result: parsed(payload), log });
          }
          if (env.retired && env.running.size === 0) void worker.terminate();
          return;
        }
        const m = message as { t: string; message?: string; text?: string };
        if (m.t === 'ready') {
          env.loaded = true;
          settle?.resolve();
          settle = undefined;
        } else if (m.t === 'load-failed') {
          died(m.message ?? 'it failed to load');
          void worker.terminate();
        } else if (m.t === 'log' && m.text) {
          opts.onLog?.({ functionId: this.fn.id, text: m.text });
        }
      });
      worker.on('error', (error) => died(`${error.name}: ${error.message}`));
      worker.on('exit', (code) => died(`Runtime exited with code ${code}`));
      return env;
    }

    /** Gives a booted worker the environment; it then loads the bundle. */
    init(env: Environment): Environment {
      env.worker.postMessage({ t: 'init', env: variablesOf(this.fn, environment) });
      return env;
    }

    /** The environment that takes invocations, started when there is none (first use, or after a crash). */
    live(): Environment {
      if (!this.current || this.current.retired) {
        const spare = this.spare && !this.spare.retired ? this.spare : this.boot();
        this.spare = undefined;
        this.current = this.init(spare);
      }
      return this.current;
    }

    invoke(requestId: string, event: unknown): Promise<InvokeOutcome> {
      const eventJson = JSON.stringify(event);
      const env = this.live();
      const id = nextId++;
      return new Promise<InvokeOutcome>((resolve) => {
        env.running.set(id, { resolve });
        if (env.outbox.push([id, requestId, 0, eventJson]) === 1) {
          // Sent once loaded, with whatever else arrived in the same turn.
          if (env.loaded) setImmediate(() => this.send(env));
          else
            env.ready.then(
              () => this.send(env),
              () => undefined,
            );
        }
      });
    }

    /** Posts the turn's invocations; each one's time starts now (as in Lambda, loading the bundle is not part of it). */
    send(env: Environment): void {
      const batch = env.outbox;
      env.outbox = [];
      if (env.retired || batch.length === 0) return;
      const deadline = Date.now() + this.fn.timeoutMs;
      for (const item of batch) {
        const id = item[0];
        item[2] = deadline;
        const pending = env.running.get(id);
        if (pending) pending.timer = setTimeout(() => this.expire(env, id), this.fn.timeoutMs);
      }
      env.worker.postMessage(batch);
    }

    expire(env: Environment, id: number): void {
      const pending = env.running.get(id);
      if (!pending) return;
      env.running.delete(id);
      pending.resolve(timedOut(this.fn.timeoutMs));
      // Lambda ends an environment whose invocation timed out; the next one starts fresh.
      this.retire(env, 'the execution environment was replaced after another invocation timed out');
      void env.worker.terminate();
    }

    /** Takes an environment out of use; what it was running fails (the runtime crashed or was replaced). */
    retire(env: Environment, reason: string): void {
      if (env.retired) return;
      env.retired = true;
      if (this.current === env) this.current = undefined;
      for (const pending of env.running.values()) {
        clearTimeout(pending.timer);
        pending.resolve(failed(reason));
      }
      env.running.clear();
      env.outbox = [];
    }

    /** A new worker loads the bundle again; once it is ready it takes over, and the old one ends after what it runs. */
    async reload(): Promise<void> {
      const fresh = this.init(this.boot());
      await fresh.ready;
      const old = this.current;
      this.current = fresh;
      if (old) {
        // What was queued for it this turn still runs there: a retired environment sends nothing, and those
        // invocations would wait for the gateway's time-out.
        if (old.loaded) this.send(old);
        else this.retire(old, 'the execution environment was replaced by a reload');
        old.retired = true;
        if (old.running.size === 0) void old.worker.terminate();
      }
    }

    start(): Promise<void> {
      return this.live().ready;
    }

    async close(): Promise<void> {
      const all = [this.current, this.spare].filter((e): e is Environment => e !== undefined);
      this.current = undefined;
      this.spare = undefined;
      for (const env of all) this.retire(env, 'the local stack is stopping');
      await Promise.all(all.map((e) => e.worker.terminate()));
    }
  }

  /** A function run in dev's thread: started, invoked, reloaded like a pool of workers. */
  const inThread = (fn: LocalFunction): Runner => {
    const runner = createInThreadRunner({ bundlePath: fn.bundlePath, functionName: functionName(fn.id), memorySize: fn.memorySize, timeoutMs: fn.timeoutMs });
    return {
      start: () => runner.start(variablesOf(fn, environment)),
      invoke: (requestId, event) => runner.invoke(requestId, event),
      reload: () => runner.reload(),
      close: async () => undefined,
    };
  };
  const pools = new Map<string, Runner>(opts.functions.map((fn) => [fn.id, fn.inThread ? inThread(fn) : new Pool(fn)]));
  return {
    ids: [...pools.keys()],
    async start(env) {
      environment = env;
      await Promise.all([...pools.values()].map((pool) => pool.start()));
    },
    invoke(functionId, requestId, event) {
      const pool = pools.get(functionId);
      if (!pool || closed) return Promise.resolve(failed(`no function "${functionId}"`));
      return pool.invoke(requestId, event);
    },
    async reload(functionId) {
      await pools.get(functionId)?.reload();
    },
    async close() {
      closed = true;
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}
