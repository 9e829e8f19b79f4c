/**
 * The REST API: one method per route, each a proxy integration to its function, a deployment named after the API's
 * definition, the stage, and the permission for API Gateway to call each function. The built-in API's methods
 * have no authorizer on purpose: its handler verifies Cognito tokens itself on the routes that need them. The
 * project's own routes are protected by API Gateway (routes.ts).
 */
import type { RouteModel, StackModel } from '../../core/stack-model.js';
import { LOGICAL_IDS, PARAMETERS as P, apiDefinitionHash, type CfnResource } from '../template.js';
import { functionIds } from './functions.js';
import { getAtt, ref, sub } from './intrinsics.js';
import { methodAuthorization, userRouteApiResources } from './routes.js';

const pascal = (segment: string): string =>
  segment === '{proxy+}'
    ? 'Proxy'
    : segment
        .replace(/[{}+]/g, '')
        .replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '');

/** The API Gateway resources of the routes' paths (`Api<Path>Resource`), and each route's resource reference. */
function pathResources(routes: readonly RouteModel[]): {
  resources: Record<string, CfnResource>;
  resourceOf: (path: string) => unknown;
  nameOf: (path: string) => string;
} {
  const resources: Record<string, CfnResource> = {};
  const ids = new Map<string, string>();
  const nameOf = (path: string) => path.split('/').filter(Boolean).map(pascal).join('');
  const resourceOf = (path: string): unknown => (path === '/' ? getAtt(LOGICAL_IDS.api, 'RootResourceId') : ref(ids.get(path)!));
  for (const route of routes) {
    const segments = route.path.split('/').filter(Boolean);
    for (let i = 1; i <= segments.length; i++) {
      const path = `/${segments.slice(0, i).join('/')}`;
      if (ids.has(path)) continue;
      const id = `Api${nameOf(path)}Resource`;
      const parent = i === 1 ? '/' : `/${segments.slice(0, i - 1).join('/')}`;
      resources[id] = {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { RestApiId: ref(LOGICAL_IDS.api), ParentId: resourceOf(parent), PathPart: segments[i - 1]! },
      };
      ids.set(path, id);
    }
  }
  return { resources, resourceOf, nameOf };
}

export function apiResources(model: StackModel): Record<string, CfnResource> {
  const restApi: CfnResource = {
    Type: 'AWS::ApiGateway::RestApi',
    Properties: { Name: sub('${AWS::StackName}-api'), Description: sub('authstack ${AWS::StackName}'), EndpointConfiguration: { Types: ['REGIONAL'] } },
  };
  const paths = pathResources(model.routes);
  const methods: Record<string, CfnResource> = {};
  for (const route of model.routes) {
    const id = `Api${nameOf(route, paths.nameOf)}${route.method === 'ANY' ? '' : pascal(route.method.toLowerCase())}Method`;
    methods[id] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: ref(LOGICAL_IDS.api),
        ResourceId: paths.resourceOf(route.path),
        HttpMethod: route.method,
        ...methodAuthorization(route),
        Integration: {
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          Uri: sub(
            `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${functionIds({ id: route.functionId }).function}.Arn}/invocations`,
          ),
        },
      },
    };
  }
  const user = userRouteApiResources(
    model,
    paths.resourceOf,
    (path, method) => `Api${nameOf({ path } as RouteModel, paths.nameOf)}${pascal(method.toLowerCase())}Method`,
  );
  Object.assign(methods, user.methods);
  const definition = { [LOGICAL_IDS.api]: restApi, ...paths.resources, ...methods, ...user.others };
  // CloudFormation creates a new API Gateway deployment only when the Deployment resource itself is new, and a
  // deployment is a snapshot of the methods: with a fixed logical id, a change to a method would never reach the
  // stage. So, as SAM does, the deployment is named after a hash of the API's definition: any change to it adds
  // a new deployment, which the stage then points to in the same update, and CloudFormation removes the old one.
  const deploymentId = `${LOGICAL_IDS.deployment}${apiDefinitionHash({ Resources: definition })}`;
  const permissions: Record<string, CfnResource> = {};
  for (const functionId of [...new Set(model.routes.map((r) => r.functionId))]) {
    const ids = functionIds({ id: functionId });
    permissions[ids.permission] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: ref(ids.function),
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sub(`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${LOGICAL_IDS.api}}/*`),
      },
    };
  }
  return {
    ...definition,
    // A deployment snapshots the methods that exist when it is created, so it must wait for all of them.
    [deploymentId]: {
      Type: 'AWS::ApiGateway::Deployment',
      DependsOn: [...Object.keys(methods), ...Object.keys(user.others).filter((id) => user.gatewayResponses.includes(id))],
      Properties: { RestApiId: ref(LOGICAL_IDS.api), Description: 'authstack proxy integration' },
    },
    [LOGICAL_IDS.stage]: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: ref(LOGICAL_IDS.api),
        DeploymentId: ref(deploymentId),
        StageName: ref(P.stageName),
        TracingEnabled: true,
        MethodSettings: [
          { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: ref(P.throttlingRateLimit), ThrottlingBurstLimit: ref(P.throttlingBurstLimit) },
        ],
      },
    },
    ...permissions,
  };
}

function nameOf(route: RouteModel, name: (path: string) => string): string {
  return route.path === '/' ? 'Root' : name(route.path);
}
