import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { OptionSpecs } from '../core/command.js';
import type { Context } from '../core/context.js';
import { EXIT, UserError, usageError } from '../core/errors.js';
import type { Target } from '../core/targets.js';

/**
 * `dev --run "<command>"`: the local stack for the length of one command, as start-server-and-test does for a
 * server. The command runs in a shell once the stack is ready (its target recorded in `.authstack/`, so `authstack`
 * commands in it need no flags), with the stack's values in its environment; then the stack stops and dev exits
 * with the command's code.
 */
export const devRunFlags = {
  run: {
    type: 'value',
    placeholder: 'command',
    description: 'run this shell command once the stack is ready (its URLs in the environment), then stop and exit with its code',
    parse: (raw: string) => {
      if (raw.trim() === '') throw usageError('--run needs a command, e.g. --run "npm test".');
      return raw;
    },
  },
} as const satisfies OptionSpecs;

/** The variables the command gets: the names `--api-url`, `--user-pool-id`, … read (`AUTHSTACK_*`). */
function devRunEnv(target: Target): Record<string, string> {
  return {
    AUTHSTACK_API_URL: target.apiUrl,
    AUTHSTACK_USER_POOL_ID: target.userPoolId,
    AUTHSTACK_USER_POOL_CLIENT_ID: target.clientId,
    AUTHSTACK_COGNITO_ENDPOINT: target.cognitoEndpoint ?? '',
    AUTHSTACK_REGION: target.region,
  };
}

/**
 * Runs `command` in the platform's shell in the user's folder and resolves with its exit code (128 + the signal's
 * number when a signal ended it, as shells report). Ctrl-C (the context's signal) stops it with SIGTERM; dev then
 * exits 130 whatever the command answered.
 */
export function runDevCommand(ctx: Context, command: string, target: Target): Promise<number> {
  ctx.out.info(`Running: ${command}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      cwd: ctx.cwd,
      env: { ...ctx.env, ...devRunEnv(target) },
      // Its output is the user's: straight to the terminal or the CI log, as if they had run it themselves (with
      // --json on stderr, so stdout stays dev's one JSON document).
      stdio: ['inherit', ctx.out.json ? 2 : 'inherit', 'inherit'],
    });
    const stop = () => child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', stop, { once: true });
    child.once('error', (err) => {
      ctx.signal.removeEventListener('abort', stop);
      reject(new UserError('usage', `Cannot run "${command}": ${err.message}.`, { code: 'RunFailed' }));
    });
    child.once('exit', (code, signal) => {
      ctx.signal.removeEventListener('abort', stop);
      if (ctx.signal.aborted) return resolve(EXIT.interrupted);
      const exit = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      ctx.out.info(`${command} exited with ${exit}; stopping the local stack.`);
      resolve(exit);
    });
  });
}
