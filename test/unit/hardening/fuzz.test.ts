import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../src/lambda/handler.js';
import type { ProxyResult } from '../../../src/lambda/types.js';
import { fuzzRuns, mutatedEventArb, randomEventArb, type FuzzCase, type TokenSource } from '../../helpers/fuzz-events.js';
import { cognitoError, COGNITO_ERROR_CASES, transportError } from '../../helpers/lambda-cognito.js';
import { lambdaContext, testEnv } from '../../helpers/lambda-events.js';
import { accessClaims, signJwt, signingKey, startJwksServer, type JwksServer } from '../../helpers/lambda-jwt.js';

/**
 * Hundreds (thousands with AUTHSTACK_FUZZ_RUNS) of random and mutated events into the handler, reproducibly (fixed seeds; a failure prints the seed and
 * path to replay). Cognito is mocked and, for some events, fails in every way the mapping knows and some it does
 * not, quoting the secrets it was sent, as a careless library might.
 */
const RANDOM_RUNS = fuzzRuns(500);
const MUTATED_RUNS = fuzzRuns(500);

const cognito = mockClientInFile(CognitoIdentityProviderClient);
const key = signingKey('fuzz');
let jwks: JwksServer;
let tokens: TokenSource;

type Failure = 'none' | 'quoting' | 'transport' | (typeof COGNITO_ERROR_CASES)[number][0];
let failure: Failure = 'none';
/** Set when the mocked Cognito failed during the current invocation: only then may the answer be a 5xx. */
let cognitoFailed = false;
let cognitoCalls = 0;

function behave(secret: string | undefined, ok: () => unknown): unknown {
  cognitoCalls++;
  if (failure === 'none') return ok();
  cognitoFailed = true;
  if (failure === 'quoting') throw new Error(`upstream rejected value ${secret ?? ''} at offset 3`);
  if (failure === 'transport') throw transportError('timeout');
  throw cognitoError(failure, `${failure}: rejected ${secret ?? ''}`);
}

beforeAll(async () => {
  jwks = await startJwksServer([key]);
  tokens = { valid: () => signJwt(key, accessClaims(jwks.issuer, 'testclientid123', { jti: Math.random().toString(36) })) };
  cognito.on(SignUpCommand).callsFake((input) => behave(input.Password, () => ({ UserSub: 'sub-fuzz', UserConfirmed: false })));
  cognito.on(ConfirmSignUpCommand).callsFake((input) => behave(input.ConfirmationCode, () => ({})));
  cognito
    .on(ResendConfirmationCodeCommand)
    .callsFake(() => behave(undefined, () => ({ CodeDeliveryDetails: { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } })));
  cognito.on(GetUserCommand).callsFake((input) =>
    behave(input.AccessToken, () => ({
      Username: 'fuzz-user',
      UserAttributes: [
        { Name: 'sub', Value: 's' },
        { Name: 'email', Value: 'f@example.com' },
      ],
    })),
  );
});
afterAll(async () => {
  await jwks?.close();
});

const failureArb: fc.Arbitrary<Failure> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Failure>('none') },
  { weight: 1, arbitrary: fc.constantFrom<Failure>('quoting', 'transport', ...COGNITO_ERROR_CASES.map(([name]) => name)) },
);

