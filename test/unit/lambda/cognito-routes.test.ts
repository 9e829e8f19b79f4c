import { CognitoIdentityProviderClient, ConfirmSignUpCommand, ResendConfirmationCodeCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyOf, harness, testEnv } from '../../helpers/lambda-events.js';
import { cognitoError, COGNITO_ERROR_CASES } from '../../helpers/lambda-cognito.js';

const cognito = mockClientInFile(CognitoIdentityProviderClient);
beforeEach(() => cognito.reset());
afterEach(() => cognito.reset());

const delivery = { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } as const;
const USER = 'alice@example.com';
const PASSWORD = 'Corr3ct-Horse!';
const CODE = '123456';

describe('POST /user (sign-up)', () => {
  it('signs up with the configured client and answers 201 with the Cognito result', async () => {
    cognito.on(SignUpCommand).resolves({ UserSub: 'sub-1', UserConfirmed: false, CodeDeliveryDetails: delivery });
    const res = await harness().invoke({ method: 'POST', path: '/user', body: { username: USER, password: PASSWORD } });
    expect(res.statusCode).toBe(201);
    expect(bodyOf(res)).toEqual({
      userSub: 'sub-1',
      userConfirmed: false,
      codeDeliveryDetails: { destination: 'a***@e***', deliveryMedium: 'EMAIL', attributeName: 'email' },
    });
    expect(cognito.commandCalls(SignUpCommand)[0]!.args[0].input).toEqual({
      ClientId: 'testclientid123',
      Username: USER,
      Password: PASSWORD,
    });
  });

  it.each<[string, unknown, string]>([
    ['missing username', { password: PASSWORD }, 'username'],
    ['numeric username', { username: 42, password: PASSWORD }, 'username'],
    ['invalid email', { username: 'alice', password: PASSWORD }, 'username'],
    ['email with a space', { username: 'al ice@example.com', password: PASSWORD }, 'username'],
    ['email with CR/LF', { username: 'alice@example.com\r\nX: y', password: PASSWORD }, 'username'],
    ['overlong email', { username: `${'a'.repeat(200)}@example.com`, password: PASSWORD }, 'username'],
    ['empty username', { username: '', password: PASSWORD }, 'username'],
    ['missing password', { username: USER }, 'password'],
    ['empty password', { username: USER, password: '' }, 'password'],
    ['array password', { username: USER, password: ['x'] }, 'password'],
    ['overlong password', { username: USER, password: 'p'.repeat(300) }, 'password'],
  ])('answers 400 naming the field for a %s, without calling Cognito', async (_what, body, field) => {
    const res = await harness().invoke({ method: 'POST', path: '/user', body });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.message).toContain(`"${field}"`);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('accepts unicode email addresses and ignores extra fields', async () => {
    cognito.on(SignUpCommand).resolves({ UserSub: 's', UserConfirmed: false });
    const res = await harness().invoke({
      method: 'POST',
      path: '/user',
      body: { username: 'jösé@exämple.com', password: PASSWORD, admin: true },
    });
    expect(res.statusCode).toBe(201);
    expect(bodyOf(res).codeDeliveryDetails).toBeNull();
  });
});

describe('POST /user/validate (confirm sign-up)', () => {
  it('confirms with the code and answers 200 Confirmed', async () => {
    cognito.on(ConfirmSignUpCommand).resolves({});
    const res = await harness().invoke({ method: 'POST', path: '/user/validate', body: { username: USER, code: CODE } });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ status: 'Confirmed' });
    expect(cognito.commandCalls(ConfirmSignUpCommand)[0]!.args[0].input).toEqual({
      ClientId: 'testclientid123',
      Username: USER,
      ConfirmationCode: CODE,
    });
  });

  it.each<[string, unknown, string]>([
    ['missing code', { username: USER }, 'code'],
    ['numeric code', { username: USER, code: 123456 }, 'code'],
    ['short code', { username: USER, code: '123' }, 'code'],
    ['non-digit code', { username: USER, code: '12345a' }, 'code'],
    ['missing username', { code: CODE }, 'username'],
  ])('answers 400 naming the field for a %s', async (_what, body, field) => {
    const res = await harness().invoke({ method: 'POST', path: '/user/validate', body });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.message).toContain(`"${field}"`);
    expect(cognito.calls()).toHaveLength(0);
  });
});

