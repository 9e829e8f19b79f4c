import type { RouteHandler } from 'authstack';

/** GET /hello: public, no token needed. */
export const hello: RouteHandler = async (event) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ message: `Hello, ${event.queryStringParameters?.name ?? 'world'}!` }),
});
