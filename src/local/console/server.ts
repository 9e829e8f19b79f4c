/**
 * The local console of `authstack dev`: a page at `/_authstack/` on the local Cognito's port, and the small JSON
 * API under `/_authstack/api/` it uses (which test code may use too, the mailbox above all). Users and their
 * actions go through the local Cognito's own operations in-process (`ListUsers`, `AdminDisableUser`, ...), so the
 * console, the CLI and the SDK see one user pool.
 *
 * It is unauthenticated, so it answers only what is plainly local: a loopback peer naming a loopback host (no
 * DNS rebinding), no other site's requests (Origin, Sec-Fetch-Site), and changes only with the console's own
 * header, which no cross-site form or plain fetch can send without a preflight this server never allows.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { PoolUser } from '../../core/users.js';
import type { GatewayRequestLog } from '../gateway.js';
import type { ConsolePanel } from '../services/types.js';
import type { Mailbox, MailboxMessage } from '../mailbox.js';
import { consolePage } from './page.js';
import { sendJson as sendJsonAnswer, serveSafely, splitUrl, type ErrorAnswer } from '../http/index.js';
import { isRecord } from '../../core/files.js';

export const CONSOLE_PATH = '/_authstack/';
const API = '/_authstack/api/';
/** The header every change must carry (the page sends it): a cross-site request cannot, without a preflight. */
export const CONSOLE_HEADER = 'x-authstack-console';
/** Requests kept for the console's list. */
const MAX_REQUESTS = 200;
/** Change notices to the page are sent at most this often, so a load test does not flood an open console. */
const NOTIFY_MS = 200;
const HEARTBEAT_MS = 15_000;

/** An API request as the gateway logged it (method, path, status, latency `ms`, ...), with when it was answered. */
export interface ConsoleRequest extends GatewayRequestLog {
  /** ISO 8601 time the answer was written. */
  at: string;
  /** The error code the function logged for it (e.g. `UserNotFound`), from its JSON log line. */
  code?: string;
}

/** A user as `authstack users show --json` prints one, always with its status, groups and MFA. */
export interface ConsoleUser extends PoolUser {
  status: string;
  groups: string[];
  mfa: 'totp' | 'off';
  /** Cognito's PreferredMfaSetting (`SOFTWARE_TOKEN_MFA`), when the user has one. */
  preferredMfa?: string;
}

type ConsoleTopic = 'users' | 'mailbox' | 'requests';

export interface ConsoleOptions {
  /** Where the users' pictures are served from (the local CDN), so the page may show them. */
  picturesUrl?: string;
  /** The local Cognito's operations, in-process. */
  dispatch(target: string, req: Record<string, unknown>): Promise<unknown>;
  userPoolId: string;
  mailbox: Mailbox;
  /** Shown on the page. */
  apiUrl: string;
  /** The panels the local stack's services contribute (`/_authstack/api/panels`), read on each request. */
  panels?: () => readonly ConsolePanel[];
  /**
   * Answer peers and Host names that are not loopback. Only for a stack bound to another interface with the
   * console asked for explicitly; the cross-site checks stay on.
   */
  allowRemote?: boolean;
}

export interface LocalConsole {
  /** Serves the request when it is the console's; false when it is not. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Records an API request for the requests list. */
  recordRequest(request: ConsoleRequest): void;
  /** Reads one of the function's JSON log lines: its request's error code joins that request in the list. */
  recordFunctionLog(entry: Record<string, unknown>): void;
  /** Tells open pages that something changed, so they fetch it again. */
  notify(topic: ConsoleTopic): void;
  /** Ends the live connections and timers. */
  close(): void;
}

const ACTIONS: Record<string, string> = {
  confirm: 'AdminConfirmSignUp',
  disable: 'AdminDisableUser',
  enable: 'AdminEnableUser',
  'reset-password': 'AdminResetUserPassword',
};

