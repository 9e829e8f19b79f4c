import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defineCommand } from '../core/command.js';
import { UserError } from '../core/errors.js';
import { isRecord, readJsonFile, writeJsonFile } from '../core/files.js';
import { corsOrigin, groupList, oneOf, port } from '../core/parse.js';
import { MFA_CONFIGURATION, MFA_SETTINGS, type MfaSetting } from '../core/stack-model.js';
import type { Context } from '../core/context.js';
import { signInUrl } from '../core/hosted-ui.js';
import type { Output } from '../core/output.js';
import type { LocalStack, LocalStackEvent } from '../local/supervisor.js';
import type { DevResult } from './results.js';
import type { Target } from '../core/targets.js';
import { checkedSeed } from './users.js';
import { redirectUrlFlags } from './target-flags.js';

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
    port: { type: 'value', short: 'p', placeholder: 'port', description: 'API port', default: 3000, parse: port('--port') },
    cognitoPort: { type: 'value', placeholder: 'port', description: 'local Cognito port', default: 9229, parse: port('--cognito-port') },
    watch: { type: 'switch', description: 'rebuild and reload the handler when src/lambda changes (from a clone)' },
    reset: { type: 'switch', description: 'start with a fresh user pool (deletes local users and the mailbox)' },
    console: { type: 'negated-switch', description: 'do not serve the local console (users, mailbox, requests) at <cognito>/_authstack/' },
    corsOrigin: { type: 'value', placeholder: 'origin', description: 'the origin browsers may call the API from (default: *, or CORS_ALLOW_ORIGIN)', parse: corsOrigin },
    groups: { type: 'value', placeholder: 'names', description: 'user pool groups to create when missing, comma-separated (as deploy --groups)', parse: groupList },
    mfa: mfaFlag,
    seed: { type: 'value', placeholder: 'file', description: 'create the users of a seed file when missing (as users import; existing users are left as they are)' },
    ...redirectUrlFlags,
  },
  examples: ['authstack dev', 'authstack dev --port 8080 --reset', 'authstack dev --groups admin,editor --seed users.json', 'authstack dev --callback-url http://localhost:5173/callback --logout-url http://localhost:5173/'],
  interruptGraceMs: 10_000,
  async run({ options }, ctx) {
    const [{ startLocalStack }, { localPool, localClient }, { packageRoot }, bundle, project] = await Promise.all([
      import('../local/supervisor.js'),
      import('../local/cognito.js'),
      import('../deploy/package-root.js'),
      import('../deploy/bundle.js'),
      ctx.project(),
    ]);
    const started = performance.now();
    await refuseSecondDev(ctx);
    // A seed file is checked for its shape before anything starts; against the pool's groups and policy once it runs.
    const seedFile = options.seed === undefined ? undefined : await readSeed(ctx, options.seed);
    const root = packageRoot();
    const buildDir = join(ctx.state.dir, 'build');
    let bundlePath = join(root, 'dist', 'lambda', 'index.mjs');
    const srcDir = join(root, 'src', 'lambda');
    if (options.watch && !existsSync(srcDir)) {
      throw new UserError('usage', '--watch needs the Lambda sources (src/lambda), which this installation does not have.', { hint: 'Run dev --watch from a clone of authstack' });
    }
    if (options.watch || !existsSync(bundlePath)) {
      // Watching rebuilds from source; so does a checkout that was never built.
      bundlePath = join(buildDir, 'dev-handler.mjs');
      await bundle.writeLambdaBundle(bundlePath);
    }
    const requestLines = lineBatcher(ctx.out);
    let stack: LocalStack | undefined;
    const restoreStdout = captureFunctionLogs(ctx.out, (entry) => stack?.functionLog(entry));
    // Whatever fails from here on, stdout is given back and a started stack is stopped: its open ports would
    // otherwise keep the process alive after the error was printed.
    try {
      stack = await startLocalStack({
        dir: ctx.state.dir,
        apiPort: options.port,
        cognitoPort: options.cognitoPort,
        reset: options.reset,
        // The pool, client and groups a deploy of this project gets; dev's own flags win.
        settings: { pool: { ...localPool(project.model), ...(options.mfa ? { MfaConfiguration: MFA_CONFIGURATION[options.mfa] } : {}) }, client: localClient(project.model) },
        groups: options.groups ?? project.model.groups,
        corsOrigin: options.corsOrigin ?? project.config.corsOrigin,
        oauth: { callbackUrls: options.callbackUrl, logoutUrls: options.logoutUrl },
        bundlePath,
        // Off with --no-console; otherwise the stack's rule: served on a loopback interface only.
        console: options.console ? undefined : false,
        watch: options.watch ? { srcDir, rebuild: () => bundle.writeLambdaBundle(bundlePath) } : undefined,
        onEvent: (e) => printEvent(ctx.out, e, requestLines),
      }).catch((err: { code?: string; port?: number }) => {
        if (err?.code !== 'PORT_IN_USE') throw err;
        const flag = err.port === options.cognitoPort ? '--cognito-port' : '--port';
        throw new UserError('local', `Port ${err.port} on 127.0.0.1 is already in use.`, { code: 'PortInUse', hint: `Stop what uses it, or pick another with ${flag}` });
      });
      try {
        await writeJsonFile(runningFile(ctx), { pid: process.pid, apiUrl: stack.apiUrl, cognitoEndpoint: stack.cognitoEndpoint } satisfies RunningDev, { mode: 0o600 });
        if (seedFile) await seedLocalPool(ctx, stack, seedFile);
        await announce(ctx, stack, started);
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        ctx.out.info('Stopping…');
      } finally {
        await stack.stop();
        await rm(runningFile(ctx), { force: true });
      }
    } finally {
      restoreStdout();
    }
    ctx.out.info('Stopped.');
  },
});

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still means it runs.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
    const doc: DevResult = { apiUrl, cognitoEndpoint, userPoolId, clientId, region, dataDir, issuer, signInUrl: signInUrl(stack.hostedUi, clientId), ...(stack.consoleUrl ? { consoleUrl: stack.consoleUrl } : {}), readyMs: ms };
    ctx.out.result(doc);
    return;
  }
  const c = ctx.out.c;
  ctx.out.info(
    [
      `${c.green('✔')} authstack dev ready in ${ms} ms`,
      `  API      ${c.cyan(stack.apiUrl)}   (try: authstack health)`,
      `  Cognito  ${stack.cognitoEndpoint}   pool ${stack.userPoolId}, client ${stack.clientId}`,
      `  Sign-in  ${signInUrl(stack.hostedUi, stack.clientId)}`,
      ...(stack.consoleUrl ? [`  Console  ${c.cyan(stack.consoleUrl)}   (users, mailbox, requests)`] : []),
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
      requestLine(`${c.dim(r.method.padEnd(6))} ${r.path} ${status} ${c.dim(`${r.ms.toFixed(1)} ms`)}${r.error ? `  ${c.red(r.error)}` : r.errorCode ? `  ${c.yellow(r.errorCode)}` : ''}`);
      break;
    }
    case 'reload-failed':
      out.warn(e.text);
      break;
    default:
      out.info(c.cyan(e.text));
  }
}

