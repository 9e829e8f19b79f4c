import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiEvent, bodyOf, harness, hasStackTrace, type EventInit } from '../../helpers/lambda-events.js';
import type { ProxyEvent, ProxyResult } from '../../../src/lambda/types.js';

/**
 * The API's answer to bad input, one row per input: the status, the error code and a fragment of the message a
 * client would read. Every row also checks what holds for all of them: a well-formed JSON answer, no stack trace,
 * no CR/LF or request-supplied text in any response header, no 5xx, and Cognito called only when the input is good.
 */
const cognito = mockClientInFile(CognitoIdentityProviderClient);
beforeEach(() => {
  cognito.reset();
  cognito.on(SignUpCommand).resolves({ UserSub: 'sub-1', UserConfirmed: false });
  cognito.on(ConfirmSignUpCommand).resolves({});
  cognito.on(ResendConfirmationCodeCommand).resolves({});
  cognito.on(GetUserCommand).resolves({ Username: 'u', UserAttributes: [] });
});

const EMAIL = 'ada@example.com';
const PASSWORD = 'Corr3ct-Horse!';
/** Text the rows plant in headers, methods and queries; it must never come back in a response header. */
const INJECTED = 'Injected-Header';

interface Row {
  name: string;
  /** The event, as overrides of a valid request, or a whole event for shapes `apiEvent` cannot build. */
  event: EventInit | (() => ProxyEvent);
  status: number;
  /** The error code in the body; absent for successes. */
  code?: string;
  /** A fragment of the error message. */
  message?: string;
  /** Whether the input is good enough to reach Cognito. Default: only for 2xx answers on Cognito routes. */
  cognito?: boolean;
}

const post = (path: string, body: unknown, extra: EventInit = {}): EventInit => ({ method: 'POST', path, body, ...extra });
const signup = (body: unknown, extra: EventInit = {}) => post('/user', body, extra);
const validate = (body: unknown) => post('/user/validate', body);
const withEvent = (init: EventInit, patch: Partial<Record<keyof ProxyEvent, unknown>>) => () => ({ ...apiEvent(init), ...patch }) as ProxyEvent;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** A sign-up body of exactly `bytes` bytes, padded in the password. */
function sized(bytes: number): string {
  const head = `{"username":"${EMAIL}","password":"`;
  return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
}

const JSON_ROWS: Row[] = [
  { name: 'malformed JSON (missing value)', event: signup('{"username": '), status: 400, code: 'MalformedJson', message: 'not valid JSON' },
  {
    name: 'truncated JSON mid-password',
    event: signup(`{"username":"${EMAIL}","password":"Corr3`),
    status: 400,
    code: 'MalformedJson',
    message: 'not valid JSON',
  },
  { name: 'JSON with trailing garbage', event: signup(`{"username":"${EMAIL}"} x`), status: 400, code: 'MalformedJson', message: 'not valid JSON' },
  { name: 'single-quoted pseudo-JSON', event: signup(`{'username':'${EMAIL}'}`), status: 400, code: 'MalformedJson', message: 'not valid JSON' },
  { name: 'a JSON number', event: signup('42'), status: 400, code: 'InvalidBody', message: 'JSON object' },
  { name: 'a JSON array of objects', event: signup([{ username: EMAIL, password: PASSWORD }]), status: 400, code: 'InvalidBody', message: 'JSON object' },
  {
    name: 'a numeric username',
    event: signup({ username: 42, password: PASSWORD }),
    status: 400,
    code: 'InvalidField',
    message: '"username" must be a string',
  },
  { name: 'an array username', event: signup({ username: [EMAIL], password: PASSWORD }), status: 400, code: 'InvalidField', message: '"username"' },
  {
    name: 'an object password',
    event: signup({ username: EMAIL, password: { value: PASSWORD } }),
    status: 400,
    code: 'InvalidField',
    message: '"password" must be a string',
  },
  { name: 'a boolean password', event: signup({ username: EMAIL, password: true }), status: 400, code: 'InvalidField', message: '"password"' },
  { name: 'a null username', event: signup({ username: null, password: PASSWORD }), status: 400, code: 'MissingField', message: '"username" is required' },
  { name: 'a numeric code', event: validate({ username: EMAIL, code: 123456 }), status: 400, code: 'InvalidField', message: '"code"' },
  { name: 'a 7-digit code', event: validate({ username: EMAIL, code: '1234567' }), status: 400, code: 'InvalidField', message: '"code"' },
  { name: 'a code in Arabic-Indic digits', event: validate({ username: EMAIL, code: '١٢٣٤٥٦' }), status: 400, code: 'InvalidField', message: '"code"' },
  {
    name: 'a username only inherited through __proto__',
    event: signup(`{"__proto__":{"username":"${EMAIL}"},"password":"${PASSWORD}"}`),
    status: 400,
    code: 'MissingField',
    message: '"username"',
  },
  {
    name: 'extra fields (ignored, not passed on)',
    event: signup({ username: EMAIL, password: PASSWORD, admin: true, UserAttributes: [{ Name: 'custom:role', Value: 'admin' }] }),
    status: 201,
    cognito: true,
  },
  {
    name: 'a JSON array of access tokens',
    event: post('/user/profile', { access_token: ['a.b.c'] }),
    status: 400,
    code: 'InvalidField',
    message: '"access_token"',
  },
];

