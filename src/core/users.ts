/** A user of the pool, as the `users` commands show it (types only: `src/commands/results.ts` reads this file). */
export interface PoolUser {
  /** Cognito's username (with email as the username attribute, the user's `sub`). */
  username: string;
  email?: string;
  /** Cognito's UserStatus, e.g. `CONFIRMED`, `UNCONFIRMED`, `FORCE_CHANGE_PASSWORD`, `RESET_REQUIRED`. */
  status?: string;
  enabled: boolean;
  /** ISO 8601. */
  created?: string;
  modified?: string;
  attributes: Record<string, string>;
  /** Two-factor sign-in: `totp` when the user's authenticator app is on (`users show`, `users list`: read with AdminGetUser, ListUsers does not say). */
  mfa?: 'totp' | 'off';
  /** The user's groups (`users show`, `users create`; not `users list`). */
  groups?: string[];
}
