/**
 * The `Session` of a challenge Cognito asks a user to answer (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP and
 * the setup's AssociateSoftwareToken / VerifySoftwareToken steps): opaque to the client, tied to the user and the app
 * client, answered once, and valid for the app client's AuthSessionValidity, three minutes by default
 * ("AuthSessionValidity ... Default: 3 minutes", CreateUserPoolClient in the Cognito API reference), on the local
 * Cognito's clock. cognito-local accepts any string as a session; Cognito refuses one it did not issue.
 */
import { randomBytes } from 'node:crypto';

import { NotAuthorizedException } from './errors.js';

export const AUTH_SESSION_TTL_MS = 3 * 60 * 1000;

export interface PendingChallenge {
  clientId: string;
  username: string;
  challenge: string;
  expiresAt: number;
  /** What the challenge carries to its next step (the secret an MFA setup associated). */
  secret?: string;
  /** Wrong answers so far. */
  failures: number;
}

export class AuthSessions {
  private readonly pending = new Map<string, PendingChallenge>();

  constructor(private readonly now: () => number) {}

  /** A new session for `challenge`, asked of `username` through `clientId`. */
  start(clientId: string, username: string, challenge: string, secret?: string): string {
    const now = this.now();
    for (const [id, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(id);
    const id = randomBytes(96).toString('base64url');
    this.pending.set(id, { clientId, username, challenge, expiresAt: now + AUTH_SESSION_TTL_MS, failures: 0, ...(secret ? { secret } : {}) });
    return id;
  }

  /** The username a session was issued to, when it is live and for this client and challenge; Cognito's refusal otherwise. */
  check(session: unknown, clientId: string, challenge: string): string {
    return this.entry(session, challenge, clientId).username;
  }

  /**
   * The live session for `challenge` (and `clientId`, when the operation names one: AssociateSoftwareToken and
   * VerifySoftwareToken do not); Cognito's refusal otherwise.
   */
  entry(session: unknown, challenge: string, clientId?: string): PendingChallenge {
    const entry = typeof session === 'string' ? this.pending.get(session) : undefined;
    if (typeof session !== 'string' || !entry || (clientId !== undefined && entry.clientId !== clientId) || entry.challenge !== challenge) {
      throw new NotAuthorizedException('Invalid session for the user.');
    }
    if (entry.expiresAt <= this.now()) {
      this.pending.delete(session);
      throw new NotAuthorizedException('Invalid session for the user, session is expired.');
    }
    return entry;
  }

  /** Counts a wrong answer; the session is spent at `limit` of them. */
  fail(session: string, limit: number): void {
    const entry = this.pending.get(session);
    if (entry && ++entry.failures >= limit) this.pending.delete(session);
  }

  /** Ends a session once its challenge is met. */
  end(session: string): void {
    this.pending.delete(session);
  }
}
