import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { defineCommand } from '../core/command.js';
import { EXIT, UserError, usageError } from '../core/errors.js';
import { isRecord, readJsonFile, writeJsonFile } from '../core/files.js';
import { corsOrigin, groupList, oneOf, port } from '../core/parse.js';
import { MFA_CONFIGURATION, MFA_SETTINGS, type MfaSetting } from '../core/stack-model.js';
import type { Context } from '../core/context.js';
import { signInUrl } from '../core/hosted-ui.js';
import type { Output } from '../core/output.js';
import type { FunctionModel } from '../core/stack-model.js';
import type { LocalStack, LocalStackEvent } from '../local/supervisor.js';
import type { DevResult } from './results.js';
import type { Target } from '../core/targets.js';
import { checkedSeed } from './users.js';
import { redirectUrlFlags } from './target-flags.js';
import { devRunFlags, runDevCommand } from './dev-run.js';
import { isAlive, portInUse, recordDevPorts } from './dev-ports.js';

const mfaFlag = {
  type: 'value',
  placeholder: 'setting',
  description: 'two-factor sign-in for the local pool: off, optional or required (as deploy --mfa)',
  parse: oneOf<MfaSetting>('--mfa', MFA_SETTINGS),
} as const;

export default defineCommand({
  name: 'dev',
  description: 'run the whole stack locally and offline: local Cognito + API gateway + the Lambda bundle',
  options: {
    port: {
      type: 'value',
      short: 'p',
      placeholder: 'port',
      description: 'API port (default: AUTHSTACK_PORT, else 3000; 0 picks a free one)',
      parse: port('--port'),
    },
    cognitoPort: {
      type: 'value',
      placeholder: 'port',
      description: 'local Cognito port (default: AUTHSTACK_COGNITO_PORT, else 9229)',
      parse: port('--cognito-port'),
    },
    watch: {
      type: 'switch',
      description: "rebuild and reload a route's handler when a file it uses changes (and, in a clone of authstack, the built-in API when src/lambda does)",
    },
    reset: { type: 'switch', description: 'start with a fresh user pool (deletes local users and the mailbox)' },
    console: { type: 'negated-switch', description: 'do not serve the local console (users, mailbox, requests) at <cognito>/_authstack/' },
    corsOrigin: {
      type: 'value',
      placeholder: 'origin',
      description: 'the origin browsers may call the API from (default: *, or CORS_ALLOW_ORIGIN)',
      parse: corsOrigin,
    },
    groups: {
      type: 'value',
      placeholder: 'names',
      description: 'user pool groups to create when missing, comma-separated (as deploy --groups)',
      parse: groupList,
    },
    mfa: mfaFlag,
    pictures: { type: 'switch', description: 'turn profile pictures on (a local S3, its CDN path and the processing function), as "pictures": true does' },
    storagePort: {
      type: 'value',
      placeholder: 'port',
      description: 'local S3 port, pictures on (default: AUTHSTACK_STORAGE_PORT, else 9231)',
      parse: port('--storage-port'),
    },
    seed: {
      type: 'value',
      placeholder: 'file',
      description: 'create the users of a seed file when missing (as users import; existing users are left as they are)',
    },
    ...redirectUrlFlags,
    ...devRunFlags,
  },
  examples: [
    'authstack dev',
    'authstack dev --run "npm test"',
    'authstack dev --port 8080 --reset',
    'authstack dev --groups admin,editor --seed users.json',
    'authstack dev --callback-url http://localhost:5173/callback --logout-url http://localhost:5173/',
  ],
  interruptGraceMs: 10_000,
  async run({ options }, ctx) {
    if (ctx.global.stackExplicit) throw usageError('authstack dev runs the local stack; --stack names a deployed one.', 'Run authstack dev without --stack');
    // cognito-local's modules, the largest part of the start, begin loading beside everything else (the local
    // Cognito awaits the same promise); a failure is the local Cognito's to report.
    void import('../local/cognito-local-modules.js').then(({ loadCognitoLocal }) => loadCognitoLocal().catch(() => undefined));
    const [{ startLocalStack }, { localPool, localClient }, { packageRoot }, bundle, project, { withExtensions }] = await Promise.all([
      import('../local/supervisor.js'),
      import('../local/cognito.js'),
      import('../deploy/package-root.js'),
      import('../deploy/bundle.js'),
      ctx.project(),
      import('../local/services/extensions.js'),
    ]);
    const started = performance.now();
    const apiPort = options.port ?? envPort(ctx, 'AUTHSTACK_PORT', 3000);
    const cognitoPort = options.cognitoPort ?? envPort(ctx, 'AUTHSTACK_COGNITO_PORT', 9229);
    await refuseSecondDev(ctx);
    // A seed file is checked for its shape before anything starts; against the pool's groups and policy once it runs.
    const seedFile = options.seed === undefined ? undefined : await readSeed(ctx, options.seed);
    const root = packageRoot();
    const buildDir = join(ctx.state.dir, 'build');
    let bundlePath = join(root, 'dist', 'lambda', 'index.mjs');
    const srcDir = join(root, 'src', 'lambda');
    // The built-in API is rebuilt from its sources only in a clone of authstack; an installed package runs the
    // bundle it shipped, and --watch is about the project's own handlers.
    const watchApi = options.watch === true && existsSync(srcDir) && !root.split(sep).includes('node_modules');
    if (watchApi || !existsSync(bundlePath)) {
      // Watching rebuilds from source; so does a checkout that was never built.
      bundlePath = join(buildDir, 'dev-handler.mjs');
      await bundle.writeLambdaBundle(bundlePath);
    }
    // The services of the registry and the functions of the model, with what AUTHSTACK_DEV_EXTENSIONS adds.
    const model = options.pictures ? await picturesModel(ctx) : project.model;
    const local = await withExtensions(model, ctx.env, ctx.cwd);
    const requestLines = lineBatcher(ctx.out);
    // Stopped by Ctrl-C (or SIGTERM) is the interruption, as for any command; with --run, the command's code.
    let exitCode: number = EXIT.interrupted;
    // The stack stops what it started when a service fails to start; once it runs, whatever fails stops it (its
    // open ports would otherwise keep the process alive after the error was printed).
    const stack = await startLocalStack({
      dir: ctx.state.dir,
      apiPort,
      cognitoPort,
      reset: options.reset,
      // The pool, client and groups a deploy of this project gets; dev's own flags win.
      settings: {
        pool: { ...localPool(project.model), ...(options.mfa ? { MfaConfiguration: MFA_CONFIGURATION[options.mfa] } : {}) },
        client: localClient(project.model),
      },
      model: local.model,
      services: local.services,
      bundleFor: (fn) => functionBundle(ctx, bundle, fn),
      // The project's routes' handlers: the entry deploy ships (the group rules' wrapper), with source maps.
      handlers: {
        projectDir: ctx.projectDir,
        outDir: join(buildDir, 'handlers'),
        wrapperPath: join(root, 'src', 'runtime', 'user-handler.ts'),
        watch: options.watch === true,
      },
      groups: options.groups ?? project.model.groups,
      corsOrigin: options.corsOrigin ?? project.config.corsOrigin,
      oauth: { callbackUrls: options.callbackUrl, logoutUrls: options.logoutUrl },
      bundlePath,
      // authstack's own bundle: run in this thread, the project's functions in workers (functions/in-thread.ts).
      apiInThread: true,
      ...(model.pictures
        ? { picturesBundlePath: await picturesBundle(root, buildDir, bundle), storagePort: options.storagePort ?? envPort(ctx, 'AUTHSTACK_STORAGE_PORT', 9231) }
        : {}),
      // Off with --no-console; otherwise the stack's rule: served on a loopback interface only.
      console: options.console ? undefined : false,
      watch: watchApi ? { srcDir, rebuild: () => bundle.writeLambdaBundle(bundlePath) } : undefined,
      onEvent: (e) => printEvent(ctx.out, e, requestLines),
    }).catch(async (err: { code?: string; port?: number }) => {
      if (err?.code !== 'PORT_IN_USE' || err.port === undefined) throw err;
      throw await portInUse(ctx, err.port, err.port === cognitoPort ? '--cognito-port' : '--port');
    });
    let forgetPorts = async (): Promise<void> => {};
    try {
      forgetPorts = await recordDevPorts(ctx, [new URL(stack.apiUrl).port, new URL(stack.cognitoEndpoint).port].map(Number), stack.apiUrl);
      await writeJsonFile(runningFile(ctx), { pid: process.pid, apiUrl: stack.apiUrl, cognitoEndpoint: stack.cognitoEndpoint } satisfies RunningDev, {
        mode: 0o600,
      });
      if (seedFile) await seedLocalPool(ctx, stack, seedFile);
      await announce(ctx, stack, started);
      if (options.run !== undefined) {
        exitCode = await runDevCommand(ctx, options.run, localTarget(stack));
      } else {
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      ctx.out.info('Stopping…');
    } finally {
      await stack.stop();
      await Promise.all([rm(runningFile(ctx), { force: true }), forgetPorts()]);
    }
    ctx.out.info('Stopped.');
    return ctx.signal.aborted ? EXIT.interrupted : exitCode;
  },
});

/** A port from the environment (CI jobs that run several stacks side by side), checked as the flag is. */
function envPort(ctx: Context, name: string, fallback: number): number {
  const raw = ctx.env[name];
  return raw === undefined || raw === '' ? fallback : port(name)(raw);
}

/** Which `authstack dev` serves this project's data folder, so a second one can say so instead of sharing it. */
interface RunningDev {
  pid: number;
  apiUrl: string;
  cognitoEndpoint: string;
}

const runningFile = (ctx: Context) => join(ctx.state.localDataDir, 'running.json');

function isRunningDev(value: unknown): value is RunningDev {
  return isRecord(value) && typeof value.pid === 'number' && typeof value.apiUrl === 'string' && typeof value.cognitoEndpoint === 'string';
}

/**
 * One `authstack dev` per project: a second would share the first one's user pool files and take over the target,
 * and stopping either would leave the other's clients pointing at nothing. A record left by a process that died
 * (killed, machine restarted) is ignored.
 */
async function refuseSecondDev(ctx: Context): Promise<void> {
  const running = await readJsonFile(runningFile(ctx), 'running-dev record', isRunningDev).catch(() => undefined);
  if (!running || running.pid === process.pid || !isAlive(running.pid)) return;
  throw new UserError('local', `authstack dev is already running in this project (pid ${running.pid}, API ${running.apiUrl}).`, {
    code: 'DevRunning',
    hint: 'Use that one, or stop it first (Ctrl-C in its terminal)',
    details: { pid: running.pid, apiUrl: running.apiUrl },
  });
}

/**
 * The processing function deploy ships (dist/pictures.zip, checked against its SHA-256), unpacked once per version
 * into .authstack/build/; in a checkout that was never built, one built now.
 */
async function picturesBundle(root: string, buildDir: string, bundle: typeof import('../deploy/bundle.js')): Promise<string> {
  const [{ loadShippedPictures, shippedPicturesPaths }, { readZipEntries }] = await Promise.all([
    import('../deploy/artifact.js'),
    import('../deploy/unzip.js'),
  ]);
  if (!existsSync(shippedPicturesPaths(root).zip)) {
    const built = join(buildDir, 'pictures', 'index.mjs');
    await bundle.writeBundleFiles(built, (await bundle.buildPicturesBundle()).files);
    return built;
  }
  const shipped = await loadShippedPictures(root);
  const entry = join(buildDir, `pictures-${shipped.sha256.slice(0, 16)}`, 'index.mjs');
  // The entry is written last (writeBundleFiles), so a present entry means a complete folder.
  if (!existsSync(entry)) await bundle.writeBundleFiles(entry, readZipEntries(shipped.zip));
  return entry;
}

/** `dev --pictures`: the configuration's model with pictures on (the configuration's settings for them kept). */
async function picturesModel(ctx: Context) {
  const [{ buildStackModel }, { stackSettingsFromGlobal }, { config }] = await Promise.all([
    import('../core/stack-model.js'),
    import('../core/project-config.js'),
    ctx.project(),
  ]);
  return buildStackModel(config, stackSettingsFromGlobal(ctx.global), { pictures: true });
}

function localTarget(stack: LocalStack): Target {
  return {
    name: 'local',
    kind: 'local',
    apiUrl: stack.apiUrl,
    region: stack.region,
    userPoolId: stack.userPoolId,
    clientId: stack.clientId,
    cognitoEndpoint: stack.cognitoEndpoint,
    localDataDir: stack.dataDir,
    hostedUi: stack.hostedUi,
    passwordPolicy: stack.passwordPolicy,
    ...(stack.picturesUrl ? { picturesUrl: stack.picturesUrl } : {}),
  };
}

async function readSeed(ctx: Context, file: string): Promise<{ file: string; text: string }> {
  const [{ readSeedText }, { parseSeedFile }] = await Promise.all([import('../client/seed.js'), import('../core/seed.js')]);
  const { text } = await readSeedText(ctx, file);
  await checkedSeed(ctx, async () => parseSeedFile(text, file));
  return { file, text };
}

/** `dev --seed`: the users of the file the local pool does not have yet (each start; existing ones are left alone). */
async function seedLocalPool(ctx: Context, stack: LocalStack, seed: { file: string; text: string }): Promise<void> {
  const [{ checkSeedFile, importSeedUsers }, { userAdmin }] = await Promise.all([import('../client/seed.js'), import('../client/users.js')]);
  const target = localTarget(stack);
  const admin = await userAdmin(ctx, target);
  const users = await checkedSeed(ctx, () => checkSeedFile(ctx, admin, target, seed.file, seed.text));
  const { created, skipped } = await importSeedUsers(admin, users);
  ctx.out.info(`Seeded from ${seed.file}: ${created.length} created, ${skipped.length} already there`);
}

/** Records the local stack as the current target and says it is ready, with its URLs. */
async function announce(ctx: Context, stack: LocalStack, started: number): Promise<void> {
  await ctx.state.saveTarget(localTarget(stack));
  const ms = Math.round(performance.now() - started);
  if (ctx.out.json) {
    // One line of JSON as soon as it is ready, so scripts can read the URLs; the document is complete.
    const { apiUrl, cognitoEndpoint, userPoolId, clientId, region, dataDir, issuer } = stack;
    const doc: DevResult = {
      apiUrl,
      cognitoEndpoint,
      userPoolId,
      clientId,
      region,
      dataDir,
      issuer,
      signInUrl: signInUrl(stack.hostedUi, clientId),
      ...(stack.consoleUrl ? { consoleUrl: stack.consoleUrl } : {}),
      ...(stack.picturesUrl ? { picturesUrl: stack.picturesUrl } : {}),
      readyMs: ms,
    };
    ctx.out.result(doc);
    return;
  }
  const c = ctx.out.c;
  ctx.out.info(
    [
      `${c.green('✔')} authstack dev ready in ${ms} ms`,
      // What each service contributes, in the order the stack lists them: the API first, as it always came.
      ...orderedOutputs(stack).map((o) => `  ${o.label.padEnd(8)} ${o.highlight ? c.cyan(o.value) : o.value}${o.note ? `   ${o.note}` : ''}`),
      `  Data     ${stack.dataDir}`,
      c.dim('  Confirmation codes are printed here and kept in the local mailbox. Ctrl-C to stop.'),
    ].join('\n'),
  );
}

/**
 * Request lines are gathered and written once per turn of the event loop: under load that is one write for many
 * requests instead of a synchronous write to the terminal or pipe per request, which cost a third of the
 * throughput. What is printed stays the same, in the same order.
 */
function lineBatcher(out: Output): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const lines = pending;
    pending = [];
    out.info(lines.join('\n'));
  };
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
}

