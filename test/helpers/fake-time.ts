/**
 * Virtual time for code that waits on timers while talking to real sockets: a hung upstream's time-out, the SDK's
 * retry back-off, a Lambda deadline. Only the clock is fake (`setTimeout`, `setInterval`, `Date`, and
 * `AbortSignal.timeout`, which vitest's fake timers leave real); sockets, `setImmediate` and promises run for
 * real. Whenever the code under test has had a few real milliseconds to do its I/O, the clock jumps to its next
 * timer; so a 3 s time-out costs milliseconds, and the time that passed is measured on the fake clock, the same on a
 * loaded machine as on an idle one.
 */
import { setTimeout as realSleep } from 'node:timers/promises';
import { vi } from 'vitest';

export interface FakeTimeOptions {
  /** Real time given to I/O before the clock jumps to the next timer. Default 5 ms. */
  readonly ioMs?: number;
  /** Virtual time after which the work is declared hung (a test failure, not a wait). Default 120 s. */
  readonly limitMs?: number;
  /** Virtual time to let pass after the work settled (late answers arriving, timers firing after the fact). */
  readonly thenMs?: number;
}

/** `AbortSignal.timeout` on the (fake) `setTimeout`, with the same reason a real one aborts with. */
function fakeAbortSignalTimeout(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  (timer as { unref?: () => void }).unref?.();
  return controller.signal;
}

/**
 * Runs `work` on a fake clock and resolves with its result and how much virtual time it took. The fake clock is
 * installed before `work` starts and removed when this settles, whatever happens.
 */
export async function inFakeTime<T>(work: () => Promise<T>, options: FakeTimeOptions = {}): Promise<{ value: T; elapsedMs: number }> {
  const { ioMs = 5, limitMs = 120_000, thenMs = 0 } = options;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const abortTimeout = vi.spyOn(AbortSignal, 'timeout').mockImplementation(fakeAbortSignalTimeout);
  try {
    const started = Date.now();
    let settled = false;
    const running = work().finally(() => {
      settled = true;
    });
    running.catch(() => undefined);
    while (!settled) {
      await realSleep(ioMs);
      if (settled) break;
      if (Date.now() - started > limitMs) throw new Error(`still running after ${limitMs} ms of virtual time`);
      if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    }
    const elapsedMs = Date.now() - started;
    const value = await running;
    if (thenMs > 0) await vi.advanceTimersByTimeAsync(thenMs);
    return { value, elapsedMs };
  } finally {
    abortTimeout.mockRestore();
    vi.useRealTimers();
  }
}
