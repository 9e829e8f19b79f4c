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

/** A connection being opened, a name being looked up, or a file operation under way: I/O that will end soon. */
function ioInFlight(): boolean {
  return process.getActiveResourcesInfo().some((r) => r === 'TCPConnectWrap' || r === 'GetAddrInfoReqWrap' || r.startsWith('FSReq'));
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
    let held = 0;
    while (!settled) {
      const slept = performance.now();
      await realSleep(ioMs);
      // Node runs due timers before it polls for I/O: when this process was not scheduled for a while (a loaded
      // machine), the sleep above ends before the answers that arrived meanwhile are read. Let those be handled
      // (setImmediate runs after the poll) before the clock moves on, or a time-out would fire ahead of its answer.
      for (let round = 0; round < 3 && !settled; round++) await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) break;
      if (Date.now() - started > limitMs) throw new Error(`still running after ${limitMs} ms of virtual time`);
      // Nor does it move while the machine is too busy to have given this process its turn (the sleep overran), or
      // while a connection or file operation is still under way; for at most a second of real time in a row.
      const busy = performance.now() - slept > ioMs * 4 || ioInFlight();
      if (busy && held < 1000 / ioMs) {
        held++;
        continue;
      }
      held = 0;
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
