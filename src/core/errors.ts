/**
 * The error taxonomy. A `UserError` is an expected failure: it is printed as one line (what went wrong, what
 * to do next) and mapped to an exit code. Anything else that reaches the entry point is a bug and says so.
 */

/** Exit codes. Only `src/cli/main.ts` turns them into the process exit code. */
export const EXIT = {
  ok: 0,
  /** An expected failure: API or AWS said no, a check failed. */
  failure: 1,
  /** Bad flags, arguments or configuration. */
  usage: 2,
  /** A change refused because it would lose data (user pool replacement or deletion, a file authstack did not write). */
  refused: 3,
  /** The user declined a confirmation prompt, or one was needed without a TTY. */
  aborted: 4,
  /** A bug: an unexpected error. */
  internal: 70,
  /** Ctrl-C. */
  interrupted: 130,
} as const;

export type ErrorKind = 'usage' | 'auth' | 'api' | 'aws' | 'deployment' | 'local' | 'state' | 'refused' | 'aborted' | 'network' | 'interrupted';

const KIND_EXIT: Record<ErrorKind, number> = {
  usage: EXIT.usage,
  auth: EXIT.failure,
  api: EXIT.failure,
  aws: EXIT.failure,
  deployment: EXIT.failure,
  local: EXIT.failure,
  state: EXIT.failure,
  network: EXIT.failure,
  refused: EXIT.refused,
  aborted: EXIT.aborted,
  interrupted: EXIT.interrupted,
};

/**
 * Codes whose exit code is not their kind's. Missing AWS credentials are a setting the user has to supply, as a
 * missing region is: usage (2), whichever layer notices them (AWS's credential chain, deploy's pre-flight check).
 */
const CODE_EXIT: Readonly<Record<string, number>> = { NoCredentials: EXIT.usage };

export interface UserErrorOptions {
  /** A machine-readable code for `--json` output, e.g. `NoSession`, `UsernameExists`. */
  code?: string;
  /** What to do next, appended to the message. */
  hint?: string;
  /** Overrides the exit code implied by the kind. */
  exitCode?: number;
  cause?: unknown;
  /** Extra fields for the `--json` error document. */
  details?: Record<string, unknown>;
}

export class UserError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  readonly details?: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.kind = kind;
    this.code = options.code ?? defaultCode(kind);
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? CODE_EXIT[this.code] ?? KIND_EXIT[kind];
    this.details = options.details;
  }
}

function defaultCode(kind: ErrorKind): string {
  return `${kind.charAt(0).toUpperCase() + kind.slice(1)}Error`;
}

export const usageError = (message: string, hint?: string) => new UserError('usage', message, { code: 'UsageError', hint });

/**
 * Ctrl-C, wherever it lands (a prompt, a wait, an AWS call): always exit 130. `message` says what was left where
 * (deploy: the stack is CloudFormation's now).
 */
export function interruptedError(message = 'Interrupted.', hint?: string): UserError {
  return new UserError('interrupted', message, { code: 'Interrupted', hint });
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** The one line shown for an error: the message, then what to do next. */
export function errorLine(err: UserError): string {
  return oneLine(err.hint ? `${err.message} ${hintSentence(err.hint)}` : err.message);
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Messages quote what the user typed (an email, a URL, a path): a newline in it must not split the one error line,
 * and an escape sequence must not reach the terminal.
 */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => NAMED_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function hintSentence(hint: string): string {
  return /[.!?]$/.test(hint) ? hint : `${hint}.`;
}

/** A property of a thrown value, whatever was thrown (SDK errors, errors of another realm, strings). */
function thrownField(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null && key in err ? Reflect.get(err, key) : undefined;
}

/** The thrown value's `message`, or the value itself as text. */
export function errorMessage(err: unknown): string {
  const message = thrownField(err, 'message');
  return typeof message === 'string' ? message : String(err);
}

/** The thrown value's `name` (`NotAuthorizedException`, `ExitPromptError`), when it has one. */
export function thrownName(err: unknown): string | undefined {
  const name = thrownField(err, 'name');
  return typeof name === 'string' ? name : undefined;
}

/** The thrown value's `code` (`ENOENT`, `ECONNREFUSED`), when it has one. */
export function thrownCode(err: unknown): string | undefined {
  const code = thrownField(err, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** The thrown value's `cause` (what Node's fetch wraps: the socket error with its code). */
export function thrownCause(err: unknown): unknown {
  return thrownField(err, 'cause');
}
