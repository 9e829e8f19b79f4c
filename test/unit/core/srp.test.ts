import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import {
  newSrpSalt,
  padHex,
  parseSrpTimestamp,
  passwordClaim,
  srpPoolName,
  srpTimestamp,
  srpVerifier,
  startSrpClient,
  startSrpServer,
  verifyPasswordClaim,
  type PasswordVerifierChallenge,
  type SrpClientSession,
} from '../../../src/core/srp.js';

// The client library's own SRP helper and big-number type (exported, though its typings leave them out).
const require = createRequire(import.meta.url);
const { AuthenticationHelper, DateHelper } = require('amazon-cognito-identity-js') as {
  AuthenticationHelper: new (poolName: string) => Helper;
  DateHelper: new () => { getNowString(): string };
};
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger.js').default as new (hex: string, radix: number) => { toString(radix: number): string };

interface Helper {
  smallAValue: unknown;
  largeAValue: unknown;
  getLargeAValue(cb: (err: unknown, A: { toString(radix: number): string }) => void): void;
  getPasswordAuthenticationKey(userId: string, password: string, B: unknown, salt: unknown, cb: (err: unknown, key: Buffer) => void): void;
  padHex(value: unknown): string;
}

const POOL_ID = 'local_7DZy4Fkn7';
const USER_ID = '4d2f0c1e-9a77-4f0b-8b1e-2f6f3b0c5a11';
const PASSWORD = 'Corr3ct-Horse!';
const SECRET_BLOCK = Buffer.from('an opaque block the server chose').toString('base64');

/** One PASSWORD_VERIFIER challenge from our server side, with what it must keep to check the answer. */
function serverChallenge(password = PASSWORD) {
  const salt = newSrpSalt();
  const verifier = srpVerifier({ userPoolId: POOL_ID, userIdForSrp: USER_ID, password, salt });
  const session = startSrpServer(verifier, salt);
  const challenge: PasswordVerifierChallenge = {
    SALT: salt,
    SRP_B: session.srpB,
    SECRET_BLOCK,
    USER_ID_FOR_SRP: USER_ID,
  };
  return { verifier, session, challenge };
}

/** The answer amazon-cognito-identity-js's AuthenticationHelper computes, signed as its CognitoUser signs it. */
async function libraryClaim(challenge: PasswordVerifierChallenge, password: string, a?: bigint) {
  const helper = new AuthenticationHelper(srpPoolName(POOL_ID));
  if (a !== undefined) {
    helper.smallAValue = new BigInteger(a.toString(16), 16);
    helper.largeAValue = undefined; // the constructor computed one from its own a
  }
  const A = await new Promise<string>((resolve, reject) => helper.getLargeAValue((err, value) => (err ? reject(err as Error) : resolve(value.toString(16)))));
  const key = await new Promise<Buffer>((resolve, reject) =>
    helper.getPasswordAuthenticationKey(
      challenge.USER_ID_FOR_SRP,
      password,
      new BigInteger(challenge.SRP_B, 16),
      new BigInteger(challenge.SALT, 16),
      (err, value) => (err ? reject(err as Error) : resolve(value)),
    ),
  );
  const timestamp = new DateHelper().getNowString();
  const signature = createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(srpPoolName(POOL_ID)),
        Buffer.from(challenge.USER_ID_FOR_SRP),
        Buffer.from(challenge.SECRET_BLOCK, 'base64'),
        Buffer.from(timestamp),
      ]),
    )
    .digest('base64');
  return { srpA: A, timestamp, signature, helper };
}

function check(
  server: ReturnType<typeof serverChallenge>,
  answer: { srpA: string; timestamp: string; signature: string },
  overrides: Partial<{ secretBlock: string; userIdForSrp: string }> = {},
): boolean {
  return verifyPasswordClaim({
    userPoolId: POOL_ID,
    userIdForSrp: overrides.userIdForSrp ?? USER_ID,
    verifier: server.verifier,
    session: server.session,
    srpA: answer.srpA,
    secretBlock: overrides.secretBlock ?? SECRET_BLOCK,
    timestamp: answer.timestamp,
    signature: answer.signature,
  });
}

