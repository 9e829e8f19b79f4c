/** API Gateway's Cognito authorizer and route matching for the project's own routes, as the local gateway uses them. */
export { createLocalAuthorizer, type LocalAuthorizer } from './cognito-authorizer.js';

export { gatewayCorsHeaders, gatewayError } from './responses.js';
export { matchUserRoute, routeEventParts } from './route-event.js';
