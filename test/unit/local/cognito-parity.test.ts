/**
 * docs/cognito-parity.md, checked: every row of its operations table is called on a local Cognito over the wire
 * (Cognito's JSON protocol, as the SDK, Amplify and amazon-cognito-identity-js send it) and must answer what the
 * row says: `ok` (a 200), or the Cognito error it names. A `not` row must answer UnsupportedOperationException,
 * never an internal error. Every row of the hosted sign-in table is requested too. A row without a call here, or
 * a call without a row, fails the test: the table cannot drift from what runs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS } from '../../../src/core/hosted-ui.js';
import { defaultStackModel } from '../../../src/core/stack-model.js';
import { localPool } from '../../../src/local/cognito.js';
import { localCognitoForFile } from '../../helpers/local-cognito.js';

const LOCAL_POOL = localPool(defaultStackModel());
const PASSWORD = 'Corr3ct-Horse!';
const TABLE = join(import.meta.dirname, '../../../docs/cognito-parity.md');

const local = localCognitoForFile({ groups: ['admin'] });
let counter = 0;

interface Row {
  name: string;
  status: 'supported' | 'partial' | 'not';
  answer: string;
}

/** The rows of the table under `heading` (the first cell in backticks, then status, then the expected answer). */
async function rows(heading: string): Promise<Row[]> {
  const text = await readFile(TABLE, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`no section "${heading}" in docs/cognito-parity.md`);
  return [...section.matchAll(/^\| `([^`]+)` \| (supported|partial|not) \| `([^`]+)` \|/gm)].map((m) => ({
    name: m[1]!,
    status: m[2] as Row['status'],
    answer: m[3]!,
  }));
}

async function call(target: string, body: Record<string, unknown>): Promise<{ status: number; type?: string; body: Record<string, unknown> }> {
  const res = await fetch(local.cognito.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  return { status: res.status, type: typeof json.__type === 'string' ? json.__type : undefined, body: json };
}

async function ok(target: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await call(target, body);
  if (result.status !== 200) throw new Error(`${target} failed in preparation: ${JSON.stringify(result.body)}`);
  return result.body;
}

const ids = () => ({ UserPoolId: local.cognito.userPoolId });
const client = () => ({ ClientId: local.cognito.clientId });
const codeFor = (email: string): string => {
  const code = local.cognito.mailbox.latestFor(email)?.code;
  if (!code) throw new Error(`no code for ${email}`);
  return code;
};

async function unconfirmed(): Promise<string> {
  const email = `parity${++counter}@example.com`;
  await ok('SignUp', { ...client(), Username: email, Password: PASSWORD });
  return email;
}

async function confirmed(): Promise<string> {
  const email = await unconfirmed();
  await ok('ConfirmSignUp', { ...client(), Username: email, ConfirmationCode: codeFor(email) });
  return email;
}

async function signedIn(): Promise<{ email: string; access: string; refresh: string }> {
  const email = await confirmed();
  const result = await ok('InitiateAuth', { ...client(), AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } });
  const auth = result.AuthenticationResult as { AccessToken: string; RefreshToken: string };
  return { email, access: auth.AccessToken, refresh: auth.RefreshToken };
}

async function invited(): Promise<string> {
  const email = `invited${++counter}@example.com`;
  await ok('AdminCreateUser', {
    ...ids(),
    Username: email,
    TemporaryPassword: 'Temp-Pass-1234!',
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: email }],
  });
  return email;
}

