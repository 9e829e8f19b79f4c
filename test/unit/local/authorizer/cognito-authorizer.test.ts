/**
 * The local Cognito authorizer against tokens from a real local pool, on an injected clock: the rules of API
 * Gateway's COGNITO_USER_POOLS authorizer (developer guide: "Control access to REST APIs using Amazon Cognito user
 * pools as an authorizer"; without method scopes the ID token, with scopes an access token with one of them).
 */
import {
  AdminAddUserToGroupCommand,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuthorizer, type LocalAuthorizer } from '../../../../src/local/authorizer/index.js';
import type { RouteAccess } from '../../../../src/core/routes.js';
import { localCognitoForFile } from '../../../helpers/local-cognito.js';
import { signLocalToken } from '../../../helpers/local-tokens.js';

const local = localCognitoForFile();
const SIGNED_IN: RouteAccess = { kind: 'signed-in' };
let tokens: { id: string; access: string };
let time = Date.now();
const now = () => time;
let authorizer: LocalAuthorizer;
let jwksLoads = 0;

beforeAll(async () => {
  const { client, cognito } = local;
  const email = `authorizer.${Date.now()}@example.com`;
  const password = 'Corr3ct-Horse!';
  await client.send(new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: password }));
  await client.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: cognito.mailbox.latestFor(email)!.code }));
  await client.send(new CreateGroupCommand({ UserPoolId: cognito.userPoolId, GroupName: 'admin' }));
  await client.send(new CreateGroupCommand({ UserPoolId: cognito.userPoolId, GroupName: 'editor' }));
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: email, GroupName: 'admin' }));
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: email, GroupName: 'editor' }));
  const { AuthenticationResult: r } = await client.send(
    new InitiateAuthCommand({ ClientId: cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }),
  );
  tokens = { id: r!.IdToken!, access: r!.AccessToken! };
  authorizer = make();
});

function make(ttlSeconds?: number): LocalAuthorizer {
  return createLocalAuthorizer({
    issuer: local.cognito.issuer,
    jwksUri: local.cognito.jwksUri,
    clientIds: [local.cognito.clientId],
    now,
    corsOrigin: 'https://app.example.com',
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    loadJwks: async (uri) => {
      jwksLoads++;
      return (await (await fetch(uri)).json()) as never;
    },
  });
}

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

async function refused(access: RouteAccess, authorization: string | undefined, status = 401) {
  const result = await authorizer.authorize(access, authorization === undefined ? {} : { Authorization: authorization });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.response.statusCode).toBe(status);
  expect(result.response.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  return JSON.parse(result.response.body) as { message: string };
}

