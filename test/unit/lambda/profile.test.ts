import { CognitoIdentityProviderClient, GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bodyOf, fakeClock, harness, testEnv, type Harness } from '../../helpers/lambda-events.js';
import { cognitoError, transportError } from '../../helpers/lambda-cognito.js';
import { accessClaims, signJwt, signingKey, startJwksServer, type JwksServer } from '../../helpers/lambda-jwt.js';

const CLIENT_ID = 'testclientid123';
const key = signingKey('key-1');
const foreignKey = signingKey('key-foreign');
const cognito = mockClientInFile(CognitoIdentityProviderClient);
let jwks: JwksServer;

beforeAll(async () => {
  jwks = await startJwksServer([key]);
});
afterAll(async () => {
  await jwks.close();
});
beforeEach(() => {
  cognito.reset();
  cognito.on(GetUserCommand).resolves({
    Username: 'alice@example.com',
    UserAttributes: [
      { Name: 'sub', Value: '5f0c7a1e-0000-4000-8000-000000000001' },
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'given_name', Value: 'Alice' },
    ],
  });
});

function env(overrides: Record<string, string> = {}) {
  return testEnv({ TOKEN_ISSUER: jwks.issuer, JWKS_URI: jwks.jwksUri, ...overrides });
}

const validToken = () => signJwt(key, accessClaims(jwks.issuer, CLIENT_ID));
const bearer = (token: string) => ({ path: '/user/profile', headers: { Authorization: `Bearer ${token}` } });

describe('GET /user/profile', () => {
  it('verifies the access token, calls GetUser with it and answers the profile', async () => {
    const token = validToken();
    const res = await harness(env()).invoke(bearer(token));
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({
      username: 'alice@example.com',
      sub: '5f0c7a1e-0000-4000-8000-000000000001',
      email: 'alice@example.com',
      email_verified: true,
      groups: [],
      attributes: { given_name: 'Alice' },
    });
    expect(cognito.commandCalls(GetUserCommand)[0]!.args[0].input).toEqual({ AccessToken: token });
  });

  it('answers the groups the token carries in cognito:groups', async () => {
    const token = signJwt(key, { ...accessClaims(jwks.issuer, CLIENT_ID), 'cognito:groups': ['admin', 'editor'] });
    const res = await harness(env()).invoke(bearer(token));
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res).groups).toEqual(['admin', 'editor']);
  });

  it('accepts the Bearer scheme in any case', async () => {
    const res = await harness(env()).invoke({ path: '/user/profile', headers: { authorization: `bearer ${validToken()}` } });
    expect(res.statusCode).toBe(200);
  });

  it('fetches the JWKS once and reuses it across invocations', async () => {
    const h = harness(env());
    const before = jwks.hits();
    for (let i = 0; i < 5; i++) expect((await h.invoke(bearer(validToken()))).statusCode).toBe(200);
    expect(jwks.hits() - before).toBe(1);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => string, string]> = [
    ['an expired token', () => signJwt(key, accessClaims(jwks.issuer, CLIENT_ID, { exp: now() - 60, iat: now() - 3660 })), 'TokenExpired'],
    ['a token from another issuer', () => signJwt(key, accessClaims('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other', CLIENT_ID)), 'InvalidToken'],
    ['a token for another app client', () => signJwt(key, accessClaims(jwks.issuer, 'someotherclient')), 'InvalidToken'],
    [
      'an id token where an access token is required',
      () => signJwt(key, accessClaims(jwks.issuer, CLIENT_ID, { token_use: 'id', aud: CLIENT_ID, client_id: undefined })),
      'InvalidToken',
    ],
    [
      'a token with a bad signature',
      () => {
        const t = validToken().split('.');
        return `${t[0]}.${t[1]}.${signJwt(foreignKey, {}).split('.')[2]}`;
      },
      'InvalidToken',
    ],
    [
      'a tampered payload',
      () => {
        const t = validToken().split('.');
        const p = Buffer.from(JSON.stringify(accessClaims(jwks.issuer, CLIENT_ID, { sub: 'mallory' }))).toString('base64url');
        return `${t[0]}.${p}.${t[2]}`;
      },
      'InvalidToken',
    ],
    ['a token signed by an unknown key', () => signJwt(foreignKey, accessClaims(jwks.issuer, CLIENT_ID)), 'InvalidToken'],
    [
      'an unsigned (alg none) token',
      () =>
        `${Buffer.from('{"alg":"none","kid":"key-1"}').toString('base64url')}.${Buffer.from(JSON.stringify(accessClaims(jwks.issuer, CLIENT_ID))).toString('base64url')}.x`,
      'InvalidToken',
    ],
    ['garbage', () => 'not-a-jwt', 'InvalidToken'],
    ['three parts of garbage', () => 'aaa.bbb.ccc', 'InvalidToken'],
    ['an overlong token', () => `${'a'.repeat(9000)}.b.c`, 'InvalidToken'],
  ];

  it.each(cases)('answers 401 invalid_token for %s, without calling Cognito', async (_what, make, code) => {
    const res = await harness(env()).invoke(bearer(make()));
    expect(res.statusCode).toBe(401);
    expect(bodyOf(res).error.code).toBe(code);
    expect(res.headers?.['WWW-Authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(cognito.commandCalls(GetUserCommand)).toHaveLength(0);
  });

  it.each<[string, Record<string, string>]>([
    ['no Authorization header', {}],
    ['a Basic Authorization header', { Authorization: 'Basic YWxpY2U6cHc=' }],
    ['an empty Bearer', { Authorization: 'Bearer ' }],
  ])('answers 401 with a Bearer challenge for %s', async (_what, headers) => {
    const res = await harness(env()).invoke({ path: '/user/profile', headers });
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['WWW-Authenticate']).toMatch(/^Bearer/);
  });

  it('answers 400 for two different Authorization headers', async () => {
    const res = await harness(env()).invoke({
      path: '/user/profile',
      multiValueHeaders: { Authorization: [`Bearer ${validToken()}`, 'Bearer other'] },
      headers: { Authorization: 'Bearer other' },
    });
    expect(res.statusCode).toBe(400);
  });

  it('answers 401 when the token verifies but Cognito says it was revoked', async () => {
    cognito.on(GetUserCommand).rejects(cognitoError('NotAuthorizedException', 'Access Token has been revoked'));
    const res = await harness(env()).invoke(bearer(validToken()));
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['WWW-Authenticate']).toContain('invalid_token');
  });

  it.each(['timeout', 'refused', 'abort', 'server5xx'] as const)('answers 503 with Retry-After when GetUser fails with %s', async (kind) => {
    cognito.on(GetUserCommand).rejects(transportError(kind));
    const res = await harness(env()).invoke(bearer(validToken()));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBeDefined();
  });

  it('answers 503, not 401, when the JWKS cannot be fetched', async () => {
    const res = await harness(env({ JWKS_URI: 'http://127.0.0.1:9/jwks.json' })).invoke(bearer(validToken()));
    expect(res.statusCode).toBe(503);
    expect(bodyOf(res).error.code).toBe('JwksUnavailable');
  });

  it('accepts both Cognito issuer formats when no issuer override is set', async () => {
    const h = harness(testEnv({ JWKS_URI: jwks.jwksUri }));
    for (const host of ['cognito-idp', 'issuer-cognito-idp']) {
      const iss = `https://${host}.us-east-1.amazonaws.com/us-east-1_TestPool1`;
      expect((await h.invoke(bearer(signJwt(key, accessClaims(iss, CLIENT_ID))))).statusCode).toBe(200);
    }
  });
});

