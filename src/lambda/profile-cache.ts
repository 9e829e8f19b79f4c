/**
 * The profile route's answers, remembered per access token for a few seconds in the warm function.
 *
 * Cognito's request quotas are per account and region, shared by every user pool there, so a GetUser per profile
 * request caps the whole API's profile rate at that quota. With this cache a token's repeated requests cost
 * Cognito at most one call per `ttlMs` in each warm function instance, and requests for a token that arrive while
 * its call is in flight share that call. The price: a sign-out (or an attribute change) is seen up to `ttlMs`
 * late, in each instance that recently answered for that token.
 */
import { createHash } from 'node:crypto';

/** How long an answer is served from memory unless configured otherwise: the bound on a late sign-out. */
export const DEFAULT_PROFILE_CACHE_TTL_MS = 10_000;
/** Tokens remembered at most; beyond, the least recently used is dropped (a profile is well under 1 KB). */
const DEFAULT_PROFILE_CACHE_ENTRIES = 1_000;

export interface ProfileCacheOptions {
  /** Most tokens remembered. Default 1,000. */
  readonly maxEntries?: number;
  /** The wall clock, in epoch milliseconds (token expiry is wall-clock time). Default `Date.now`. */
  readonly now?: () => number;
}

export interface ProfileCache<T> {
  /**
   * The answer for `token`: from memory while younger than `ttlMs` and the token unexpired, otherwise from `load`
   * (shared with a call already in flight for the same token). A failed `load` is never remembered.
   * @param tokenExpiresAt when the token expires, in epoch milliseconds: nothing is served past it.
   */
  get(token: string, tokenExpiresAt: number, ttlMs: number, load: () => Promise<T>): Promise<T>;
  /** Tokens currently remembered (in-flight calls included). */
  readonly size: number;
}

interface Entry<T> {
  readonly value: Promise<T>;
  readonly expiresAt: number;
}

export function createProfileCache<T>(options: ProfileCacheOptions = {}): ProfileCache<T> {
  const maxEntries = options.maxEntries ?? DEFAULT_PROFILE_CACHE_ENTRIES;
  const now = options.now ?? Date.now;
  // Keyed by a hash, so the map never holds bearer tokens; a Map iterates in insertion order, which makes
  // delete-then-set a least-recently-used list.
  const entries = new Map<string, Entry<T>>();

  return {
    get size() {
      return entries.size;
    },
    get(token, tokenExpiresAt, ttlMs, load) {
      const at = now();
      const key = createHash('sha256').update(token).digest('base64url');
      const hit = entries.get(key);
      entries.delete(key);
      if (hit && hit.expiresAt > at) {
        entries.set(key, hit);
        return hit.value;
      }
      const value = load();
      const expiresAt = Math.min(at + ttlMs, tokenExpiresAt);
      if (expiresAt <= at) return value;
      const entry: Entry<T> = { value, expiresAt };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
      return value;
    },
  };
}