const SIZE_ROWS: Row[] = [
  { name: 'an empty body', event: signup(''), status: 400, code: 'MissingBody', message: 'JSON object body is required' },
  { name: 'no body at all', event: { method: 'POST', path: '/user' }, status: 400, code: 'MissingBody' },
  { name: 'a body one byte over 16 KiB', event: signup(sized(16 * 1024 + 1)), status: 413, code: 'PayloadTooLarge', message: '16384 bytes' },
  { name: 'a 1 MiB body', event: signup(`{"a":"${'z'.repeat(1024 * 1024)}"}`), status: 413, code: 'PayloadTooLarge' },
  {
    name: 'a body of exactly 16 KiB (accepted as to size)',
    event: signup(sized(16 * 1024)),
    status: 400,
    code: 'InvalidField',
    message: 'at most 256 characters',
  },
  { name: 'an oversized body to the health route', event: { path: '/app/health', body: 'h'.repeat(17 * 1024) }, status: 413, code: 'PayloadTooLarge' },
];

const EMAIL_ROWS: Row[] = [
  {
    name: 'a 129-character email',
    event: signup({ username: `${'a'.repeat(117)}@example.com`, password: PASSWORD }),
    status: 400,
    code: 'InvalidField',
    message: '"username" must be an email address',
  },
  {
    name: 'a 5000-character email',
    event: signup({ username: `${'a'.repeat(5000)}@example.com`, password: PASSWORD }),
    status: 400,
    code: 'InvalidField',
    message: '"username"',
  },
  { name: 'a 128-character email (the limit)', event: signup({ username: `${'a'.repeat(116)}@example.com`, password: PASSWORD }), status: 201, cognito: true },
  { name: 'a Greek IDN email', event: signup({ username: 'δοκιμή@παράδειγμα.δοκιμή', password: PASSWORD }), status: 201, cognito: true },
  {
    name: 'an email with a zero-width space',
    event: signup({ username: 'ada\u200b@example.com', password: PASSWORD }),
    status: 400,
    code: 'InvalidField',
    message: '"username"',
  },
  {
    name: 'an email with a right-to-left override',
    event: signup({ username: '\u202emoc.elpmaxe@ada', password: PASSWORD }),
    status: 400,
    code: 'InvalidField',
    message: '"username"',
  },
  {
    name: 'an email with a NUL byte',
    event: signup({ username: 'ada\u0000@example.com', password: PASSWORD }),
    status: 400,
    code: 'InvalidField',
    message: '"username"',
  },
  {
    name: 'an email with CR/LF and a header after it',
    event: signup({ username: `ada@example.com\r\n${INJECTED}: 1`, password: PASSWORD }),
    status: 400,
    code: 'InvalidField',
    message: '"username"',
  },
  {
    name: 'an email with a lone surrogate',
    event: signup(`{"username":"\\ud800@example.com","password":"${PASSWORD}"}`),
    status: 400,
    code: 'InvalidField',
    message: 'valid Unicode',
  },
  {
    name: 'a password with a lone surrogate',
    event: signup(`{"username":"${EMAIL}","password":"Corr3ct\\udfff"}`),
    status: 400,
    code: 'InvalidField',
    message: '"password" must be valid Unicode',
  },
  { name: 'two @ signs', event: signup({ username: 'ada@evil@example.com', password: PASSWORD }), status: 400, code: 'InvalidField', message: '"username"' },
];