/**
 * Plays the Lambda runtime's part for the function's stdout: its JSON log lines would go to CloudWatch. The
 * per-request line repeats what the gateway already printed, so it shows only with --verbose; error lines always
 * show, on stderr, readably. A line that names an error also goes to `onEntry` (the local console shows the code
 * with its request). Returns a function that restores stdout.
 */
function captureFunctionLogs(out: Output, onEntry: (entry: Record<string, unknown>) => void): () => void {
  const original = process.stdout.write;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      // Most lines are the per-request record of a success the gateway already printed: skip those without parsing them.
      const hasError = line.includes('"error":');
      if (!out.verbose && !hasError && line.includes('"msg":"request"') && line.startsWith('{"level":"info"')) continue;
      let entry: { level?: string; msg?: string; [k: string]: unknown } | undefined;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = undefined;
      }
      if (hasError && entry && typeof entry === 'object') onEntry(entry);
      if (entry?.msg === 'request' && entry.level !== 'error' && !out.verbose) continue;
      out.info(out.c.dim(`λ ${entry ? summariseLogLine(entry) : line}`));
    }
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}

function summariseLogLine(entry: Record<string, unknown>): string {
  const { level, msg, ...rest } = entry;
  return `${String(level ?? 'info')} ${String(msg ?? '')} ${Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')}`;
}