function ourClaim(server: ReturnType<typeof serverChallenge>, password: string, session: SrpClientSession = startSrpClient()) {
  const responses = passwordClaim({ userPoolId: POOL_ID, password, session, challenge: server.challenge, now: new Date() });
  return { srpA: session.srpA, timestamp: responses.TIMESTAMP, signature: responses.PASSWORD_CLAIM_SIGNATURE, responses };
}

describe('SRP server side, checked by amazon-cognito-identity-js as the client', () => {
  it('accepts the claim the library computes from the right password', async () => {
    const server = serverChallenge();
    expect(check(server, await libraryClaim(server.challenge, PASSWORD))).toBe(true);
  });

  it('refuses the claim the library computes from a wrong password', async () => {
    const server = serverChallenge();
    expect(check(server, await libraryClaim(server.challenge, 'Wr0ng-Horse!'))).toBe(false);
  });

  it('binds the claim to the secret block and the user it was issued for', async () => {
    const server = serverChallenge();
    const answer = await libraryClaim(server.challenge, PASSWORD);
    expect(check(server, answer, { secretBlock: Buffer.from('another block').toString('base64') })).toBe(false);
    expect(check(server, answer, { userIdForSrp: 'someone-else' })).toBe(false);
    expect(check(server, { ...answer, timestamp: srpTimestamp(new Date(0)) })).toBe(false);
  });
});

describe('SRP client side', () => {
  it('signs exactly what amazon-cognito-identity-js signs for the same secret a', async () => {
    const server = serverChallenge();
    const session = startSrpClient();
    const library = await libraryClaim(server.challenge, PASSWORD, session.a);
    expect(library.srpA).toBe(session.srpA);
    // The library reads the clock itself: sign at the instant its timestamp names.
    const now = parseSrpTimestamp(library.timestamp)!;
    const ours = passwordClaim({ userPoolId: POOL_ID, password: PASSWORD, session, challenge: server.challenge, now });
    expect(ours.TIMESTAMP).toBe(library.timestamp);
    expect(ours.PASSWORD_CLAIM_SIGNATURE).toBe(library.signature);
  });

  it('signs in against our server side with the right password and not with a wrong one', () => {
    const server = serverChallenge();
    const right = ourClaim(server, PASSWORD);
    expect(right.responses).toMatchObject({ USERNAME: USER_ID, PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK });
    expect(check(server, right)).toBe(true);
    expect(check(server, ourClaim(server, 'Wr0ng-Horse!'))).toBe(false);
  });

  it('refuses a server B that is a multiple of N', () => {
    const server = serverChallenge();
    expect(() =>
      passwordClaim({
        userPoolId: POOL_ID,
        password: PASSWORD,
        session: startSrpClient(),
        challenge: { ...server.challenge, SRP_B: '0' },
        now: new Date(),
      }),
    ).toThrow(/B/);
  });
});

describe('SRP encodings', () => {
  it('pads hex as the client library does, so both hash the same bytes', () => {
    const helper = new AuthenticationHelper('x');
    for (const value of [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x8000n, 2n ** 255n, 2n ** 256n - 1n]) {
      expect(padHex(value)).toBe(helper.padHex(new BigInteger(value.toString(16), 16)));
    }
  });

  it('writes TIMESTAMP as the client library does and reads it back', () => {
    const now = new Date();
    const library = new DateHelper().getNowString();
    const ours = srpTimestamp(now);
    // The library reads the clock itself: compare with our rendering of the same second or the next one.
    expect([ours, srpTimestamp(new Date(now.getTime() + 1000))]).toContain(library);
    for (const date of [new Date(Date.UTC(2026, 2, 3, 7, 5, 9)), new Date(Date.UTC(1999, 11, 31, 23, 59, 59))]) {
      expect(parseSrpTimestamp(srpTimestamp(date))?.getTime()).toBe(date.getTime());
    }
    expect(srpTimestamp(new Date(Date.UTC(2026, 2, 3, 7, 5, 9)))).toBe('Tue Mar 3 07:05:09 UTC 2026');
    expect(parseSrpTimestamp('Tue Mar 03 07:05:09 UTC 2026')).toBeUndefined();
    expect(parseSrpTimestamp('2026-03-03T07:05:09Z')).toBeUndefined();
  });

  it('takes the pool name from the part of the pool id after the underscore', () => {
    expect(srpPoolName('eu-west-1_AbC123')).toBe('AbC123');
    expect(srpPoolName('local_7DZy4Fkn7')).toBe('7DZy4Fkn7');
  });
});
