import { CognitoIdentityProviderClient, ConfirmSignUpCommand, GetUserCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, hasStackTrace, testEnv } from '../../helpers/lambda-events.js';
import { cognitoError } from '../../helpers/lambda-cognito.js';
import { accessClaims, signJwt, signingKey, startJwksServer, type JwksServer } from '../../helpers/lambda-jwt.js';

const PASSWORD = 'Hunter2-Very-Secret!';
const CODE = '918273';
const key = signingKey('k');
const cognito = mockClientInFile(CognitoIdentityProviderClient);
let jwks: JwksServer;

beforeAll(async () => {
  jwks = await startJwksServer([key]);
});
afterAll(async () => {
  await jwks.close();
});

describe('secrets', () => {
  it('never writes a password, code or token to the log or a response, even when errors quote them', async () => {
    const token = signJwt(key, accessClaims(jwks.issuer, 'testclientid123'));
    // The profile cache off: each profile request below must reach GetUser and meet its failure.
    const h = harness(testEnv({ TOKEN_ISSUER: jwks.issuer, JWKS_URI: jwks.jwksUri, PROFILE_CACHE_SECONDS: '0' }));
    const signup = { method: 'POST', path: '/user', body: { username: 'a@example.com', password: PASSWORD } };
    const validate = { method: 'POST', path: '/user/validate', body: { username: 'a@example.com', code: CODE } };
    const profile = { path: '/user/profile', headers: { Authorization: `Bearer ${token}` } };
    const responses = [];

    cognito.on(SignUpCommand).resolves({ UserSub: 's', UserConfirmed: false });
    cognito.on(ConfirmSignUpCommand).resolves({});
    cognito.on(GetUserCommand).resolves({ Username: 'a', UserAttributes: [] });
    responses.push(await h.invoke(signup), await h.invoke(validate), await h.invoke(profile));

    // Unknown errors are logged in full: their messages quote every secret, as a careless library might.
    cognito.on(SignUpCommand).rejects(new Error(`weird failure for password ${PASSWORD}`));
    cognito.on(ConfirmSignUpCommand).rejects(new Error(`weird failure for code ${CODE}`));
    cognito.on(GetUserCommand).rejects(new Error(`weird failure for token ${token}`));
    responses.push(await h.invoke(signup), await h.invoke(validate), await h.invoke(profile));

    cognito.on(SignUpCommand).rejects(cognitoError('InvalidParameterException', `bad value ${PASSWORD}`));
    cognito.on(GetUserCommand).rejects(cognitoError('NotAuthorizedException', `revoked ${token}`));
    responses.push(await h.invoke(signup), await h.invoke(profile));

    // Malformed JSON quoting the password, a bad token in the body, the same in base64.
    responses.push(await h.invoke({ method: 'POST', path: '/user', body: `{"password":"${PASSWORD}"` }));
    responses.push(await h.invoke({ method: 'POST', path: '/user', body: `{"password":"${PASSWORD}"`, base64: true }));
    responses.push(await h.invoke({ method: 'POST', path: '/user/profile', body: { access_token: `${token}x` } }));

    const log = h.lines.join('\n');
    expect(h.lines.filter((l) => JSON.parse(l).msg === 'unexpected error')).toHaveLength(3);
    for (const secret of [PASSWORD, CODE, token, token.split('.')[2]!]) {
      expect(log).not.toContain(secret);
      for (const r of responses) expect(r.body).not.toContain(secret);
    }
    for (const r of responses) expect(hasStackTrace(r.body)).toBe(false);
  });
});
