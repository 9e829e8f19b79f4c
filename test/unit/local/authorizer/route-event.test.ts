/**
 * Requests matched to declared routes as API Gateway's REST API matches them, and the event parts it gives:
 * path parameters decoded, query single and multi-value, headers in the client's spelling.
 */
import { describe, expect, it } from 'vitest';
import { buildStackModel } from '../../../../src/core/stack-model.js';
import { matchUserRoute, routeEventParts } from '../../../../src/local/authorizer/index.js';

const { routes } = buildStackModel({
  routes: {
    'GET /notes/{id}': { handler: 'api/notes.ts#get', access: 'signed-in' },
    'GET /notes/mine': { handler: 'api/notes.ts#mine', access: 'signed-in' },
    'ANY /notes/{id}': { handler: 'api/notes.ts#any', access: 'signed-in' },
    'GET /files/{path+}': { handler: 'api/files.ts#get', access: 'public' },
  },
});

describe('route matching', () => {
  it('prefers a literal segment to a parameter, and an exact method to ANY', () => {
    expect(matchUserRoute(routes, 'GET', '/notes/mine')?.route.handler).toBe('api/notes.ts#mine');
    expect(matchUserRoute(routes, 'GET', '/notes/42')?.route.handler).toBe('api/notes.ts#get');
    expect(matchUserRoute(routes, 'DELETE', '/notes/42')?.route.handler).toBe('api/notes.ts#any');
  });

  it('gives the path parameters decoded, a greedy one with its slashes', () => {
    expect(matchUserRoute(routes, 'GET', '/notes/a%20b')?.pathParameters).toEqual({ id: 'a b' });
    expect(matchUserRoute(routes, 'GET', '/files/x/y%2Fz.txt')?.pathParameters).toEqual({ path: 'x/y/z.txt' });
    expect(matchUserRoute(routes, 'GET', '/notes/mine')?.pathParameters).toBeNull();
  });

  it("leaves unknown paths and the built-in API's to the built-in proxy", () => {
    expect(matchUserRoute(routes, 'GET', '/user/profile')).toBeUndefined();
    expect(matchUserRoute(routes, 'GET', '/notes')).toBeUndefined();
    expect(matchUserRoute(routes, 'POST', '/files/a')).toBeUndefined();
  });
});

describe('the event parts', () => {
  it('gives the declared path as resource, the query single (last value) and multi-value, the headers as sent', () => {
    const match = matchUserRoute(routes, 'GET', '/notes/7')!;
    const parts = routeEventParts(match, 'tag=a&tag=b&q=x%20y&flag', ['Authorization', 't', 'X-Multi', '1', 'x-multi', '2', 'X-Multi', '3']);
    expect(parts.resource).toBe('/notes/{id}');
    expect(parts.pathParameters).toEqual({ id: '7' });
    expect(parts.queryStringParameters).toEqual({ tag: 'b', q: 'x y', flag: '' });
    expect(parts.multiValueQueryStringParameters).toEqual({ tag: ['a', 'b'], q: ['x y'], flag: [''] });
    expect(parts.headers).toEqual({ Authorization: 't', 'X-Multi': '3', 'x-multi': '2' });
    expect(parts.multiValueHeaders['X-Multi']).toEqual(['1', '3']);
  });

  it('gives null for an empty query, as API Gateway does', () => {
    const parts = routeEventParts(matchUserRoute(routes, 'GET', '/notes/7')!, '', []);
    expect(parts.queryStringParameters).toBeNull();
    expect(parts.multiValueQueryStringParameters).toBeNull();
  });
});