const HEADER_ROWS: Row[] = [
  {
    name: 'CR/LF in the Authorization header',
    event: { path: '/user/profile', headers: { Authorization: `Bearer a.b.c\r\n${INJECTED}: 1` } },
    status: 401,
    code: 'MissingToken',
  },
  {
    name: 'CR/LF in the Origin header (never reflected)',
    event: { path: '/app/health', headers: { Origin: `https://x.example\r\n${INJECTED}: 1` } },
    status: 200,
  },
  {
    name: 'CR/LF in the method',
    event: { method: `GET\r\n${INJECTED}: 1`, path: '/user' },
    status: 405,
    code: 'MethodNotAllowed',
    message: 'Allowed: POST, OPTIONS',
  },
  {
    name: 'two different Authorization headers',
    event: { path: '/user/profile', multiValueHeaders: { Authorization: ['Bearer a.b.c', 'Bearer d.e.f'] } },
    status: 400,
    code: 'InvalidRequest',
    message: 'exactly one Authorization',
  },
  {
    name: 'a duplicated identical Authorization header',
    event: { path: '/user/profile', multiValueHeaders: { Authorization: ['Bearer a.b.c', 'Bearer a.b.c'] } },
    status: 401,
    code: 'InvalidToken',
  },
  {
    name: 'two Authorization headers differing only in name case',
    event: { path: '/user/profile', multiValueHeaders: { Authorization: ['Bearer a.b.c'], authorization: ['Bearer d.e.f'] } },
    status: 400,
    code: 'InvalidRequest',
  },
  {
    name: 'headers and multiValueHeaders that disagree (multi wins)',
    event: { path: '/user/profile', headers: { Authorization: 'Bearer a.b.c' }, multiValueHeaders: { Authorization: ['Basic dTpw'] } },
    status: 401,
    code: 'MissingToken',
  },
  { name: 'Basic instead of Bearer', event: { path: '/user/profile', headers: { Authorization: 'Basic YWRhOnB3' } }, status: 401, code: 'MissingToken' },
  {
    name: 'a 9 KiB bearer token',
    event: { path: '/user/profile', headers: { Authorization: `Bearer ${'a'.repeat(9 * 1024)}.b.c` } },
    status: 401,
    code: 'InvalidToken',
  },
];

const PATH_ROWS: Row[] = [
  { name: 'a traversal to health', event: { path: '/user/../app/health' }, status: 404, code: 'NotFound' },
  { name: 'an encoded traversal', event: { path: '/user/%2e%2e/app/health' }, status: 404, code: 'NotFound' },
  { name: 'a double-encoded traversal', event: { path: '/user/%252e%252e/app/health' }, status: 404, code: 'NotFound' },
  { name: 'a doubled leading slash', event: post('//user', { username: EMAIL, password: PASSWORD }), status: 404, code: 'NotFound' },
  { name: 'a NUL in the path', event: { path: '/app/health%00' }, status: 404, code: 'NotFound' },
  { name: 'a raw NUL in the path', event: { path: '/app/health\u0000' }, status: 404, code: 'NotFound' },
  { name: 'an encoded slash', event: post('/user%2Fvalidate', { username: EMAIL, code: '123456' }), status: 404, code: 'NotFound' },
  { name: 'a matrix parameter', event: { path: '/app/health;x=1' }, status: 404, code: 'NotFound' },
  { name: 'a query string inside the path', event: { path: '/app/health?x=1' }, status: 404, code: 'NotFound' },
  { name: 'a fullwidth-solidus lookalike', event: { path: '/app／health' }, status: 404, code: 'NotFound' },
  { name: 'one trailing slash (tolerated)', event: { path: '/app/health/' }, status: 200 },
];

const BASE64_ROWS: Row[] = [
  { name: 'a valid base64 body', event: signup({ username: EMAIL, password: PASSWORD }, { base64: true }), status: 201, cognito: true },
  {
    name: 'base64 with MIME line breaks',
    event: withEvent(signup(null), { body: b64(JSON.stringify({ username: EMAIL, password: PASSWORD })).replace(/(.{8})/g, '$1\r\n'), isBase64Encoded: true }),
    status: 201,
    cognito: true,
  },
  {
    name: 'base64 with invalid characters',
    event: withEvent(signup(null), { body: '!!!not*base64!!!', isBase64Encoded: true }),
    status: 400,
    code: 'InvalidBody',
    message: 'not valid base64',
  },
  {
    name: 'base64 with padding in the middle',
    event: withEvent(signup(null), { body: 'ab=cdefg', isBase64Encoded: true }),
    status: 400,
    code: 'InvalidBody',
    message: 'base64',
  },
  {
    name: 'base64 of impossible length',
    event: withEvent(signup(null), { body: 'abcde', isBase64Encoded: true }),
    status: 400,
    code: 'InvalidBody',
    message: 'base64',
  },
  { name: 'url-safe base64', event: withEvent(signup(null), { body: '-_-_', isBase64Encoded: true }), status: 400, code: 'InvalidBody', message: 'base64' },
  {
    name: 'base64 that decodes to invalid UTF-8',
    event: withEvent(signup(null), { body: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]).toString('base64'), isBase64Encoded: true }),
    status: 400,
    code: 'InvalidBody',
    message: 'UTF-8',
  },
  {
    name: 'base64 that decodes to over 16 KiB',
    event: withEvent(signup(null), { body: b64(`{"a":"${'q'.repeat(17 * 1024)}"}`), isBase64Encoded: true }),
    status: 413,
    code: 'PayloadTooLarge',
  },
  {
    name: 'isBase64Encoded as the string "true" (read as text)',
    event: withEvent(signup(null), { body: b64('{}'), isBase64Encoded: 'true' }),
    status: 400,
    code: 'MalformedJson',
  },
];

