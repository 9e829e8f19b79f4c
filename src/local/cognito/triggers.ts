/**
 * The project's Cognito triggers, fired by the local Cognito where Cognito fires them, with Cognito's event shape
 * (`version`, `triggerSource`, `region`, `userPoolId`, `userName`, `callerContext`, `request`, `response`), through
 * the local function runtime. Each trigger's event and sources follow its page of the Cognito developer guide:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
 * (the common parameters), user-pool-lambda-pre-sign-up.html, user-pool-lambda-post-confirmation.html,
 * user-pool-lambda-pre-authentication.html, user-pool-lambda-post-authentication.html,
 * user-pool-lambda-pre-token-generation.html (V2_0) and user-pool-lambda-custom-message.html.
 *
 * A trigger that throws fails the operation as Cognito fails it: `UserLambdaValidationException` with
 * `<Trigger> failed with error <message>.`; one that runs past Cognito's wait (about 5 s) fails with
 * `UnexpectedLambdaException` (`<Trigger> invocation failed due to error Socket timeout while invoking Lambda
 * function.`, as Cognito answers: aws-amplify/amplify-ui-android#314, anomalyco/sst#1815).
 *
 * The same object serves as cognito-local's `triggers` service, so its own SignUp, ConfirmSignUp,
 * AdminConfirmSignUp and ConfirmForgotPassword fire pre sign-up and post confirmation at their points (before the
 * user is saved; after the confirmation is).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

import { TRIGGERS, type TriggerModel, type TriggerName } from '../../core/triggers.js';
import type { FunctionInvoker } from '../functions/types.js';
import type { Attribute } from '../cognito-local-modules.js';
import { CognitoError } from './errors.js';

/** Cognito waits this long for a trigger's function. */
const TRIGGER_WAIT_MS = 5_000;

/** One trigger invocation, as dev's log and the console's request list show it. */
export interface TriggerInvocation {
  trigger: TriggerName;
  /** Cognito's `triggerSource`, such as `PreSignUp_SignUp`. */
  source: string;
  functionId: string;
  requestId: string;
  ms: number;
  ok: boolean;
  /** Why it failed, in the words the operation's error uses. */
  error?: string;
  /** What the function wrote while it ran. */
  log: string;
}

/** A trigger's function threw: the operation fails with the trigger's name and the function's message. */
class UserLambdaValidationException extends CognitoError {
  constructor(message: string) {
    super('UserLambdaValidationException', message);
  }
}

/** The function did not answer in time (or could not be run). */
class UnexpectedLambdaException extends CognitoError {
  constructor(message: string) {
    super('UnexpectedLambdaException', message);
  }
}

/** The function answered something that is not the event. */
class InvalidLambdaResponseException extends CognitoError {
  constructor(message: string) {
    super('InvalidLambdaResponseException', message);
  }
}

/**
 * What the operation in progress tells the triggers it fires: that it came through the hosted sign-in (and, for the
 * code exchange, that its tokens are the hosted sign-in's), and the request's validation data.
 */
export interface TriggerScope {
  hosted?: boolean;
  tokenSource?: 'HostedAuth';
  validationData?: Record<string, string>;
}

const scope = new AsyncLocalStorage<TriggerScope>();
/**
 * Whether any local stack in this process has a trigger. Until one does, the scope is never entered: in Node 20 the
 * first `run` turns on promise hooks for every promise of the process, which cost dev's thread ~10% of its
 * throughput on a route that calls the local Cognito, and only a trigger reads the scope.
 */
let scopeRead = false;

/** Runs `fn` with what the triggers it fires should know of the request. */
export function withTriggerScope<T>(value: TriggerScope, fn: () => T): T {
  return scopeRead ? scope.run({ ...scope.getStore(), ...value }, fn) : fn();
}

export function triggerScope(): TriggerScope {
  return scope.getStore() ?? {};
}

/** The user and client an event is about. */
export interface TriggerSubject {
  userPoolId: string;
  userName: string;
  clientId: string | null;
}

type Json = Record<string, unknown>;

