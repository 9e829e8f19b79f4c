/**
 * The project's Cognito triggers as a service: the local Cognito fires them (it was given them at its start), and
 * this hands it the function runtime to run them in, and reports each invocation (trigger, Cognito's trigger
 * source, duration, outcome, what the function wrote) to dev's log and, through `onInvocation`, the console.
 */
import type { FunctionRuntime } from '../../functions/runtime.js';
import type { GatewayRequestLog } from '../../gateway.js';
import type { TriggerInvocation } from '../../cognito/triggers.js';
import type { CognitoService } from '../cognito/index.js';
import { defineService } from '../types.js';

export interface TriggersService {
  /** Calls `listener` after every trigger invocation. */
  onInvocation(listener: (invocation: TriggerInvocation) => void): void;
}

/** An invocation in the shape of a request line: the console's list and dev's log show both alike. */
export function invocationAsRequest(i: TriggerInvocation): GatewayRequestLog {
  return {
    method: 'TRIGGER',
    path: `${i.trigger} ${i.source}`,
    status: i.ok ? 200 : 400,
    ms: i.ms,
    requestId: i.requestId,
    functionId: i.functionId,
    ...(i.log ? { log: i.log } : {}),
    ...(i.error ? { error: i.error } : {}),
  };
}

export const triggersService = defineService<TriggersService>({
  name: 'triggers',
  needs: ['cognito', 'functions'],
  async start(ctx) {
    const { cognito } = ctx.use<CognitoService>('cognito');
    cognito.triggers.attach(ctx.use<FunctionRuntime>('functions'));
    cognito.triggers.onInvocation((i) => {
      const request = invocationAsRequest(i);
      for (const text of i.log.split('\n')) if (text) ctx.emit({ type: 'log', functionId: i.functionId, requestId: i.requestId, text });
      ctx.emit({
        type: 'request',
        request,
        text: `λ ${i.trigger} ${i.source} ${i.ok ? 'ok' : 'failed'} ${i.ms.toFixed(1)} ms${i.error ? ` (${i.error})` : ''}`,
      });
    });
    return {
      provides: { onInvocation: (listener) => cognito.triggers.onInvocation(listener) },
      consolePanels: ctx.model.triggers.length
        ? [
            {
              id: 'triggers',
              title: 'Cognito triggers',
              read: () => ({ triggers: ctx.model.triggers.map((t) => ({ trigger: t.name, handler: t.handler, functionId: t.functionId })) }),
            },
          ]
        : [],
      stop: () => undefined,
    };
  },
});