describe('POST /user/validate/resend', () => {
  it('resends the code and answers 200 with the delivery details', async () => {
    cognito.on(ResendConfirmationCodeCommand).resolves({ CodeDeliveryDetails: delivery });
    const res = await harness().invoke({ method: 'POST', path: '/user/validate/resend', body: { username: USER } });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res).codeDeliveryDetails.deliveryMedium).toBe('EMAIL');
  });

  it('answers 400 naming username when it is missing', async () => {
    const res = await harness().invoke({ method: 'POST', path: '/user/validate/resend', body: {} });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error.message).toContain('"username"');
  });
});

describe('Cognito error mapping', () => {
  const routes = [
    { path: '/user', command: SignUpCommand, body: { username: USER, password: PASSWORD } },
    { path: '/user/validate', command: ConfirmSignUpCommand, body: { username: USER, code: CODE } },
    { path: '/user/validate/resend', command: ResendConfirmationCodeCommand, body: { username: USER } },
  ] as const;

  for (const r of routes) {
    it.each(COGNITO_ERROR_CASES)(`${r.path}: %s → %i`, async (name, status, retryAfter) => {
      cognito.on(r.command as typeof SignUpCommand).rejects(cognitoError(name));
      const h = harness();
      const res = await h.invoke({ method: 'POST', path: r.path, body: r.body });
      expect(res.statusCode).toBe(status);
      const body = bodyOf(res);
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
      // Each header is there exactly when it applies: Retry-After on a retryable answer, WWW-Authenticate on a 401;
      // and only an unknown failure gets the generic 500 body.
      expect(res.headers?.['Retry-After'] === undefined ? 0 : Number(res.headers['Retry-After']), 'Retry-After').toSatisfy((s: number) => s > 0 === retryAfter);
      expect(res.headers?.['WWW-Authenticate'], 'WWW-Authenticate').toEqual(status === 401 ? expect.stringMatching(/^Bearer/) : undefined);
      const generic = { code: 'InternalError', message: 'Internal server error.' };
      if (status === 500) expect(body.error).toEqual(generic);
      else expect(body.error).not.toEqual(generic);
    });
  }

  it('logs the real error of an unknown failure, and answers a generic 500', async () => {
    cognito.on(SignUpCommand).rejects(new TypeError('boom inside the SDK'));
    const h = harness();
    const res = await h.invoke({ method: 'POST', path: '/user', body: { username: USER, password: PASSWORD } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('boom');
    const logged = h.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'unexpected error');
    expect(logged.error).toContain('boom inside the SDK');
    expect(logged.stack).toContain('TypeError');
  });

  it('passes a safe Cognito password-policy message through to the client', async () => {
    cognito.on(SignUpCommand).rejects(cognitoError('InvalidPasswordException', 'Password did not conform with policy: Password not long enough'));
    const res = await harness().invoke({ method: 'POST', path: '/user', body: { username: USER, password: PASSWORD } });
    expect(bodyOf(res).error).toEqual({ code: 'InvalidPassword', message: 'Password did not conform with policy: Password not long enough' });
  });

  it('replaces a Cognito message that quotes the password with the default one', async () => {
    cognito.on(SignUpCommand).rejects(cognitoError('InvalidParameterException', `Value ${PASSWORD} is bad`));
    const res = await harness().invoke({ method: 'POST', path: '/user', body: { username: USER, password: PASSWORD } });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(PASSWORD);
  });

  it('bounds the Cognito call by the time the invocation has left', async () => {
    cognito.on(SignUpCommand).resolves({ UserSub: 's', UserConfirmed: false });
    await harness(testEnv()).invoke({ method: 'POST', path: '/user', body: { username: USER, password: PASSWORD } });
    const options = (cognito.commandCalls(SignUpCommand)[0]!.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
    expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
  });
});
