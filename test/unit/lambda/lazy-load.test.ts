import { beforeAll, describe, expect, it, vi } from 'vitest';

type Harness = typeof import('../../helpers/lambda-events.js')['harness'];
let harness: Harness;

const loaded = vi.hoisted(() => new Set<string>());

vi.mock('../../../src/lambda/cognito.js', async (importOriginal) => {
  loaded.add('cognito');
  return importOriginal();
});
vi.mock('../../../src/lambda/pictures.js', async (importOriginal) => {
  loaded.add('pictures');
  return importOriginal();
});
vi.mock('../../../src/lambda/tokens.js', async (importOriginal) => {
  loaded.add('tokens');
  return importOriginal();
});

// The files of a worker share one module graph: an earlier file may have loaded the handler and the real modules
// already. Forget them, so the handler is loaded afresh and what it loads goes through the mocks above.
beforeAll(async () => {
  vi.resetModules();
  ({ harness } = await import('../../helpers/lambda-events.js'));
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
    // The S3 client and the presigned-POST signer are the picture routes' alone.
    expect(loaded.has('pictures')).toBe(false);
  });
});
