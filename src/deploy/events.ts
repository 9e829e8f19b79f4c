/**
 * Watching a stack operation: a poller reads new stack events (DescribeStackEvents pages, newest first) since
 * the operation began and hands them over oldest first, each once; the monitor loops poll → report → check the
 * stack status until the operation ends. Printing is someone else's job (`printer.ts`).
 */
import type { CloudFormationApi, StackEvent } from '../aws/cloudformation.js';
import type { Clock } from '../core/context.js';

/** Stack statuses after which nothing more happens until someone starts another operation. */
export function isTerminal(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS';
}

export function isFailureStatus(status: string): boolean {
  return status.endsWith('_FAILED') || status.includes('ROLLBACK');
}

class StackEventPoller {
  private readonly seen = new Set<string>();

  /**
   * @param stack  stack name or id (an id keeps working after the stack is deleted)
   * @param since  events older than this belong to earlier operations and are skipped
   */
  constructor(
    private readonly cfn: CloudFormationApi,
    private readonly stack: string,
    private readonly since: Date,
    seen: Iterable<string> = [],
  ) {
    for (const id of seen) this.seen.add(id);
  }

  /** The events that appeared since the last call, oldest first. */
  async poll(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    let nextToken: string | undefined;
    pages: do {
      const page = await this.cfn.describeStackEvents(this.stack, nextToken);
      for (const event of page.events) {
        if (event.timestamp.getTime() < this.since.getTime() || this.seen.has(event.eventId)) break pages;
        fresh.push(event);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    for (const e of fresh) this.seen.add(e.eventId);
    return fresh.reverse();
  }
}

/**
 * Where the next operation's events will start, by CloudFormation's clock (never this machine's, which may run
 * ahead or behind): the newest event so far, whose page's events count as already seen. For operations that
 * have no change set to take the time from (delete, continuing a rollback).
 */
export async function eventMark(cfn: CloudFormationApi, stack: string): Promise<{ since: Date; seen: string[] }> {
  const { events } = await cfn.describeStackEvents(stack);
  return { since: events[0]?.timestamp ?? new Date(0), seen: events.map((e) => e.eventId) };
}

/**
 * The event that explains a failed operation: the first resource that failed for a reason of its own (not one
 * cancelled because another failed), or else the first failure of any kind.
 */
export function firstFailure(events: readonly StackEvent[]): StackEvent | undefined {
  const failed = events.filter((e) => e.status.endsWith('_FAILED'));
  const own = failed.filter((e) => !/cancell?ed/i.test(e.reason ?? '') && e.resourceType !== 'AWS::CloudFormation::Stack');
  return own[0] ?? failed.find((e) => !/cancell?ed/i.test(e.reason ?? '')) ?? failed[0];
}

export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

export interface WatchOptions {
  readonly cfn: CloudFormationApi;
  /** The stack's id (or name while it exists). */
  readonly stack: string;
  /** When the operation started, by CloudFormation's clock: earlier events are not reported. */
  readonly since: Date;
  /** Events already reported or belonging to earlier operations (see `eventMark`). */
  readonly seen?: readonly string[];
  readonly clock: Clock;
  /** Time between polls. */
  readonly pollIntervalMs: number;
  /** Called with each new event, in order. */
  readonly onEvent?: (event: StackEvent) => void;
  /** Called after every poll with the current status; may throw to stop watching (e.g. a certificate timeout). */
  readonly onTick?: (status: string, events: readonly StackEvent[]) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

export interface WatchResult {
  /** The final status; `DELETE_COMPLETE` once a deleted stack is gone. */
  status: string;
  statusReason?: string;
  /** Every event of the operation, oldest first. */
  events: StackEvent[];
}

/** Follows a stack operation to its end. Throws `Interrupted` when `signal` aborts (the operation goes on). */
export async function watchStack(options: WatchOptions): Promise<WatchResult> {
  const poller = new StackEventPoller(options.cfn, options.stack, options.since, options.seen);
  const events: StackEvent[] = [];
  const take = async () => {
    for (const event of await poller.poll()) {
      events.push(event);
      options.onEvent?.(event);
    }
  };
  for (;;) {
    if (options.signal?.aborted) throw new Interrupted();
    await take();
    const stack = await options.cfn.describeStack(options.stack);
    const status = stack?.status ?? 'DELETE_COMPLETE';
    if (isTerminal(status)) {
      // Events written between the last poll and the final status would otherwise be missed.
      await take();
      return { status, statusReason: stack?.statusReason, events };
    }
    await options.onTick?.(status, events);
    await options.clock.sleep(options.pollIntervalMs, options.signal);
  }
}
