/**
 * Requests matched to declared routes as API Gateway's REST API matches them (the gateway's `routeMatcher`):
 * path parameters decoded, a literal segment before a parameter, a method before ANY, and what no project route
 * answers left to the built-in API. The event's query and header maps are checked in gateway.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { API_FUNCTION_ID, buildStackModel } from '../../../../src/core/stack-model.js';
import { routeMatcher } from '../../../../src/local/gateway.js';

const { routes } = buildStackModel({
  routes: {
    'GET /notes/{id}': { handler: 'api/notes.ts#get', access: 'signed-in' },
    'GET /notes/mine': { handler: 'api/notes.ts#mine', access: 'signed-in' },
    'ANY /notes/{id}': { handler: 'api/notes.ts#any', access: 'signed-in' },
    'GET /files/{path+}': { handler: 'api/files.ts#get', access: 'public' },
  },
});
const match = routeMatcher(routes);

describe('route matching', () => {
  it('prefers a literal segment to a parameter, and an exact method to ANY', () => {
    expect(match('GET', '/notes/mine')?.handler).toBe('api/notes.ts#mine');
    expect(match('GET', '/notes/42')?.handler).toBe('api/notes.ts#get');
    expect(match('DELETE', '/notes/42')?.handler).toBe('api/notes.ts#any');
  });

  it('gives the path parameters decoded, a greedy one with its slashes', () => {
    expect(match('GET', '/notes/a%20b')?.pathParameters).toEqual({ id: 'a b' });
    expect(match('GET', '/files/x/y%2Fz.txt')?.pathParameters).toEqual({ path: 'x/y/z.txt' });
    expect(match('GET', '/notes/mine')?.pathParameters).toBeNull();
  });

  it("leaves unknown paths and the built-in API's to the built-in proxy; a declared path without the method is no match (403)", () => {
    expect(match('GET', '/user/profile')?.functionId).toBe(API_FUNCTION_ID);
    expect(match('GET', '/notes')?.functionId).toBe(API_FUNCTION_ID);
    expect(match('POST', '/files/a')).toBeUndefined();
  });
});