/** A realistic request for each operation, preparing what it needs (a user, a code, a challenge). */
const REQUESTS: Record<string, () => Promise<Record<string, unknown>>> = {
  SignUp: async () => ({ ...client(), Username: `parity${++counter}@example.com`, Password: PASSWORD }),
  ConfirmSignUp: async () => {
    const email = await unconfirmed();
    return { ...client(), Username: email, ConfirmationCode: codeFor(email) };
  },
  ResendConfirmationCode: async () => ({ ...client(), Username: await unconfirmed() }),
  InitiateAuth: async () => ({ ...client(), AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: await confirmed(), SRP_A: 'abc123' } }),
  RespondToAuthChallenge: async () => {
    const email = await invited();
    const challenge = await ok('InitiateAuth', {
      ...client(),
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: 'Temp-Pass-1234!' },
    });
    return { ...client(), ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: email, NEW_PASSWORD: PASSWORD } };
  },
  GetTokensFromRefreshToken: async () => ({ ...client(), RefreshToken: (await signedIn()).refresh }),
  RevokeToken: async () => ({ ...client(), Token: (await signedIn()).refresh }),
  GlobalSignOut: async () => ({ AccessToken: (await signedIn()).access }),
  GetUser: async () => ({ AccessToken: (await signedIn()).access }),
  UpdateUserAttributes: async () => ({ AccessToken: (await signedIn()).access, UserAttributes: [{ Name: 'name', Value: 'Ada' }] }),
  GetUserAttributeVerificationCode: async () => ({ AccessToken: (await signedIn()).access, AttributeName: 'email' }),
  VerifyUserAttribute: async () => {
    const { email, access } = await signedIn();
    await ok('GetUserAttributeVerificationCode', { AccessToken: access, AttributeName: 'email' });
    return { AccessToken: access, AttributeName: 'email', Code: codeFor(email) };
  },
  DeleteUserAttributes: async () => ({ AccessToken: (await signedIn()).access, UserAttributeNames: ['name'] }),
  ChangePassword: async () => ({ AccessToken: (await signedIn()).access, PreviousPassword: PASSWORD, ProposedPassword: 'N3w-Horse-Battery!' }),
  ForgotPassword: async () => ({ ...client(), Username: await confirmed() }),
  ConfirmForgotPassword: async () => {
    const email = await confirmed();
    await ok('ForgotPassword', { ...client(), Username: email });
    return { ...client(), Username: email, ConfirmationCode: codeFor(email), Password: 'N3w-Horse-Battery!' };
  },
  DeleteUser: async () => ({ AccessToken: (await signedIn()).access }),
  AssociateSoftwareToken: async () => ({ AccessToken: (await signedIn()).access }),
  VerifySoftwareToken: async () => ({ AccessToken: (await signedIn()).access, UserCode: '000000' }),
  SetUserMFAPreference: async () => ({ AccessToken: (await signedIn()).access, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } }),
  ListDevices: async () => ({ AccessToken: (await signedIn()).access }),
  GetDevice: async () => ({ AccessToken: (await signedIn()).access, DeviceKey: 'local_device' }),
  ConfirmDevice: async () => ({ AccessToken: (await signedIn()).access, DeviceKey: 'local_device' }),
  ForgetDevice: async () => ({ AccessToken: (await signedIn()).access, DeviceKey: 'local_device' }),
  UpdateDeviceStatus: async () => ({ AccessToken: (await signedIn()).access, DeviceKey: 'local_device', DeviceRememberedStatus: 'remembered' }),
  GetUserAuthFactors: async () => ({ AccessToken: (await signedIn()).access }),
  AdminCreateUser: async () => {
    const email = `admin${++counter}@example.com`;
    return { ...ids(), Username: email, UserAttributes: [{ Name: 'email', Value: email }], MessageAction: 'SUPPRESS' };
  },
  AdminGetUser: async () => ({ ...ids(), Username: await confirmed() }),
  AdminUpdateUserAttributes: async () => ({ ...ids(), Username: await confirmed(), UserAttributes: [{ Name: 'name', Value: 'Ada' }] }),
  AdminDeleteUserAttributes: async () => ({ ...ids(), Username: await confirmed(), UserAttributeNames: ['name'] }),
  AdminConfirmSignUp: async () => ({ ...ids(), Username: await unconfirmed() }),
  AdminDisableUser: async () => ({ ...ids(), Username: await confirmed() }),
  AdminEnableUser: async () => ({ ...ids(), Username: await confirmed() }),
  AdminSetUserPassword: async () => ({ ...ids(), Username: await confirmed(), Password: 'N3w-Horse-Battery!', Permanent: true }),
  AdminResetUserPassword: async () => ({ ...ids(), Username: await confirmed() }),
  AdminAddUserToGroup: async () => ({ ...ids(), Username: await confirmed(), GroupName: 'admin' }),
  AdminListGroupsForUser: async () => ({ ...ids(), Username: await confirmed() }),
  AdminRemoveUserFromGroup: async () => {
    const email = await confirmed();
    await ok('AdminAddUserToGroup', { ...ids(), Username: email, GroupName: 'admin' });
    return { ...ids(), Username: email, GroupName: 'admin' };
  },
  AdminUserGlobalSignOut: async () => ({ ...ids(), Username: (await signedIn()).email }),
  AdminInitiateAuth: async () => ({ ...ids(), ...client(), AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: await confirmed(), PASSWORD } }),
  AdminRespondToAuthChallenge: async () => {
    const email = await invited();
    const challenge = await ok('AdminInitiateAuth', {
      ...ids(),
      ...client(),
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: 'Temp-Pass-1234!' },
    });
    return {
      ...ids(),
      ...client(),
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: challenge.Session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: PASSWORD },
    };
  },
  AdminDeleteUser: async () => ({ ...ids(), Username: await confirmed() }),
  AdminSetUserMFAPreference: async () => ({ ...ids(), Username: await confirmed(), SoftwareTokenMfaSettings: { Enabled: false } }),
  AdminListDevices: async () => ({ ...ids(), Username: await confirmed() }),
  ListUsers: async () => ({ ...ids(), Limit: 10 }),
  ListUsersInGroup: async () => ({ ...ids(), GroupName: 'admin' }),
  ListGroups: async () => ids(),
  GetGroup: async () => ({ ...ids(), GroupName: 'admin' }),
  CreateGroup: async () => ({ ...ids(), GroupName: `group${++counter}` }),
  UpdateGroup: async () => ({ ...ids(), GroupName: 'admin', Description: 'Administrators' }),
  DeleteGroup: async () => {
    const GroupName = `gone${++counter}`;
    await ok('CreateGroup', { ...ids(), GroupName });
    return { ...ids(), GroupName };
  },
  DescribeUserPool: async () => ids(),
  // With the pool's own settings: UpdateUserPool resets what it is not given, on AWS as here.
  UpdateUserPool: async () => {
    const { PoolName: _name, UsernameAttributes: _attributes, UsernameConfiguration: _case, Schema: _schema, ...settings } = LOCAL_POOL;
    return { ...ids(), ...settings, DeletionProtection: 'INACTIVE' };
  },
  DescribeUserPoolClient: async () => ({ ...ids(), ...client() }),
  ListUserPoolClients: async () => ({ ...ids(), MaxResults: 10 }),
  ListUserPools: async () => ({ MaxResults: 10 }),
  GetUserPoolMfaConfig: async () => ids(),
  DescribeUserPoolDomain: async () => ({ Domain: 'authstack-local' }),
  GetSigningCertificate: async () => ids(),
};