describe('POST /user/profile (legacy)', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness(env());
  });

  it('takes the token from the body and answers the profile', async () => {
    const res = await h.invoke({ method: 'POST', path: '/user/profile', body: { access_token: validToken() } });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res).email_verified).toBe(true);
  });

  it('takes the token from the Authorization header when there is no body', async () => {
    const res = await h.invoke({ method: 'POST', path: '/user/profile', headers: { Authorization: `Bearer ${validToken()}` } });
    expect(res.statusCode).toBe(200);
  });

  it('answers 401 when access_token is missing', async () => {
    const res = await h.invoke({ method: 'POST', path: '/user/profile', body: {} });
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['WWW-Authenticate']).toMatch(/^Bearer/);
  });

  it('answers 400 naming access_token when it is not a string', async () => {
    const res = await h.invoke({ method: 'POST', path: '/user/profile', body: { access_token: 12 } });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.message).toContain('"access_token"');
  });

  it('answers 401 for a garbage token in the body', async () => {
    const res = await h.invoke({ method: 'POST', path: '/user/profile', body: { access_token: 'garbage' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /user/profile with the cache', () => {
  const getUserCalls = () => cognito.commandCalls(GetUserCommand).length;

  it('answers a token’s repeated requests within 10 s with one GetUser, and calls again after', async () => {
    const clock = fakeClock(Date.now());
    const h = harness(env(), { profileCache: { now: clock.now } });
    const token = validToken();
    for (let i = 0; i < 5; i++) expect((await h.invoke(bearer(token))).statusCode).toBe(200);
    expect(getUserCalls()).toBe(1);
    clock.advance(10_000);
    expect(bodyOf(await h.invoke(bearer(token)))).toMatchObject({ username: 'alice@example.com' });
    expect(getUserCalls()).toBe(2);
  });

  it('a revoked token (NotAuthorized) is answered 401 every time, never from memory', async () => {
    cognito.on(GetUserCommand).rejects(cognitoError('NotAuthorizedException', 'Access Token has been revoked'));
    const h = harness(env());
    const token = validToken();
    expect((await h.invoke(bearer(token))).statusCode).toBe(401);
    expect((await h.invoke(bearer(token))).statusCode).toBe(401);
    expect(getUserCalls()).toBe(2);
  });

  it('simultaneous requests with one token make one GetUser', async () => {
    const h = harness(env());
    const token = validToken();
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.invoke(bearer(token))));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(getUserCalls()).toBe(1);
  });

  it('PROFILE_CACHE_SECONDS=0 calls GetUser on every request; a value out of range is a misconfiguration', async () => {
    const token = validToken();
    const off = harness(env({ PROFILE_CACHE_SECONDS: '0' }));
    await off.invoke(bearer(token));
    await off.invoke(bearer(token));
    expect(getUserCalls()).toBe(2);
    const wrong = harness(env({ PROFILE_CACHE_SECONDS: '3600' }));
    expect((await wrong.invoke(bearer(token))).statusCode).toBe(500);
    expect(wrong.lines.join('\n')).toContain('PROFILE_CACHE_SECONDS must be a number of seconds from 0 to 60');
  });
});
