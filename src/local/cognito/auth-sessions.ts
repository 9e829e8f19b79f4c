/**
 * The `Session` of a challenge Cognito asks a user to answer (NEW_PASSWORD_REQUIRED): opaque to the client, tied to
 * the user and the app client, answered once, and valid for the app client's AuthSessionValidity, three minutes by
 * default ("AuthSessionValidity ... Default: 3 minutes", CreateUserPoolClient in the Cognito API reference).
 * cognito-local accepts any string as a session; Cognito refuses one it did not issue.
 */
import { randomBytes } from 'node:crypto';

import { NotAuthorizedException } from './errors.js';

export const AUTH_SESSION_TTL_MS = 3 * 60 * 1000;

interface PendingChallenge {
  clientId: string;
  username: string;
  challenge: string;
  expiresAt: number;
}

export class AuthSessions {
  private readonly pending = new Map<string, PendingChallenge>();

  constructor(private readonly now: () => number) {}

  /** A new session for `challenge`, asked of `username` through `clientId`. */
  start(clientId: string, username: string, challenge: string): string {
    const now = this.now();
    for (const [id, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(id);
    const id = randomBytes(96).toString('base64url');
    this.pending.set(id, { clientId, username, challenge, expiresAt: now + AUTH_SESSION_TTL_MS });
    return id;
  }

  /** The username a session was issued to, when it is live and for this client and challenge; Cognito's refusal otherwise. */
  check(session: unknown, clientId: string, challenge: string): string {
    const entry = typeof session === 'string' ? this.pending.get(session) : undefined;
    if (typeof session !== 'string' || !entry || entry.clientId !== clientId || entry.challenge !== challenge) {
      throw new NotAuthorizedException('Invalid session for the user.');
    }
    if (entry.expiresAt <= this.now()) {
      this.pending.delete(session);
      throw new NotAuthorizedException('Invalid session for the user, session is expired.');
    }
    return entry.username;
  }

  /** Ends a session once its challenge is met. */
  end(session: string): void {
    this.pending.delete(session);
  }
}
