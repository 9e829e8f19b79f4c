/**
 * The project's own routes on API Gateway: one Cognito authorizer on the pool, each protected method tied to it
 * (with `AuthorizationScopes` where the route asks for scopes, which makes API Gateway require an access token;
 * without, it requires the ID token), a CORS preflight method per path (API Gateway answers it itself), and
 * gateway responses so that API Gateway's own 4XX/5XX answers (401 from the authorizer, 403, throttling) carry the
 * same CORS headers as the function's, or a browser shows a CORS failure instead of the 401. The resource
 * servers that scope rules name join the pool. With no routes declared, none of this exists and the template is
 * the one authstack has always generated.
 */
import type { RouteModel, StackModel } from '../../core/stack-model.js';
import { LOGICAL_IDS, PARAMETERS as P, type CfnResource } from '../template.js';
import { getAtt, ref, sub } from './intrinsics.js';

const ROUTE_LOGICAL_IDS = { authorizer: 'ApiAuthorizer' } as const;

/** The headers the function's CORS answers carry (src/lambda/response.ts), in a mapping's quoted-literal form. */
const CORS_HEADERS = (prefix: string): Record<string, unknown> => ({
  [`${prefix}.header.Access-Control-Allow-Origin`]: sub(`'\${${P.corsAllowOrigin}}'`),
  [`${prefix}.header.Access-Control-Allow-Headers`]: "'Authorization, Content-Type'",
  [`${prefix}.header.Vary`]: "'Origin'",
});

/**
 * API Gateway's own answers that must be readable by a browser: every 4XX and 5XX, and by name the ones a
 * protected route gives (the authorizer's 401, a missing scope's 403, an unknown path's 403).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
const GATEWAY_RESPONSES = [
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'UNAUTHORIZED',
  'ACCESS_DENIED',
  'MISSING_AUTHENTICATION_TOKEN',
  'EXPIRED_TOKEN',
  'INVALID_SIGNATURE',
  'THROTTLED',
] as const;

/** True when the model declares routes of the project's own. */
function hasUserRoutes(model: StackModel): boolean {
  return model.routes.some((r) => r.access !== undefined);
}

/** A method's authorization: none for the built-in API (it checks tokens itself) and for public routes. */
export function methodAuthorization(route: RouteModel): Record<string, unknown> {
  const access = route.access;
  if (!access || access.kind === 'public') return { AuthorizationType: 'NONE' };
  return {
    AuthorizationType: 'COGNITO_USER_POOLS',
    AuthorizerId: ref(ROUTE_LOGICAL_IDS.authorizer),
    ...(access.kind === 'scopes' ? { AuthorizationScopes: [...access.scopes] } : {}),
  };
}

/**
 * The authorizer, the preflight methods (by path) and the gateway responses: part of the API's definition, so a
 * change to any of them makes a new deployment. `resourceOf` and `methodId` are the API builder's own.
 */
export function userRouteApiResources(
  model: StackModel,
  resourceOf: (path: string) => unknown,
  methodId: (path: string, method: string) => string,
): { methods: Record<string, CfnResource>; others: Record<string, CfnResource>; gatewayResponses: string[] } {
  if (!hasUserRoutes(model)) return { methods: {}, others: {}, gatewayResponses: [] };
  const user = model.routes.filter((r) => r.access !== undefined);
  const methods: Record<string, CfnResource> = {};
  for (const path of [...new Set(user.map((r) => r.path))]) {
    const allow = [...new Set(user.filter((r) => r.path === path).map((r) => (r.method === 'ANY' ? 'GET, POST, PUT, PATCH, DELETE, HEAD' : r.method)))].join(
      ', ',
    );
    methods[methodId(path, 'OPTIONS')] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: ref(LOGICAL_IDS.api),
        ResourceId: resourceOf(path),
        HttpMethod: 'OPTIONS',
        // A preflight carries no token: it must never reach the authorizer.
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'MOCK',
          RequestTemplates: { 'application/json': '{"statusCode": 204}' },
          IntegrationResponses: [
            {
              StatusCode: '204',
              ResponseParameters: {
                ...CORS_HEADERS('method.response'),
                'method.response.header.Access-Control-Allow-Methods': `'${allow}, OPTIONS'`,
                'method.response.header.Access-Control-Max-Age': "'600'",
              },
            },
          ],
        },
        MethodResponses: [
          {
            StatusCode: '204',
            ResponseParameters: Object.fromEntries(
              [
                ...Object.keys(CORS_HEADERS('method.response')),
                'method.response.header.Access-Control-Allow-Methods',
                'method.response.header.Access-Control-Max-Age',
              ].map((k) => [k, true]),
            ),
          },
        ],
      },
    };
  }
  const others: Record<string, CfnResource> = {};
  if (user.some((r) => r.access?.kind !== 'public')) {
    others[ROUTE_LOGICAL_IDS.authorizer] = {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        Name: sub('${AWS::StackName}-cognito'),
        Type: 'COGNITO_USER_POOLS',
        RestApiId: ref(LOGICAL_IDS.api),
        ProviderARNs: [getAtt(LOGICAL_IDS.userPool, 'Arn')],
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: model.authorizer.resultTtlInSeconds,
      },
    };
  }
  for (const type of GATEWAY_RESPONSES) {
    const name = type.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
    others[`ApiGatewayResponse${name}`] = {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: ref(LOGICAL_IDS.api), ResponseType: type, ResponseParameters: CORS_HEADERS('gatewayresponse') },
    };
  }
  // A deployment snapshots the gateway responses too: it must wait for them as for the methods.
  return { methods, others, gatewayResponses: Object.keys(others).filter((id) => id.startsWith('ApiGatewayResponse')) };
}

/** Each resource server's logical id. */
function resourceServerId(index: number): string {
  return `UserPoolResourceServer${index + 1}`;
}

/**
 * The resource servers, and the app client made to wait for them: Cognito refuses a client whose allowed scopes
 * name a scope that does not exist yet.
 */
export function withResourceServers(model: StackModel, resources: Record<string, CfnResource>): Record<string, CfnResource> {
  if (model.resourceServers.length === 0) return resources;
  const servers: Record<string, CfnResource> = {};
  model.resourceServers.forEach((server, i) => {
    servers[resourceServerId(i)] = {
      Type: 'AWS::Cognito::UserPoolResourceServer',
      Properties: {
        UserPoolId: ref(LOGICAL_IDS.userPool),
        Identifier: server.identifier,
        Name: server.name,
        Scopes: server.scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description })),
      },
    };
  });
  const out: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (id === LOGICAL_IDS.userPoolClient) Object.assign(out, servers);
    out[id] = id === LOGICAL_IDS.userPoolClient ? { ...resource, DependsOn: Object.keys(servers) } : resource;
  }
  return out;
}
