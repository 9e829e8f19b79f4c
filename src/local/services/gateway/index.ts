/** The local API Gateway as a service: the model's routes, each run by the function runtime. */
import type { FunctionRuntime } from '../../functions/runtime.js';
import { startGateway, type GatewayRequestLog } from '../../gateway.js';
import { defineService } from '../types.js';

export interface GatewayService {
  url: string;
  /** Calls `listener` once per answered request. */
  onRequest(listener: (request: GatewayRequestLog) => void): void;
}

export const gatewayService = defineService<GatewayService>({
  name: 'gateway',
  needs: ['functions'],
  async start(ctx) {
    const listeners: ((request: GatewayRequestLog) => void)[] = [];
    const gateway = await startGateway({
      port: ctx.options.apiPort,
      host: ctx.host,
      stage: ctx.options.stage,
      routes: ctx.model.routes,
      functions: ctx.use<FunctionRuntime>('functions'),
      onRequest: (request) => {
        for (const listener of listeners) listener(request);
        if (request.log)
          for (const text of request.log.split('\n'))
            if (text) ctx.emit({ type: 'log', functionId: request.functionId ?? '', requestId: request.requestId, text });
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