function printEvent(out: Output, e: LocalStackEvent, requestLine: (line: string) => void): void {
  const c = out.c;
  switch (e.type) {
    case 'code':
      out.info(`${c.magenta('✉')}  code for ${e.message.to}: ${c.bold(e.message.code)}`);
      break;
    case 'request': {
      const r = e.request;
      const status = r.status >= 500 ? c.red(String(r.status)) : r.status >= 400 ? c.yellow(String(r.status)) : c.green(String(r.status));
      requestLine(
        `${c.dim(r.method.padEnd(6))} ${r.path} ${status} ${c.dim(`${r.ms.toFixed(1)} ms`)}${r.error ? `  ${c.red(r.error)}` : r.errorCode ? `  ${c.yellow(r.errorCode)}` : ''}`,
      );
      break;
    }
    case 'log':
      for (const line of e.text.split('\n')) if (line) printFunctionLine(out, e.functionId, line);
      break;
    case 'reload-failed':
    case 'handler-build-failed':
      out.warn(e.text);
      break;
    default:
      out.info(c.cyan(e.text));
  }
}

/** The services' lines of the ready message: the API's first, then the others in start order. */
function orderedOutputs(stack: LocalStack) {
  const outputs = stack.services.flatMap((s) => s.outputs);
  return [...outputs.filter((o) => o.label === 'API'), ...outputs.filter((o) => o.label !== 'API')];
}

