/**
 * The answers API Gateway itself gives when the authorizer refuses a request, with its error type header and the
 * CORS headers the template's gateway responses add (so a browser can read the 401 instead of a CORS failure).
 */

export interface GatewayAnswer {
  readonly statusCode: 401 | 403;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The CORS headers of API Gateway's own answers, as the template's GatewayResponse resources set them. */
export function gatewayCorsHeaders(origin: string): Record<string, string> {
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Headers': 'Authorization, Content-Type', Vary: 'Origin' };
}

export function gatewayError(status: 401 | 403, corsOrigin: string): GatewayAnswer {
  const [type, message] =
    status === 401 ? ['UnauthorizedException', 'Unauthorized'] : ['AccessDeniedException', 'User is not authorized to access this resource'];
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type, ...gatewayCorsHeaders(corsOrigin) },
    body: JSON.stringify({ message }),
  };
}
