import type { RouteHandler } from 'authstack';

/**
 * GET /notes/{id}: signed-in users only. API Gateway (and `authstack dev`, the same way) has already checked the
 * ID token in the Authorization header; its claims arrive as strings.
 */
export const getNote: RouteHandler = async (event) => {
  const id = event.pathParameters?.id ?? '';
  const claims = event.requestContext.authorizer?.claims ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id, owner: claims.email ?? claims.sub ?? null }),
  };
};