/** A function's bundle for the local runtime: a JavaScript entry as it is, anything else built once, as deploy builds it. */
async function functionBundle(ctx: Context, bundle: typeof import('../deploy/bundle.js'), fn: FunctionModel): Promise<string> {
  const entry = resolve(ctx.projectDir, fn.entry);
  if (/\.(mjs|js)$/.test(entry)) return entry;
  const outfile = join(ctx.state.dir, 'build', 'functions', fn.id, 'index.mjs');
  await bundle.writeLambdaBundle(outfile, { entry, minify: false });
  return outfile;
}

/**
 * Plays the Lambda runtime's part for a function's output: its JSON log lines would go to CloudWatch. The
 * per-request line repeats what the gateway already printed, so it shows only with --verbose; error lines always
 * show, on stderr, readably, with the function they came from.
 */
function printFunctionLine(out: Output, functionId: string, line: string): void {
  // Most lines are the per-request record of a success the gateway already printed: skip those without parsing them.
  const hasError = line.includes('"error":');
  if (!out.verbose && !hasError && line.includes('"msg":"request"') && line.startsWith('{"level":"info"')) return;
  let entry: { level?: string; msg?: string; [k: string]: unknown } | undefined;
  try {
    entry = JSON.parse(line);
  } catch {
    entry = undefined;
  }
  if (entry === null || typeof entry !== 'object') entry = undefined;
  if (entry?.msg === 'request' && entry.level !== 'error' && !out.verbose) return;
  // A handler's trace (the wrapper logs a throw with its stack) reads as a trace, under its line.
  const { stack, ...rest } = entry ?? {};
  // The frames below the handler are the local runtime's (the worker's own code, Node's internals): left out.
  const frames =
    typeof stack === 'string'
      ? stack.split('\n').filter((l) => !/\[worker eval\]|\/runtime\/user-handler\.ts:|\(node:internal\/|\(node:async_hooks|\bnode:internal\//.test(l))
      : [];
  const trace = frames.length > 0 ? `\n${frames.map((l) => `    ${l}`).join('\n')}` : '';
  out.info(out.c.dim(`λ ${entry ? summariseLogLine(trace ? rest : entry) : line}  [${functionId}]`) + trace);
}

function summariseLogLine(entry: Record<string, unknown>): string {
  const { level, msg, ...rest } = entry;
  return `${String(level ?? 'info')} ${String(msg ?? '')} ${Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')}`;
}