describe('docs/cognito-parity.md: operations', () => {
  it('has a row for every operation the test calls, and a call for every row', async () => {
    const names = (await rows('Operations')).map((row) => row.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(REQUESTS).sort());
  });

  it('answers every row as the table says', async () => {
    const answers: string[] = [];
    const expected: string[] = [];
    for (const row of await rows('Operations')) {
      const request = REQUESTS[row.name];
      if (!request) continue;
      const result = await call(row.name, await request());
      answers.push(`${row.name}: ${result.status === 200 ? 'ok' : `${result.status} ${result.type}`}`);
      expected.push(`${row.name}: ${row.answer === 'ok' ? 'ok' : `400 ${row.answer}`}`);
      if (row.status === 'not') expect(row.answer, row.name).toBe('UnsupportedOperationException');
      else expect(row.answer, row.name).not.toBe('UnsupportedOperationException');
    }
    expect(answers).toEqual(expected);
  });
});

describe('docs/cognito-parity.md: the hosted sign-in', () => {
  const query = () =>
    new URLSearchParams({ client_id: local.cognito.clientId, response_type: 'code', scope: 'openid', redirect_uri: DEFAULT_CALLBACK_URLS[0]! }).toString();
  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  /** Each endpoint's request, and the status the table's answer names. */
  const ENDPOINTS: Record<string, () => [string, RequestInit]> = {
    'GET /<pool>/.well-known/openid-configuration': () => [`/${local.cognito.userPoolId}/.well-known/openid-configuration`, {}],
    'GET /<pool>/.well-known/jwks.json': () => [`/${local.cognito.userPoolId}/.well-known/jwks.json`, {}],
    'GET /oauth2/authorize': () => [`/oauth2/authorize?${query()}`, {}],
    'GET /login': () => [`/login?${query()}`, {}],
    'GET /signup': () => [`/signup?${query()}`, {}],
    'GET /confirmUser': () => [`/confirmUser?${query()}`, {}],
    'GET /forgotPassword': () => [`/forgotPassword?${query()}`, {}],
    'GET /confirmForgotPassword': () => [`/confirmForgotPassword?${query()}`, {}],
    'POST /forceChangePassword': () => [`/forceChangePassword?${query()}`, form({})],
    'POST /mfa': () => [`/mfa?${query()}`, form({})],
    'POST /mfaSetup': () => [`/mfaSetup?${query()}`, form({})],
    'POST /oauth2/token': () => ['/oauth2/token', form({ grant_type: 'authorization_code', client_id: local.cognito.clientId, code: 'none' })],
    'POST /oauth2/revoke': () => ['/oauth2/revoke', form({ client_id: local.cognito.clientId, token: 'not-a-token' })],
    'GET /oauth2/userInfo': () => ['/oauth2/userInfo', { headers: { authorization: 'Bearer not-a-token' } }],
    'GET /logout': () => [`/logout?client_id=${local.cognito.clientId}&logout_uri=${encodeURIComponent('http://localhost:47651/signed-out')}`, {}],
    'GET /error': () => ['/error?error=invalid_request', {}],
    'GET /saml2/idpresponse': () => ['/saml2/idpresponse', {}],
    'GET /oauth2/idpresponse': () => ['/oauth2/idpresponse', {}],
  };

  it('answers every row as the table says', async () => {
    const table = await rows('Hosted sign-in');
    expect(table.map((row) => row.name).sort()).toEqual(Object.keys(ENDPOINTS).sort());
    const answers: string[] = [];
    for (const row of table) {
      const [path, init] = ENDPOINTS[row.name]!();
      const res = await fetch(new URL(path, local.cognito.endpoint), { ...init, redirect: 'manual' });
      const type = res.headers.get('content-type') ?? '';
      const body = type.includes('json') && res.status >= 400 ? ((await res.json()) as { error?: unknown }) : {};
      const error = typeof body.error === 'string' ? ` ${body.error}` : '';
      answers.push(`${row.name}: ${res.status}${error}`);
    }
    expect(answers).toEqual(table.map((row) => `${row.name}: ${row.answer}`));
  });
});
