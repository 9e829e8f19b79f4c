import { DEFAULT_INTERRUPT_GRACE_MS, interruptedError, main } from './main.js';
import { EXIT, errorLine } from '../core/errors.js';

/**
 * The process wrapper used by `bin/authstack`: wires Ctrl-C to an AbortSignal (commands stop cleanly), a
 * second Ctrl-C exits at once, and the exit code comes from `main`.
 */
export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  // authstack supports Node 20 with the SDK versions it pins; the SDK's notice about its own future releases is
  // not something a user of this CLI can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  let graceMs = DEFAULT_INTERRUPT_GRACE_MS;
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
    // The first Ctrl-C always works: a command that has not stopped by itself within its grace (a call stuck in
    // a socket that never answers) is ended here, with the same line or JSON document as any interruption.
    setTimeout(() => {
      const err = interruptedError();
      if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: errorLine(err) } }, null, 2)}\n`);
      else process.stderr.write(`error: ${errorLine(err)}\n`);
      process.exit(EXIT.interrupted);
    }, graceMs).unref();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  // A closed pipe (`authstack ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const code = await main(argv, { signal: controller.signal, setInterruptGrace: (ms) => (graceMs = ms) });
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  process.exitCode = code;
}