const METHOD_ROWS: Row[] = [
  { name: 'DELETE on sign-up', event: { method: 'DELETE', path: '/user' }, status: 405, code: 'MethodNotAllowed', message: 'Allowed: POST, OPTIONS' },
  { name: 'TRACE on health', event: { method: 'TRACE', path: '/app/health' }, status: 405, code: 'MethodNotAllowed', message: 'Allowed: GET, OPTIONS' },
  { name: 'HEAD on the profile', event: { method: 'HEAD', path: '/user/profile' }, status: 405, code: 'MethodNotAllowed' },
  { name: 'an invented method', event: { method: 'BREW', path: '/user/validate' }, status: 405, code: 'MethodNotAllowed' },
  { name: 'a lowercase method (same as POST)', event: { ...signup({ username: EMAIL, password: PASSWORD }), method: 'post' }, status: 201, cognito: true },
  {
    name: 'a form-encoded body',
    event: signup(`username=${EMAIL}&password=${PASSWORD}`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    status: 400,
    code: 'MalformedJson',
  },
  {
    name: 'a multipart body',
    event: signup('--b\r\nContent-Disposition: form-data; name="username"\r\n\r\nada\r\n--b--', {
      headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
    }),
    status: 400,
    code: 'MalformedJson',
  },
  {
    name: 'XML',
    event: signup('<user><username>ada@example.com</username></user>', { headers: { 'Content-Type': 'application/xml' } }),
    status: 400,
    code: 'MalformedJson',
  },
  {
    name: 'JSON sent as text/plain (parsed anyway)',
    event: signup({ username: EMAIL, password: PASSWORD }, { headers: { 'Content-Type': 'text/plain' } }),
    status: 201,
    cognito: true,
  },
];

const QUERY_ROWS: Row[] = [
  {
    name: 'credentials in the query string, not the body',
    event: { method: 'POST', path: '/user', query: { username: EMAIL, password: PASSWORD } },
    status: 400,
    code: 'MissingBody',
  },
  { name: 'an access token in the query string', event: { path: '/user/profile', query: { access_token: 'a.b.c' } }, status: 401, code: 'MissingToken' },
  { name: 'CR/LF in a query value', event: { path: '/app/health', query: { q: `x\r\n${INJECTED}: 1` } }, status: 200 },
  { name: 'a huge query string', event: { path: '/app/health', query: { q: 'x'.repeat(64 * 1024) } }, status: 200 },
];

const API_BAD_INPUTS: Row[] = [...JSON_ROWS, ...SIZE_ROWS, ...EMAIL_ROWS, ...HEADER_ROWS, ...PATH_ROWS, ...BASE64_ROWS, ...METHOD_ROWS, ...QUERY_ROWS];

function checkHeaders(res: ProxyResult): void {
  for (const [name, value] of Object.entries(res.headers ?? {})) {
    expect(typeof value, name).toBe('string');
    expect(String(value), name).not.toMatch(/[\r\n]/);
    expect(`${name}: ${String(value)}`).not.toContain(INJECTED);
  }
  expect(res.multiValueHeaders).toBeUndefined();
}

describe("the API refuses bad input clearly, as the client's fault", () => {
  it('covers at least 60 bad inputs', () => {
    expect(API_BAD_INPUTS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(API_BAD_INPUTS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const h = harness();
    const res = await h.invoke(typeof row.event === 'function' ? row.event() : row.event);
    expect(res.statusCode).toBe(row.status);
    expect(res.statusCode).toBeLessThan(500);
    checkHeaders(res);
    const body = bodyOf(res);
    expect(hasStackTrace(res.body)).toBe(false);
    if (row.code) {
      expect(body).toEqual({ error: { code: row.code, message: expect.any(String) } });
      if (row.message) expect(body.error.message).toContain(row.message);
    } else {
      expect(body.error).toBeUndefined();
    }
    expect(cognito.calls().length > 0).toBe(row.cognito ?? false);
    // Exactly one request line, whatever the input, and it records the error code the client got.
    const [line, ...more] = h.requests();
    expect(more).toHaveLength(0);
    expect(line).toMatchObject({ status: row.status, ...(row.code ? { error: row.code } : {}) });
  });

  it('passes only the username, password and client id to Cognito, whatever else the body holds', async () => {
    await harness().invoke(signup({ username: EMAIL, password: PASSWORD, ClientId: 'other-client', SecretHash: 'x', UserAttributes: [] }));
    expect(cognito.commandCalls(SignUpCommand)[0]!.args[0].input).toEqual({ ClientId: 'testclientid123', Username: EMAIL, Password: PASSWORD });
  });
});
