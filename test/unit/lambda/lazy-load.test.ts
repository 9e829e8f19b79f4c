import { describe, expect, it, vi } from 'vitest';
import { harness } from '../../helpers/lambda-events.js';

const loaded = vi.hoisted(() => new Set<string>());

vi.mock('../../../src/lambda/cognito.js', async (importOriginal) => {
  loaded.add('cognito');
  return importOriginal();
});
vi.mock('../../../src/lambda/tokens.js', async (importOriginal) => {
  loaded.add('tokens');
  return importOriginal();
});

describe('lazy loading', () => {
  it('serves health, 404s, 405s and preflights without loading the Cognito client or the JWT verifier', async () => {
    const h = harness();
    await h.invoke({ path: '/app/health' });
    await h.invoke({ path: '/nope' });
    await h.invoke({ method: 'PUT', path: '/user' });
    await h.invoke({ method: 'OPTIONS', path: '/user' });
    await h.invoke({ method: 'POST', path: '/user', body: { username: 'bad' } });
    expect([...loaded]).toEqual([]);
  });

  it('loads the verifier only when a profile request carries a token', async () => {
    const h = harness();
    await h.invoke({ path: '/user/profile', headers: { Authorization: 'Bearer a.b.c' } });
    expect(loaded.has('tokens')).toBe(true);
  });
});
