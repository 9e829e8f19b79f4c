/** What the local API Gateway needs of the function runtime: an invocation in, its outcome out, as strings. */

/** How an invocation ended. `log` is what the function wrote to stdout and stderr while it ran. */
export type InvokeOutcome =
  | { ok: true /** The handler's result as JSON text (`null` when it returned nothing). */; result: string; log: string }
  | { ok: false /** Why there is no result (what CloudWatch would show): an error, a time-out, a crash. */; error: string; log: string };

export interface FunctionInvoker {
  /** Runs the function with the event (JSON text); never rejects: a failure is an outcome. */
  invoke(functionId: string, requestId: string, eventJson: string): Promise<InvokeOutcome>;
}
