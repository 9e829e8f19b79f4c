/**
 * RespondToAuthChallenge: PASSWORD_VERIFIER (the SRP password claim, checked as Cognito checks it),
 * NEW_PASSWORD_REQUIRED (the invited user's own password, against the policy, with the session Cognito issued),
 * SOFTWARE_TOKEN_MFA (a TOTP code) and MFA_SETUP (the session a verified setup gave); cognito-local answers the rest
 * (SMS_MFA, SELECT_MFA_TYPE: the pool offers neither).
 */
import type { RespondToAuthChallengeCommandInput, RespondToAuthChallengeCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { parseSrpTimestamp, srpVerifier, verifyPasswordClaim } from '../../../core/srp.js';
import { afterPassword, signIn } from '../auth.js';
import { requireParameters, stringMap, type AuthResult, type Operation, type OperationContext } from '../context.js';
import { InvalidParameterException, NotAuthorizedException } from '../errors.js';
import { MFA_SETUP, MFA_SETUP_VERIFIED, SOFTWARE_TOKEN_MFA, acceptSignInCode, countWrongAnswer, mfaChallenge, withPreference, type MfaUser } from '../mfa.js';

type Output = Omit<RespondToAuthChallengeCommandOutput, '$metadata'>;

export const respondToAuthChallenge: Operation<RespondToAuthChallengeCommandInput, RespondToAuthChallengeCommandOutput> = async (c, input) => {
  if (input.ChallengeName === 'PASSWORD_VERIFIER') return c.recordIssued((await passwordVerifier(c, input)) as Output);
  if (input.ChallengeName === 'NEW_PASSWORD_REQUIRED') return c.recordIssued((await newPassword(c, input)) as Output);
  if (input.ChallengeName === SOFTWARE_TOKEN_MFA) return c.recordIssued((await softwareTokenCode(c, input)) as Output);
  if (input.ChallengeName === MFA_SETUP) return c.recordIssued((await mfaSetupDone(c, input)) as Output);
  return c.recordIssued((await c.local('RespondToAuthChallenge', input)) as Output);
};

/** Cognito's check of the SRP password claim, then what the user's state calls for. */
async function passwordVerifier(c: OperationContext, input: RespondToAuthChallengeCommandInput): Promise<AuthResult> {
  const client = await c.appClient(input.ClientId);
  const answers = stringMap(input.ChallengeResponses);
  requireParameters(answers, ['USERNAME', 'PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP']);
  const block = answers.PASSWORD_CLAIM_SECRET_BLOCK ?? '';
  const timestamp = answers.TIMESTAMP ?? '';
  if (!parseSrpTimestamp(timestamp)) throw new InvalidParameterException('TIMESTAMP format is not valid');
  const challenge = c.srp.open(block);
  if (!challenge || challenge.clientId !== client.ClientId || challenge.expiresAt < c.now()) {
    throw new NotAuthorizedException('Invalid session for the user, session is expired.');
  }
  if (challenge.username === null) throw new NotAuthorizedException();
  const pool = await c.poolForClient(client.ClientId);
  const user = await pool.getUserByUsername(c.ctx, challenge.username);
  const named = await c.findUser(pool, answers.USERNAME);
  if (!user || named?.Username !== user.Username) throw new NotAuthorizedException();
  const proved = verifyPasswordClaim({
    userPoolId: pool.options.Id,
    userIdForSrp: user.Username,
    verifier: srpVerifier({ userPoolId: pool.options.Id, userIdForSrp: user.Username, password: user.Password, salt: challenge.session.salt }),
    session: challenge.session,
    srpA: challenge.srpA,
    secretBlock: block,
    timestamp,
    signature: answers.PASSWORD_CLAIM_SIGNATURE ?? '',
  });
  // A challenge is answered once, right or wrong.
  if (!c.srp.use(block, challenge.expiresAt, c.now()) || !proved) throw new NotAuthorizedException();
  return afterPassword(c, pool, user, client);
}

/**
 * The invited user's new password: the session must be the one this user's sign-in was given (and not expired),
 * the password must meet the pool's policy (the session stays usable for another try, as Amplify's forms expect),
 * and then the user is CONFIRMED and signed in.
 */
async function newPassword(c: OperationContext, input: RespondToAuthChallengeCommandInput): Promise<AuthResult> {
  const client = await c.appClient(input.ClientId);
  const answers = stringMap(input.ChallengeResponses);
  requireParameters(answers, ['USERNAME', 'NEW_PASSWORD']);
  if (!input.Session) throw new InvalidParameterException('Missing required parameter Session');
  const username = c.authSessions.check(input.Session, client.ClientId, 'NEW_PASSWORD_REQUIRED');
  const pool = await c.poolForClient(client.ClientId);
  const user = await pool.getUserByUsername(c.ctx, username);
  const named = await c.findUser(pool, answers.USERNAME);
  if (!user || named?.Username !== user.Username || user.UserStatus !== 'FORCE_CHANGE_PASSWORD') {
    throw new NotAuthorizedException('Invalid session for the user.');
  }
  if (!user.Enabled) throw new NotAuthorizedException('User is disabled.');
  c.checkPassword(pool, answers.NEW_PASSWORD);
  c.authSessions.end(input.Session);
  const confirmed = { ...user, Password: answers.NEW_PASSWORD ?? '', UserStatus: 'CONFIRMED', UserLastModifiedDate: c.services.clock.get() };
  await pool.saveUser(c.ctx, confirmed);
  return mfaChallenge(c, pool, confirmed, client.ClientId) ?? signIn(c, pool, confirmed, client, 'NewPasswordChallenge');
}

/** The user a challenge's session was issued to, when the answer names the same user. */
async function challengedUser(c: OperationContext, input: RespondToAuthChallengeCommandInput, challenge: string, codeName?: string) {
  const client = await c.appClient(input.ClientId);
  const answers = stringMap(input.ChallengeResponses);
  requireParameters(answers, codeName ? ['USERNAME', codeName] : ['USERNAME']);
  if (!input.Session) throw new InvalidParameterException('Missing required parameter Session');
  const username = c.authSessions.check(input.Session, client.ClientId, challenge);
  const pool = await c.poolForClient(client.ClientId);
  const user = (await pool.getUserByUsername(c.ctx, username)) as MfaUser | null;
  const named = await c.findUser(pool, answers.USERNAME);
  if (!user || named?.Username !== user.Username) throw new NotAuthorizedException('Invalid session for the user.');
  if (!user.Enabled) throw new NotAuthorizedException('User is disabled.');
  return { client, pool, user, session: input.Session, answers };
}

/**
 * A TOTP code after the password: valid on the local Cognito's clock and not used before. A wrong one is
 * CodeMismatchException and the session takes another try, up to three; the right one ends the session.
 */
async function softwareTokenCode(c: OperationContext, input: RespondToAuthChallengeCommandInput): Promise<AuthResult> {
  const { client, pool, user, session, answers } = await challengedUser(c, input, SOFTWARE_TOKEN_MFA, 'SOFTWARE_TOKEN_MFA_CODE');
  let signedIn: MfaUser;
  try {
    signedIn = await acceptSignInCode(c, pool, user, answers.SOFTWARE_TOKEN_MFA_CODE);
  } catch (error) {
    countWrongAnswer(c, session);
    throw error;
  }
  c.authSessions.end(session);
  return signIn(c, pool, signedIn, client);
}

/** The end of MFA_SETUP: the session VerifySoftwareToken gave; TOTP is then the user's factor, on and preferred. */
async function mfaSetupDone(c: OperationContext, input: RespondToAuthChallengeCommandInput): Promise<AuthResult> {
  const { client, pool, user, session } = await challengedUser(c, input, MFA_SETUP_VERIFIED);
  const enabled = withPreference(user, { Enabled: true, PreferredMfa: true });
  await pool.saveUser(c.ctx, enabled);
  c.authSessions.end(session);
  return signIn(c, pool, enabled, client);
}
