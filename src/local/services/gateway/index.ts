/**
 * The local API Gateway as a service: the model's routes, each run by the function runtime; the project's protected
 * routes checked first by API Gateway's Cognito authorizer against the local pool (its JWKS, issuer and app client),
 * with the model's result TTL.
 */
import { createLocalAuthorizer, type LocalAuthorizer } from '../../authorizer/index.js';
import type { FunctionRuntime } from '../../functions/runtime.js';
import { startGateway, type GatewayRequestLog } from '../../gateway.js';
import type { CognitoService } from '../cognito/index.js';
import { defineService, type ServiceContext } from '../types.js';

export interface GatewayService {
  url: string;
  /** Calls `listener` once per answered request. */
  onRequest(listener: (request: GatewayRequestLog) => void): void;
}

/** The origin the functions answer with (their CORS_ALLOW_ORIGIN), which the gateway's own answers carry too. */
function corsOriginOf(ctx: ServiceContext): string {
  return ctx.options.corsOrigin ?? process.env.CORS_ALLOW_ORIGIN ?? '*';
}

function authorizerFor(ctx: ServiceContext): LocalAuthorizer | undefined {
  if (!ctx.model.routes.some((r) => r.access !== undefined && r.access.kind !== 'public')) return undefined;
  const { cognito } = ctx.use<CognitoService>('cognito');
  return createLocalAuthorizer({
    issuer: cognito.issuer,
    jwksUri: cognito.jwksUri,
    clientIds: [cognito.clientId],
    ttlSeconds: ctx.model.authorizer.resultTtlInSeconds,
    now: () => Date.now(),
    corsOrigin: corsOriginOf(ctx),
  });
}

export const gatewayService = defineService<GatewayService>({
  name: 'gateway',
  needs: ['cognito', 'functions'],
  async start(ctx) {
    const listeners: ((request: GatewayRequestLog) => void)[] = [];
    const authorizer = authorizerFor(ctx);
    const gateway = await startGateway({
      port: ctx.options.apiPort,
      host: ctx.host,
      stage: ctx.options.stage,
      routes: ctx.model.routes,
      functions: ctx.use<FunctionRuntime>('functions'),
      corsOrigin: corsOriginOf(ctx),
      ...(authorizer ? { authorizer } : {}),
      onRequest: (request) => {
        for (const listener of listeners) listener(request);
        if (request.log) ctx.emit({ type: 'log', functionId: request.functionId ?? '', requestId: request.requestId, text: request.log });
        ctx.emit({
          type: 'request',
          request,
          text: `${request.method} ${request.path} ${request.status} ${request.ms.toFixed(1)} ms${
            request.error ? ` (${request.error})` : request.errorCode ? ` ${request.errorCode}` : ''
          }`,
        });
      },
    });
    return {
      url: gateway.url,
      outputs: [{ label: 'API', value: gateway.url, note: '(try: authstack health)', highlight: true }],
      provides: { url: gateway.url, onRequest: (listener) => void listeners.push(listener) },
      stop: () => gateway.close(),
    };
  },
});
