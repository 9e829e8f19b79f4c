/**
 * The server's side of pending SRP challenges (USER_SRP_AUTH), carried in the SECRET_BLOCK as Cognito carries its
 * own, opaque to the client: encrypted and authenticated with a key of this process, so nothing is stored per
 * challenge but the blocks already answered, until they expire.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

import type { SrpServerSession } from '../../core/srp.js';

/** How long a PASSWORD_VERIFIER challenge can be answered. */
export const SRP_CHALLENGE_TTL_MS = 5 * 60 * 1000;

export interface SealedChallenge {
  clientId: string;
  /** null for a user that does not exist: the challenge cannot be met. */
  username: string | null;
  srpA: string;
  session: SrpServerSession;
  expiresAt: number;
}

export class SrpChallenges {
  private readonly key = randomBytes(32);
  private readonly answered = new Map<string, number>();

  /** A salt that stays the same for a user while the local Cognito runs, as a stored verifier's would. */
  saltFor(poolId: string, userId: string): string {
    return createHmac('sha256', this.key).update(`${poolId}/${userId.toLowerCase()}`).digest('hex').slice(0, 32);
  }

  seal(challenge: SealedChallenge): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(challenge), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(block: string): SealedChallenge | undefined {
    try {
      const raw = Buffer.from(block, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as SealedChallenge;
    } catch {
      return undefined;
    }
  }

  /** Marks a block answered at `now`; false when it already was. */
  use(block: string, expiresAt: number, now: number): boolean {
    for (const [seen, until] of this.answered) if (until < now) this.answered.delete(seen);
    if (this.answered.has(block)) return false;
    this.answered.set(block, expiresAt);
    return true;
  }
}
