import { describe, expect, it } from 'vitest';
import { createProfileCache } from '../../../src/lambda/profile-cache.js';
import { fakeClock } from '../../helpers/lambda-events.js';

/** A load that counts its calls and resolves with the call's number. */
function countingLoad() {
  let calls = 0;
  return { load: async () => ++calls, calls: () => calls };
}

const HOUR = 3_600_000;

describe('profile cache', () => {
  it('a second call within the window makes no second load', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<number>({ now: clock.now });
    const l = countingLoad();
    expect(await cache.get('token-a', clock.now() + HOUR, 10_000, l.load)).toBe(1);
    clock.advance(9_999);
    expect(await cache.get('token-a', clock.now() + HOUR, 10_000, l.load)).toBe(1);
    expect(l.calls()).toBe(1);
  });

  it('after the window the next call loads again', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<number>({ now: clock.now });
    const l = countingLoad();
    await cache.get('token-a', clock.now() + HOUR, 10_000, l.load);
    clock.advance(10_000);
    expect(await cache.get('token-a', clock.now() + HOUR, 10_000, l.load)).toBe(2);
    expect(l.calls()).toBe(2);
  });

  it('never serves an answer past the token’s own expiry, even inside the window', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<number>({ now: clock.now });
    const l = countingLoad();
    const expiresAt = clock.now() + 3_000;
    await cache.get('token-a', expiresAt, 10_000, l.load);
    clock.advance(3_000);
    await cache.get('token-a', expiresAt, 10_000, l.load);
    expect(l.calls()).toBe(2);
    // An already expired token is not even remembered.
    expect(cache.size).toBe(0);
  });

  it('keeps nothing when the window is 0 (the cache turned off)', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<number>({ now: clock.now });
    const l = countingLoad();
    await cache.get('token-a', clock.now() + HOUR, 0, l.load);
    await cache.get('token-a', clock.now() + HOUR, 0, l.load);
    expect(l.calls()).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries tokens, dropping the least recently used', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<number>({ now: clock.now, maxEntries: 3 });
    const l = countingLoad();
    for (const t of ['a', 'b', 'c']) await cache.get(t, clock.now() + HOUR, 10_000, l.load);
    await cache.get('a', clock.now() + HOUR, 10_000, l.load); // a is now the most recently used
    for (const t of ['d', 'e', 'f', 'g']) await cache.get(t, clock.now() + HOUR, 10_000, l.load);
    expect(cache.size).toBe(3);
    expect(l.calls()).toBe(7);
    await cache.get('g', clock.now() + HOUR, 10_000, l.load);
    expect(l.calls()).toBe(7);
    await cache.get('a', clock.now() + HOUR, 10_000, l.load);
    expect(l.calls()).toBe(8);
  });

  it('does not remember a failure: the next call loads again', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<number>({ now: clock.now });
    let calls = 0;
    const failing = async (): Promise<number> => {
      calls++;
      throw new Error('NotAuthorizedException');
    };
    await expect(cache.get('token-a', clock.now() + HOUR, 10_000, failing)).rejects.toThrow('NotAuthorized');
    await expect(cache.get('token-a', clock.now() + HOUR, 10_000, failing)).rejects.toThrow('NotAuthorized');
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('simultaneous calls for one token share the call in flight', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<string>({ now: clock.now });
    let calls = 0;
    let finish!: (v: string) => void;
    const slow = () => {
      calls++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = cache.get('token-a', clock.now() + HOUR, 10_000, slow);
    const second = cache.get('token-a', clock.now() + HOUR, 10_000, slow);
    finish('profile');
    expect(await Promise.all([first, second])).toEqual(['profile', 'profile']);
    expect(calls).toBe(1);
  });

  it('different tokens are different entries', async () => {
    const clock = fakeClock();
    const cache = createProfileCache<number>({ now: clock.now });
    const l = countingLoad();
    expect(await cache.get('token-a', clock.now() + HOUR, 10_000, l.load)).toBe(1);
    expect(await cache.get('token-b', clock.now() + HOUR, 10_000, l.load)).toBe(2);
  });
});