describe('a signed-in route (no method scopes: the ID token)', () => {
  it('admits the signed-in user\'s ID token, raw or after "Bearer ", with every claim a string as API Gateway flattens them', async () => {
    for (const header of [tokens.id, `Bearer ${tokens.id}`]) {
      const result = await authorizer.authorize(SIGNED_IN, { authorization: header });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(Object.values(result.claims).every((v) => typeof v === 'string')).toBe(true);
      expect(result.claims.token_use).toBe('id');
      expect(result.claims['cognito:groups']!.split(',').sort()).toEqual(['admin', 'editor']);
      expect(result.claims.email_verified).toBe('true');
      expect(result.claims.exp).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
      expect(result.claims.auth_time).toBe(String(payloadOf(tokens.id).auth_time));
    }
  });

  it('refuses a missing header, an empty one and "Bearer " alone with 401 {"message":"Unauthorized"} and CORS headers', async () => {
    expect(await refused(SIGNED_IN, undefined)).toEqual({ message: 'Unauthorized' });
    expect(await refused(SIGNED_IN, '')).toEqual({ message: 'Unauthorized' });
    expect(await refused(SIGNED_IN, 'Bearer ')).toEqual({ message: 'Unauthorized' });
  });

  it('refuses the access token (the method has no scopes), a tampered token and a token that is not a JWT', async () => {
    await refused(SIGNED_IN, tokens.access);
    const [h, p, s] = tokens.id.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payloadOf(tokens.id), email: 'someone.else@example.com' })).toString('base64url')}.${s}`;
    expect(p).not.toBe(tampered.split('.')[1]);
    await refused(SIGNED_IN, tampered);
    await refused(SIGNED_IN, 'not-a-jwt');
  });

  it('refuses an ID token of another pool (issuer), of another app client (aud), and one signed by a key the pool does not publish', async () => {
    const claims = payloadOf(tokens.id);
    await refused(SIGNED_IN, signLocalToken({ ...claims, iss: 'http://127.0.0.1:1/other_pool' }));
    await refused(SIGNED_IN, signLocalToken({ ...claims, aud: 'another-client' }));
    const unknownKey = signLocalToken(claims).replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'other' })).toString('base64url'));
    await refused(SIGNED_IN, unknownKey);
  });

  it('refuses a token once it has expired on the injected clock (nothing cached: TTL 0)', async () => {
    const fresh = make(0);
    expect((await fresh.authorize(SIGNED_IN, { Authorization: tokens.id })).ok).toBe(true);
    time = (payloadOf(tokens.id).exp as number) * 1000 + 1;
    try {
      expect((await fresh.authorize(SIGNED_IN, { Authorization: tokens.id })).ok).toBe(false);
    } finally {
      time = Date.now();
    }
  });

  it("keeps a token's answer for the TTL (300 s by default), as API Gateway caches it, then checks it again", async () => {
    const start = time;
    const cached = make();
    const claims = payloadOf(tokens.id);
    const shortLived = signLocalToken({ ...claims, exp: Math.floor(start / 1000) + 60 });
    expect((await cached.authorize(SIGNED_IN, { Authorization: shortLived })).ok).toBe(true);
    time = start + 120_000; // expired, but within the cached answer's 300 s
    expect((await cached.authorize(SIGNED_IN, { Authorization: shortLived })).ok).toBe(true);
    time = start + 301_000;
    expect((await cached.authorize(SIGNED_IN, { Authorization: shortLived })).ok).toBe(false);
    time = Date.now();
  });

  it("reads the pool's JWKS once, not per request", async () => {
    const before = jwksLoads;
    const once = make(0);
    for (let i = 0; i < 3; i++) await once.authorize(SIGNED_IN, { Authorization: tokens.id });
    expect(jwksLoads - before).toBe(1);
  });
});

describe('a scope route (method scopes: an access token with at least one)', () => {
  it('admits an access token carrying one of the scopes', async () => {
    const result = await authorizer.authorize({ kind: 'scopes', scopes: ['notes/read', 'aws.cognito.signin.user.admin'] }, { Authorization: tokens.access });
    expect(result.ok && result.claims.token_use).toBe('access');
  });

  it('refuses a valid access token without any of the scopes with 403, and the ID token with 401', async () => {
    await refused({ kind: 'scopes', scopes: ['notes/write'] }, tokens.access, 403);
    await refused({ kind: 'scopes', scopes: ['aws.cognito.signin.user.admin'] }, tokens.id, 401);
  });

  it('admits an access token the hosted sign-in granted a custom scope', async () => {
    const token = signLocalToken({ ...payloadOf(tokens.access), scope: 'openid notes/write', jti: 'x' });
    expect((await authorizer.authorize({ kind: 'scopes', scopes: ['notes/write'] }, { Authorization: token })).ok).toBe(true);
  });
});

describe('public and group routes', () => {
  it('lets a public route through with no token and no claims', async () => {
    expect(await authorizer.authorize({ kind: 'public' }, {})).toEqual({ ok: true, claims: {} });
  });

  it("requires the ID token on a group route (the group itself is the function wrapper's check)", async () => {
    await refused({ kind: 'groups', groups: ['admin'] }, undefined);
    expect((await authorizer.authorize({ kind: 'groups', groups: ['admin'] }, { Authorization: tokens.id })).ok).toBe(true);
  });
});
