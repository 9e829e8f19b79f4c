// Run with `node --test api/` (Node 22.18 or later runs TypeScript as it is; on Node 20: `npx tsx --test api/`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteEvent } from 'authstack';
import { getNote } from './notes.ts';

test('GET /notes/{id} answers with the note id and the signed-in user', async () => {
  const event = {
    pathParameters: { id: '42' },
    requestContext: { authorizer: { claims: { sub: 'user-1', email: 'ada@example.com' } } },
  } as unknown as RouteEvent;
  const result = await getNote(event, {} as never);
  assert.equal(result.statusCode, 200);
  assert.deepEqual(JSON.parse(result.body), { id: '42', owner: 'ada@example.com' });
});
