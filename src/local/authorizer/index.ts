/** API Gateway's Cognito authorizer for the project's own routes, as the local gateway uses it. */
export { createLocalAuthorizer, type LocalAuthorizer } from './cognito-authorizer.js';

export { gatewayCorsHeaders, gatewayError } from './responses.js';
