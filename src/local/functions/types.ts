/** What the local API Gateway needs of the function runtime: an invocation in, its outcome out. */

/** How an invocation ended. `log` is what the function wrote to stdout and stderr while it ran. */
export type InvokeOutcome =
  | { ok: true /** The handler's result, as Lambda hands it on (`null` when it returned nothing). */; result: unknown; log: string }
  | { ok: false /** Why there is no result (what CloudWatch would show): an error, a time-out, a crash. */; error: string; log: string };

/** The outcome of an invocation that ended without a result. */
export function failed(error: string): InvokeOutcome {
  return { ok: false, error, log: '' };
}

/** Lambda's words for an invocation that outlived the function's timeout. */
export function timedOut(timeoutMs: number): InvokeOutcome {
  return failed(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
}

export interface FunctionInvoker {
  /**
   * Runs the function with the event; never rejects: a failure is an outcome. A worker gets the event as JSON and
   * its result comes back parsed, as Lambda serialises both; authstack's own API, run in dev's thread, takes the
   * event the gateway built for this request alone and hands back the object it returned.
   */
  invoke(functionId: string, requestId: string, event: unknown): Promise<InvokeOutcome>;
}
