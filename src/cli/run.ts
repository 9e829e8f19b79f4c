import { main } from './main.js';
import { EXIT } from './errors.js';

/**
 * The process wrapper used by `bin/authstack`: wires Ctrl-C to an AbortSignal (commands stop cleanly), a
 * second Ctrl-C exits at once, and the exit code comes from `main`.
 */
export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  // A closed pipe (`authstack ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const code = await main(argv, { signal: controller.signal });
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  process.exitCode = code;
}