/** Cognito's errors the console's API answers with a status of their own; others are 400. */
const ERROR_STATUS: Record<string, number> = {
  UserNotFoundException: 404,
  ResourceNotFoundException: 404,
  // e.g. confirming a user who is already confirmed
  NotAuthorizedException: 409,
  InvalidParameterException: 400,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function createConsole(opts: ConsoleOptions): LocalConsole {
  const requests: ConsoleRequest[] = [];
  /** Error codes the function logged, by request id, until the gateway records the request (just after). */
  const codes = new Map<string, string>();
  const streams = new Set<ServerResponse>();
  const pending = new Set<ConsoleTopic>();
  let timer: NodeJS.Timeout | undefined;
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const notify = (topic: ConsoleTopic): void => {
    if (streams.size === 0) return;
    pending.add(topic);
    timer ??= setTimeout(flush, NOTIFY_MS);
  };
  const flush = (): void => {
    timer = undefined;
    const topics = [...pending];
    pending.clear();
    const data = `event: change\ndata: ${JSON.stringify({ topics })}\n\n`;
    for (const res of streams) res.write(data);
  };

  async function listUsers(): Promise<ConsoleUser[]> {
    const users: ConsoleUser[] = [];
    let token: string | undefined;
    do {
      const page = (await opts.dispatch('ListUsers', {
        UserPoolId: opts.userPoolId,
        Limit: 60,
        ...(token ? { PaginationToken: token } : {}),
      })) as { Users?: CognitoUser[]; PaginationToken?: string };
      // ListUsers, as Cognito's, says nothing of MFA: AdminGetUser does (in-process, so one per user is cheap).
      users.push(...(await Promise.all((page.Users ?? []).map(async (u) => describeUser({ ...u, ...(await mfaFields(u.Username)) })))));
      token = page.PaginationToken;
    } while (token);
    return users.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''));
  }

  /** A Cognito operation on one user; its errors become the API's (an unknown user is a 404). */
  async function call(target: string, username: string): Promise<unknown> {
    try {
      return await opts.dispatch(target, { UserPoolId: opts.userPoolId, Username: username });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'UserNotFoundException') throw new HttpError(404, code, `No user ${username} in the local user pool.`);
      if (typeof code === 'string') throw new HttpError(ERROR_STATUS[code] ?? 400, code, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  async function getUser(username: string): Promise<ConsoleUser> {
    const user = (await call('AdminGetUser', username)) as CognitoUser & { UserAttributes?: CognitoUser['Attributes'] };
    return describeUser({ ...user, Attributes: user.Attributes ?? user.UserAttributes });
  }

  async function mfaFields(username: string): Promise<Pick<CognitoUser, 'UserMFASettingList' | 'PreferredMfaSetting'>> {
    const user = (await opts.dispatch('AdminGetUser', { UserPoolId: opts.userPoolId, Username: username }).catch(() => ({}))) as CognitoUser;
    return { UserMFASettingList: user.UserMFASettingList, PreferredMfaSetting: user.PreferredMfaSetting };
  }

  async function describeUser(user: CognitoUser): Promise<ConsoleUser> {
    const groups = (await opts.dispatch('AdminListGroupsForUser', { UserPoolId: opts.userPoolId, Username: user.Username }).catch(() => ({ Groups: [] }))) as {
      Groups?: { GroupName: string }[];
    };
    const attributes: Record<string, string> = {};
    for (const { Name, Value } of user.Attributes ?? []) attributes[Name] = Value ?? '';
    return {
      username: user.Username,
      ...(attributes.email ? { email: attributes.email } : {}),
      status: user.UserStatus ?? 'UNKNOWN',
      enabled: user.Enabled !== false,
      groups: (groups.Groups ?? []).map((g) => g.GroupName).sort(),
      mfa: (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA') ? 'totp' : 'off',
      ...(user.PreferredMfaSetting ? { preferredMfa: user.PreferredMfaSetting } : {}),
      attributes,
      ...(user.UserCreateDate ? { created: isoDate(user.UserCreateDate) } : {}),
      ...(user.UserLastModifiedDate ? { modified: isoDate(user.UserLastModifiedDate) } : {}),
    };
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    const route = path.slice(API.length);
    if (route === 'events') {
      if (method !== 'GET') throw methodNotAllowed('GET');
      return openStream(req, res);
    }
    if (route === 'mailbox') {
      if (method !== 'GET') throw methodNotAllowed('GET');
      return sendJson(res, 200, { messages: filterMailbox(opts.mailbox.list(), query) });
    }
    if (route === 'requests') {
      if (method !== 'GET') throw methodNotAllowed('GET');
      return sendJson(res, 200, { requests: limited(requests.slice(-MAX_REQUESTS).reverse(), query) });
    }
    if (route === 'users') {
      if (method !== 'GET') throw methodNotAllowed('GET');
      return sendJson(res, 200, { userPoolId: opts.userPoolId, users: await listUsers() });
    }
    if (route === 'panels' || route.startsWith('panels/')) {
      if (method !== 'GET') throw methodNotAllowed('GET');
      const panels = opts.panels?.() ?? [];
      if (route === 'panels') return sendJson(res, 200, { panels: panels.map(({ id, title }) => ({ id, title })) });
      const panel = panels.find((p) => p.id === route.slice('panels/'.length));
      if (!panel) throw new HttpError(404, 'NotFound', `No console panel at ${path}.`);
      return sendJson(res, 200, { id: panel.id, title: panel.title, data: await panel.read() });
    }
    const match = /^users\/([^/]+)(?:\/([a-z-]+))?$/.exec(route);
    if (!match) throw new HttpError(404, 'NotFound', `No console API at ${path}.`);
    let username: string;
    try {
      username = decodeURIComponent(match[1]!);
    } catch {
      throw new HttpError(400, 'InvalidParameter', 'The user in the path is not a valid URL-encoded name.');
    }
    const action = match[2];
    if (action === undefined) {
      if (method === 'GET') return sendJson(res, 200, { user: await getUser(username) });
      if (method !== 'DELETE') throw methodNotAllowed('GET, DELETE');
      const user = await getUser(username);
      await call('AdminDeleteUser', user.username);
      return sendJson(res, 200, { deleted: user.username, email: user.email });
    }
    const target = ACTIONS[action];
    if (!target) throw new HttpError(404, 'NotFound', `Unknown action "${action}": one of ${Object.keys(ACTIONS).join(', ')}.`);
    if (method !== 'POST') throw methodNotAllowed('POST');
    const user = await getUser(username);
    await call(target, user.username);
    return sendJson(res, 200, { user: await getUser(user.username) });
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 1000\n\n');
    streams.add(res);
    const drop = (): void => void streams.delete(res);
    req.once('close', drop);
    res.once('close', drop);
  }

  return {
    handle(req, res) {
      const { path, query } = splitUrl(req.url);
      if (path !== '/_authstack' && !path.startsWith(CONSOLE_PATH)) return false;
      const refused = refusal(req, path.startsWith(API), opts.allowRemote === true);
      if (refused) {
        sendJson(res, 403, { error: { code: 'Forbidden', message: refused } });
        return true;
      }
      if (!path.startsWith(API)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: 'The console page answers GET only.' } }, { allow: 'GET, HEAD' });
        } else if (path === CONSOLE_PATH) {
          sendPage(res, req.method === 'HEAD', opts);
        } else {
          res.writeHead(path === '/_authstack' ? 308 : 404, path === '/_authstack' ? { location: CONSOLE_PATH } : {});
          res.end();
        }
        return true;
      }
      serveSafely(res, () => api(req, res, path, new URLSearchParams(query)), errorAnswer);
      return true;
    },
    recordRequest(request) {
      // The function's own output for this request came with it: its request line names the error code.
      if (request.log?.includes('"error":')) for (const line of request.log.split('\n')) if (line.includes('"error":')) this.recordFunctionLog(parseLine(line));
      const code = codes.get(request.requestId);
      if (code !== undefined) codes.delete(request.requestId);
      requests.push(code === undefined ? request : { ...request, code });
      // The list keeps the last MAX_REQUESTS; trimmed once per MAX_REQUESTS new ones, not moved on every request.
      if (requests.length >= 2 * MAX_REQUESTS) requests.splice(0, requests.length - MAX_REQUESTS);
      notify('requests');
    },
    recordFunctionLog(entry) {
      if (entry.msg !== 'request' || typeof entry.requestId !== 'string' || typeof entry.error !== 'string') return;
      codes.set(entry.requestId, entry.error);
      // A line whose request the gateway never records (it timed out first) must not stay forever.
      if (codes.size > MAX_REQUESTS) codes.delete(codes.keys().next().value!);
    },
    notify,
    close() {
      clearInterval(heartbeat);
      clearTimeout(timer);
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

interface CognitoUser {
  Username: string;
  Attributes?: { Name: string; Value?: string }[];
  UserStatus?: string;
  Enabled?: boolean;
  UserCreateDate?: Date | string | number;
  UserLastModifiedDate?: Date | string | number;
  UserMFASettingList?: string[];
  PreferredMfaSetting?: string;
}

/**
 * The mailbox, newest first, filtered by `to` (the address, compared case-insensitively), `kind` (signup, resend,
 * forgot, admin-create, ...) and cut to `limit`.
 */
function filterMailbox(messages: readonly MailboxMessage[], query: URLSearchParams): MailboxMessage[] {
  const to = query.get('to')?.trim().toLowerCase();
  const kind = query.get('kind');
  const selected = messages.filter((m) => (!to || m.to.toLowerCase() === to) && (!kind || m.kind === kind)).reverse();
  return limited(selected, query);
}

function limited<T>(items: T[], query: URLSearchParams): T[] {
  const raw = query.get('limit');
  if (raw === null) return items;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw new HttpError(400, 'InvalidParameter', 'limit must be a positive integer.');
  return items.slice(0, limit);
}

/** Whether a Cognito operation may change what the users list shows (reads, the console's own included, do not). */
export function changesUsers(target: string): boolean {
  return !/^(Admin)?(Get|List|Describe)/.test(target);
}

function methodNotAllowed(allow: string): HttpError {
  return new HttpError(405, 'MethodNotAllowed', `Use ${allow}.`, { allow });
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether an address (or host name) is this machine's loopback interface: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase();
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  const v4 = name.startsWith('::ffff:') ? name.slice(7) : name;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The host name of a Host header (`127.0.0.1:9229`, `[::1]:9229`, `localhost`), without the port. */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}

/** Why the request is refused, or undefined when it is the console's own. */
export function refusal(req: IncomingMessage, isApi: boolean, allowRemote: boolean): string | undefined {
  const host = req.headers.host ?? '';
  if (!allowRemote) {
    if (!isLoopback(req.socket.remoteAddress ?? '')) return 'The local console answers this machine only.';
    // A page of another site whose name was pointed at 127.0.0.1 (DNS rebinding) names its own host here.
    if (!isLoopback(hostName(host))) return `The local console answers loopback host names only, not "${hostName(host)}".`;
  }
  if (!isApi) return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return `Requests from ${origin} are refused: the console's API is for its own page and local scripts.`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'Cross-site requests are refused.';
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && req.headers[CONSOLE_HEADER] === undefined) {
    return `Changes need the ${CONSOLE_HEADER} header (the console page sends it).`;
  }
  return undefined;
}

function isoDate(value: Date | string | number): string {
  // cognito-local keeps dates as Date objects; through JSON they are epoch seconds.
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonAnswer(res, status, body, { ...JSON_HEADERS, ...headers });
}

/** The console API's error answers: its own errors with their status, anything else a 500. */
function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError)
    return { status: error.status, body: { error: { code: error.code, message: error.message } }, headers: { ...JSON_HEADERS, ...error.headers } };
  return { status: 500, body: { error: { code: 'InternalError', message: error instanceof Error ? error.message : String(error) } }, headers: JSON_HEADERS };
}

function sendPage(res: ServerResponse, isHead: boolean, opts: ConsoleOptions): void {
  const nonce = randomBytes(16).toString('base64');
  const html = consolePage({ nonce, userPoolId: opts.userPoolId, apiUrl: opts.apiUrl, header: CONSOLE_HEADER });
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    // Nothing but this page's own inline style and script, and its own origin to talk to; never in a frame.
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:${opts.picturesUrl ? ` ${new URL(opts.picturesUrl).origin}` : ''}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(isHead ? undefined : html);
}