function checkResult(res: ProxyResult, c: FuzzCase, lines: string[]): void {
  expect(res && typeof res === 'object').toBe(true);
  expect(Number.isInteger(res.statusCode)).toBe(true);
  expect(res.statusCode).toBeGreaterThanOrEqual(100);
  expect(res.statusCode).toBeLessThanOrEqual(599);
  if (!cognitoFailed) expect(res.statusCode, c.how).toBeLessThan(500);
  expect(typeof res.body).toBe('string');
  // A preflight answers 204 with no body; everything else is one JSON document.
  if (res.statusCode === 204) expect(res.body).toBe('');
  else expect(() => JSON.parse(res.body), c.how).not.toThrow();
  expect(res.headers && typeof res.headers === 'object').toBe(true);
  for (const [name, value] of Object.entries(res.headers ?? {})) {
    expect(typeof value, name).toBe('string');
    expect(value as string, name).not.toMatch(/[\r\n\0]/);
  }
  if (res.multiValueHeaders !== undefined) {
    for (const values of Object.values(res.multiValueHeaders)) for (const v of values) expect(typeof v).toBe('string');
  }
  const headers = JSON.stringify(res.headers);
  const log = lines.join('\n');
  for (const secret of c.secrets) {
    if (secret.length < 6) continue;
    expect(res.body.includes(secret), `${c.how}: body echoes a secret`).toBe(false);
    expect(headers.includes(secret), `${c.how}: headers echo a secret`).toBe(false);
    expect(log.includes(secret), `${c.how}: log holds a secret`).toBe(false);
  }
}

describe('fuzzing the handler', () => {
  const lines: string[] = [];
  // Built on first use: the JWKS server's address is known only once beforeAll has run.
  let handler: ReturnType<typeof createHandler> | undefined;
  const invoke = (c: FuzzCase) => {
    handler ??= createHandler({ env: testEnv({ TOKEN_ISSUER: jwks.issuer, JWKS_URI: jwks.jwksUri }), log: (line) => lines.push(line), now: () => 0 });
    return handler(c.event, lambdaContext(30_000));
  };

  const property = (cases: fc.Arbitrary<FuzzCase>) =>
    fc.asyncProperty(cases, failureArb, async (c, f) => {
      failure = f;
      cognitoFailed = false;
      lines.length = 0;
      let res: ProxyResult;
      try {
        res = await invoke(c);
      } catch (err) {
        throw new Error(`${c.how}: the handler threw ${String(err)}`);
      }
      checkResult(res, c, lines);
      // One request line per invocation, always, and every line is JSON.
      expect(lines.filter((l) => JSON.parse(l).msg === 'request')).toHaveLength(1);
    });

  it(`answers ${RANDOM_RUNS} random events with well-formed results, 5xx only when Cognito failed, and echoes no secret`, async () => {
    await fc.assert(property(randomEventArb(tokens)), { numRuns: RANDOM_RUNS, seed: 0x5eed_0001 });
  }, 60_000);

  it(`answers ${MUTATED_RUNS} mutated valid requests the same way, a good share of them reaching Cognito`, async () => {
    const before = cognitoCalls;
    await fc.assert(property(mutatedEventArb(tokens)), { numRuns: MUTATED_RUNS, seed: 0x5eed_0002 });
    expect(cognitoCalls - before).toBeGreaterThan(MUTATED_RUNS / 5);
  }, 60_000);

  it('reaches every route and every kind of answer, so the properties above are not vacuous', async () => {
    const seen = { statuses: new Set<number>(), paths: new Set<string>(), cognitoFailures: 0 };
    const callsBefore = cognitoCalls;
    const sample = fc.sample(fc.tuple(fc.oneof(randomEventArb(tokens), mutatedEventArb(tokens)), failureArb), { numRuns: 1500, seed: 0x5eed_0003 });
    for (const [c, f] of sample) {
      failure = f;
      cognitoFailed = false;
      lines.length = 0;
      const res = await invoke(c);
      seen.statuses.add(res.statusCode);
      if (cognitoFailed) seen.cognitoFailures++;
      for (const l of lines) {
        const entry = JSON.parse(l);
        if (entry.msg === 'request' && res.statusCode < 400) seen.paths.add(entry.path.replace(/\/$/, ''));
      }
    }
    for (const status of [200, 201, 204, 400, 401, 404, 405, 413]) expect(seen.statuses, `status ${status}`).toContain(status);
    for (const path of ['/app/health', '/user', '/user/validate', '/user/validate/resend', '/user/profile']) expect(seen.paths, path).toContain(path);
    expect(cognitoCalls - callsBefore, 'Cognito calls').toBeGreaterThan(150);
    expect(seen.cognitoFailures, 'Cognito failures').toBeGreaterThan(15);
  }, 60_000);
});