export interface LocalTriggersOptions {
  triggers: readonly TriggerModel[];
  /** The event's `region`. */
  region: string;
  /** How long Cognito waits for a function. Default 5 s. */
  waitMs?: number;
}

/** `[{Name, Value}]` → `{name: value}`, as Cognito's events carry user attributes. */
export function attributeMap(attributes: readonly Attribute[] | undefined): Record<string, string> {
  return Object.fromEntries((attributes ?? []).filter((a) => a.Value !== undefined).map((a) => [a.Name, a.Value!]));
}

export class LocalTriggers {
  private readonly byName: ReadonlyMap<TriggerName, TriggerModel>;
  private invoker: FunctionInvoker | undefined;
  private waiting: (() => void)[] = [];
  private listeners: ((invocation: TriggerInvocation) => void)[] = [];

  constructor(private readonly opts: LocalTriggersOptions) {
    this.byName = new Map(opts.triggers.map((t) => [t.name, t]));
    if (opts.triggers.length > 0) scopeRead = true;
  }

  /** The function runtime the triggers run in; operations that fire a trigger before this wait for it. */
  attach(invoker: FunctionInvoker): void {
    this.invoker = invoker;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** Calls `listener` after every invocation. */
  onInvocation(listener: (invocation: TriggerInvocation) => void): void {
    this.listeners.push(listener);
  }

  has(name: TriggerName): boolean {
    return this.byName.has(name);
  }

  /**
   * Invokes the trigger with Cognito's event and returns the event its function returned (undefined when the trigger
   * is not declared); fails as Cognito fails the operation.
   */
  async fire(name: TriggerName, source: string, subject: TriggerSubject, request: Json, response: Json, version = '1'): Promise<Json | undefined> {
    const trigger = this.byName.get(name);
    if (!trigger) return undefined;
    if (!this.invoker) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const event = {
      version,
      triggerSource: source,
      region: this.opts.region,
      userPoolId: subject.userPoolId,
      userName: subject.userName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: subject.clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
      request,
      response,
    };
    const requestId = randomUUID();
    const started = performance.now();
    const cognitoName = TRIGGERS[name];
    const report = (ok: boolean, log: string, error?: string): void => {
      const invocation: TriggerInvocation = {
        trigger: name,
        source,
        functionId: trigger.functionId,
        requestId,
        ms: performance.now() - started,
        ok,
        log,
        ...(error ? { error } : {}),
      };
      for (const listener of this.listeners) listener(invocation);
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.waitMs ?? TRIGGER_WAIT_MS)));
    const outcome = await Promise.race([this.invoker!.invoke(trigger.functionId, requestId, event), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' || (!outcome.ok && /^Task timed out/.test(outcome.error))) {
      const message = `${cognitoName} invocation failed due to error Socket timeout while invoking Lambda function.`;
      report(false, outcome === 'timeout' ? '' : outcome.log, message);
      throw new UnexpectedLambdaException(message);
    }
    if (!outcome.ok) {
      const message = `${cognitoName} failed with error ${thrownMessage(outcome.error, outcome.log)}.`;
      report(false, outcome.log, message);
      throw new UserLambdaValidationException(message);
    }
    const returned = outcome.result;
    if (!returned || typeof returned !== 'object' || Array.isArray(returned)) {
      report(false, outcome.log, 'Unrecognizable lambda output');
      throw new InvalidLambdaResponseException('Unrecognizable lambda output');
    }
    report(true, outcome.log);
    return returned as Json;
  }
}

/** The message the function threw, as Cognito quotes it: Lambda's `errorMessage`, without the error's name. */
function thrownMessage(error: string, log: string): string {
  const line = log
    .split('\n')
    .reverse()
    .find((l) => l.includes('\tInvoke Error\t'));
  if (line) {
    try {
      const parsed = JSON.parse(line.slice(line.indexOf('{'))) as { errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
    } catch {
      // fall through to the outcome's own words
    }
  }
  return error.replace(/^[A-Za-z]*Error: /, '');
}

/** The response field of a returned event, when it is an object. */
export function responseOf(event: Json | undefined): Json {
  const response = event?.response;
  return response && typeof response === 'object' && !Array.isArray(response) ? (response as Json) : {};
}
