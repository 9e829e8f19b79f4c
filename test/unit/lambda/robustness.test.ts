import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '../../helpers/fuzz-events.js';
import { apiEvent, harness } from '../../helpers/lambda-events.js';
import type { ProxyEvent } from '../../../src/lambda/types.js';

const cognito = mockClientInFile(CognitoIdentityProviderClient);
cognito.on(SignUpCommand).resolves({ UserSub: 's', UserConfirmed: false });
cognito.on(ConfirmSignUpCommand).resolves({});
cognito.on(ResendConfirmationCodeCommand).resolves({});
cognito.on(GetUserCommand).resolves({ Username: 'u', UserAttributes: [] });

const paths = fc.oneof(
  fc.constantFrom('/app/health', '/user', '/user/validate', '/user/validate/resend', '/user/profile', '/user/', '/../user', '/user%2Fvalidate'),
  fc.string(),
);
const bodies = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.json(),
  fc
    .record({
      username: fc.oneof(fc.emailAddress(), fc.string(), fc.integer()),
      password: fc.oneof(fc.string(), fc.constant(null)),
      code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.anything()),
    })
    .map((o) => JSON.stringify(o)),
);
const events = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'), fc.string()),
  path: paths,
  body: bodies,
  base64: fc.boolean(),
  auth: fc.option(
    fc.oneof(
      fc.string(),
      fc.string().map((s) => `Bearer ${s}`),
    ),
  ),
});

describe('robustness', () => {
  it('answers every generated event with a well-formed result and never a 5xx (Cognito healthy, no config missing)', async () => {
    const h = harness();
    await fc.assert(
      fc.asyncProperty(events, async (e) => {
        const event: ProxyEvent = apiEvent({
          method: e.method,
          path: e.path,
          headers: e.auth === null ? {} : { Authorization: e.auth },
          ...(e.body === null ? {} : { body: e.body }),
          base64: e.base64,
        });
        const res = await h.invoke(event);
        expect(Number.isInteger(res.statusCode)).toBe(true);
        expect(res.statusCode).toBeLessThan(500);
        // A preflight answers 204 with no body; every other answer is one JSON document.
        if (res.statusCode === 204) expect(res.body).toBe('');
        else expect(() => JSON.parse(res.body)).not.toThrow();
      }),
      { numRuns: fuzzRuns(500), seed: 20240601 },
    );
  }, 60_000);
});
