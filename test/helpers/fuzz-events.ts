/**
 * fast-check arbitraries for API Gateway proxy events: wholly random ones, and valid requests put through random
 * mutations. Every generated case carries the secrets (passwords, codes, tokens) it holds, so a property can check
 * that none of them comes back in a response or a log line.
 */
import fc from 'fast-check';
import type { ProxyEvent } from '../../src/lambda/types.js';
import { apiEvent } from './lambda-events.js';

/**
 * How many runs a fuzz property gets: `defaultRuns` (enough to catch a regression in a one-minute suite), or
 * `AUTHSTACK_FUZZ_RUNS` when set (e.g. `AUTHSTACK_FUZZ_RUNS=20000 npx vitest run test/unit/hardening` before a
 * release). The seeds stay fixed either way, so a failure replays.
 */
export function fuzzRuns(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AUTHSTACK_FUZZ_RUNS?.trim();
  if (!raw) return defaultRuns;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`AUTHSTACK_FUZZ_RUNS must be a whole number of runs, got ${JSON.stringify(raw)}`);
  return runs;
}

export interface FuzzCase {
  event: ProxyEvent;
  /** Secrets the event carries, each distinctive enough that finding it anywhere means it was echoed. */
  secrets: string[];
  /** How the case was made, for a readable counterexample. */
  how: string;
}

export const ROUTES = ['/app/health', '/user', '/user/validate', '/user/validate/resend', '/user/profile'] as const;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

/**
 * Any single code point, lone surrogates included: what fast-check's `unit: 'binary'` draws, but built from an integer.
 * The built-in unit keeps a reverse table of all 1.1 million code points to recognise values it did not make
 * (its own "__proto__"-like edge cases), which cost each test worker ~2 s of CPU; this one reverses with codePointAt,
 * so those edge cases are still mixed in.
 */
const anyCodePoint: fc.Arbitrary<string> = fc.integer({ min: 0, max: 0x10ffff }).map(
  (cp) => String.fromCodePoint(cp),
  (value) => {
    const cp = typeof value === 'string' ? value.codePointAt(0) : undefined;
    if (cp === undefined || String.fromCodePoint(cp) !== value) throw new Error('not a single code point');
    return cp;
  },
);

/** A string of any code points (see `anyCodePoint`). */
const binaryString = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> => fc.string({ ...constraints, unit: anyCodePoint });

/**
 * URL paths as browsers send them: segments of plain path characters, or of any code points percent-encoded as
 * UTF-8. (fast-check's own `webPath` draws its percent-encoded characters from the table described above.)
 */
const pathSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{0,12}$/),
  binaryString({ maxLength: 4 }).map((text) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')),
);
const webPath = fc.array(pathSegment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`);

/** A password with a marker no response could hold by chance, and sometimes hostile characters after it. */
export const passwordArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9]{10}$/),
    fc.constantFrom('', '!', '"', '\\', '\u0000', '\r\n', 'é', '😀', '</script>', '%00', "'; DROP TABLE users; --"),
  )
  .map(([id, tail]) => `Pw-${id}${tail}`);

/** A confirmation code: six digits, as Cognito sends them. */
export const codeArb: fc.Arbitrary<string> = fc.stringMatching(/^[0-9]{6}$/);

/** Emails, mostly valid, some odd. */
export const emailArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.emailAddress() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'jösé@exämple.com',
      'δοκιμή@παράδειγμα.δοκιμή',
      'a@b',
      '@example.com',
      'ada\u200b@example.com',
      `${'a'.repeat(130)}@example.com`,
      'ada@example.com\r\nX: 1',
    ),
  },
  { weight: 1, arbitrary: binaryString({ maxLength: 40 }) },
);

const jsonValue = fc.jsonValue({ maxDepth: 2 });

/** Header maps as API Gateway sends them, with hostile values mixed in. */
const headerValueArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', '*/*', 'a\r\nSet-Cookie: injected=1', 'x\u0000y'),
);

export interface TokenSource {
  /** A token that verifies against the test JWKS. */
  valid(): string;
}

function tokenArb(tokens: TokenSource): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(null).map(() => tokens.valid()),
    fc.stringMatching(/^[A-Za-z0-9_-]{12,40}\.[A-Za-z0-9_-]{12,40}\.[A-Za-z0-9_-]{12,40}$/),
    fc.constant(null).map(() => `${tokens.valid()}x`),
  );
}

interface Request {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
  secrets: string[];
}

/** A valid request to a random route, with the secrets it holds. */
function validRequestArb(tokens: TokenSource): fc.Arbitrary<Request> {
  return fc.oneof(
    fc.constant<Request>({ method: 'GET', path: '/app/health', body: undefined, headers: {}, secrets: [] }),
    fc
      .tuple(emailArb, passwordArb)
      .map(([username, password]) => ({ method: 'POST', path: '/user', body: { username, password }, headers: {}, secrets: [password] })),
    fc.tuple(emailArb, codeArb).map(([username, code]) => ({ method: 'POST', path: '/user/validate', body: { username, code }, headers: {}, secrets: [code] })),
    emailArb.map((username) => ({ method: 'POST', path: '/user/validate/resend', body: { username }, headers: {}, secrets: [] })),
    tokenArb(tokens).map((t) => ({ method: 'GET', path: '/user/profile', body: undefined, headers: { Authorization: `Bearer ${t}` }, secrets: [t] })),
    tokenArb(tokens).map((t) => ({ method: 'POST', path: '/user/profile', body: { access_token: t }, headers: {}, secrets: [t] })),
  );
}

type Mutation = { name: string; apply(e: Record<string, unknown>): void };

const EVENT_KEYS = [
  'resource',
  'path',
  'httpMethod',
  'headers',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'pathParameters',
  'stageVariables',
  'requestContext',
  'body',
  'isBase64Encoded',
] as const;

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(...EVENT_KEYS), jsonValue).map(([k, v]) => ({ name: `set ${k}`, apply: (e: Record<string, unknown>) => void (e[k] = v) })),
  fc.constantFrom(...EVENT_KEYS).map((k) => ({ name: `delete ${k}`, apply: (e: Record<string, unknown>) => void delete e[k] })),
  fc.nat().map((n) => ({
    name: 'truncate body',
    apply: (e: Record<string, unknown>) => void (typeof e.body === 'string' && (e.body = e.body.slice(0, n % (e.body.length + 1)))),
  })),
  fc.tuple(fc.nat(), binaryString({ minLength: 1, maxLength: 3 })).map(([n, s]) => ({
    name: 'splice body',
    apply: (e: Record<string, unknown>) => {
      if (typeof e.body !== 'string') return;
      const i = n % (e.body.length + 1);
      e.body = e.body.slice(0, i) + s + e.body.slice(i + 1);
    },
  })),
  fc.tuple(fc.string({ maxLength: 12 }), jsonValue).map(([field, v]) => ({
    name: `set body field ${field}`,
    apply: (e: Record<string, unknown>) => {
      try {
        const parsed = JSON.parse(String(e.body));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) e.body = JSON.stringify({ ...parsed, [field]: v });
      } catch {
        /* not JSON: nothing to set */
      }
    },
  })),
  fc.constantFrom('username', 'password', 'code', 'access_token').chain((field) =>
    jsonValue.map((v) => ({
      name: `retype ${field}`,
      apply: (e: Record<string, unknown>) => {
        try {
          const parsed = JSON.parse(String(e.body));
          if (parsed && typeof parsed === 'object' && field in parsed) e.body = JSON.stringify({ ...parsed, [field]: v });
        } catch {
          /* not JSON */
        }
      },
    })),
  ),
  fc.constant<Mutation>({
    name: 'base64-encode body',
    apply: (e: Record<string, unknown>) => {
      if (typeof e.body !== 'string') return;
      e.body = Buffer.from(e.body, 'utf8').toString('base64');
      e.isBase64Encoded = true;
    },
  }),
  fc.constant<Mutation>({ name: 'flip isBase64Encoded', apply: (e: Record<string, unknown>) => void (e.isBase64Encoded = !e.isBase64Encoded) }),
  fc.integer({ min: 1, max: 40 }).map((n) => ({
    name: `inflate body x${n * 1000}`,
    apply: (e: Record<string, unknown>) => void (e.body = `{"pad":"${'x'.repeat(n * 1000)}",${String(e.body ?? '{}').replace(/^\{/, '')}`),
  })),
  fc.constantFrom('/..', '/%2e%2e', '//', '%00', '/', '%2F', ';x=1', '?a=b', '\\', '/./', '\u0000').chain((bit) =>
    fc.nat().map((n) => ({
      name: `path insert ${JSON.stringify(bit)}`,
      apply: (e: Record<string, unknown>) => {
        const p = typeof e.path === 'string' ? e.path : '';
        const i = n % (p.length + 1);
        e.path = p.slice(0, i) + bit + p.slice(i);
      },
    })),
  ),
  fc.constantFrom(...ROUTES).map((p) => ({ name: `path ${p}`, apply: (e: Record<string, unknown>) => void (e.path = p) })),
  fc.oneof(fc.constantFrom(...METHODS), fc.constantFrom('get', 'post', 'Post', '', ' GET', 'GET\r\nX: 1'), fc.string({ maxLength: 8 })).map((m) => ({
    name: `method ${JSON.stringify(m)}`,
    apply: (e: Record<string, unknown>) => void (e.httpMethod = m),
  })),
  fc
    .tuple(
      fc.constantFrom('Authorization', 'authorization', 'Content-Type', 'Origin', 'X-Forwarded-For', 'Host'),
      fc.array(headerValueArb, { minLength: 1, maxLength: 3 }),
    )
    .map(([name, values]) => ({
      name: `header ${name} x${values.length}`,
      apply: (e: Record<string, unknown>) => {
        const multi = (e.multiValueHeaders && typeof e.multiValueHeaders === 'object' ? e.multiValueHeaders : {}) as Record<string, unknown>;
        const single = (e.headers && typeof e.headers === 'object' ? e.headers : {}) as Record<string, unknown>;
        e.multiValueHeaders = { ...multi, [name]: values };
        e.headers = { ...single, [name]: values.at(-1) };
      },
    })),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }).map((q) => ({
    name: 'query string',
    apply: (e: Record<string, unknown>) => {
      e.queryStringParameters = q;
      e.multiValueQueryStringParameters = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, [v]]));
    },
  })),
);

/** Valid requests, then up to four random mutations (none, sometimes: the valid request must reach Cognito too). */
export function mutatedEventArb(tokens: TokenSource): fc.Arbitrary<FuzzCase> {
  const mutations = fc.oneof(
    { weight: 1, arbitrary: fc.constant<Mutation[]>([]) },
    { weight: 3, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 4 }) },
  );
  return fc.tuple(validRequestArb(tokens), mutations).map(([req, mutations]) => {
    const event = apiEvent({ method: req.method, path: req.path, body: req.body, headers: req.headers }) as unknown as Record<string, unknown>;
    for (const m of mutations) m.apply(event);
    return { event: event as unknown as ProxyEvent, secrets: req.secrets, how: `${req.method} ${req.path} + ${mutations.map((m) => m.name).join(', ')}` };
  });
}

/** Events built from random parts: any method, path, headers and body, and sometimes a random object altogether. */
export function randomEventArb(tokens: TokenSource): fc.Arbitrary<FuzzCase> {
  const body = fc.oneof(
    fc.constant(undefined),
    binaryString({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.record({ username: emailArb, password: passwordArb }, { requiredKeys: [] }),
    fc.record({ username: emailArb, code: codeArb }, { requiredKeys: [] }),
    fc.record({ access_token: tokenArb(tokens) }),
  );
  const built = fc
    .record({
      method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 10 })),
      path: fc.oneof(fc.constantFrom(...ROUTES), webPath, binaryString({ maxLength: 60 })),
      body,
      base64: fc.boolean(),
      auth: fc.option(
        fc.oneof(
          tokenArb(tokens).map((t) => `Bearer ${t}`),
          headerValueArb,
        ),
      ),
      headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), headerValueArb, { maxKeys: 4 }),
      query: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 }), { maxKeys: 3 })),
    })
    .map((r): FuzzCase => {
      const secrets: string[] = [];
      const collect = (v: unknown) => {
        if (!v || typeof v !== 'object') return;
        const o = v as Record<string, unknown>;
        for (const k of ['password', 'code', 'access_token']) if (typeof o[k] === 'string') secrets.push(o[k] as string);
      };
      collect(r.body);
      if (r.auth?.startsWith('Bearer ')) secrets.push(r.auth.slice(7));
      const event = apiEvent({
        method: r.method,
        path: r.path,
        headers: { ...r.headers, ...(r.auth === null ? {} : { Authorization: r.auth }) },
        ...(r.body === undefined ? {} : { body: r.body }),
        base64: r.base64,
        ...(r.query ? { query: r.query } : {}),
      });
      return { event, secrets, how: `random ${JSON.stringify(r.method)} ${JSON.stringify(r.path).slice(0, 60)}` };
    });
  const anything = fc
    .anything({ maxDepth: 2, withNullPrototype: true })
    .map((v): FuzzCase => ({ event: v as ProxyEvent, secrets: [], how: 'not an event at all' }));
  return fc.oneof({ weight: 9, arbitrary: built }, { weight: 1, arbitrary: anything });
}
