/** API Gateway's Cognito authorizer and route matching for the project's own routes, as the local gateway uses them. */
export { createLocalAuthorizer, tokenFromHeader, type AuthorizerResult, type LocalAuthorizer, type LocalAuthorizerOptions } from './cognito-authorizer.js';
export { flattenClaims, javaUtcDate } from './claims.js';
export { gatewayCorsHeaders, gatewayError, type GatewayAnswer } from './responses.js';
export { headerMaps, matchUserRoute, queryParameters, routeEventParts, type RouteEventParts, type RouteMatch } from './route-event.js';
