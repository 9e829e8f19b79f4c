/** The local Cognito as a service: the user pool and app client of the model, on their own port. */
import { LOCAL_REGION, localClient, localPool, startLocalCognito, type LocalCognito } from '../../cognito.js';
import type { Mailbox } from '../../mailbox.js';
import { LocalTriggers } from '../../cognito/triggers.js';
import { defineService } from '../types.js';

export interface CognitoService {
  cognito: LocalCognito;
  /** Calls `listener` with the name of every operation that succeeded. */
  onOperation(listener: (target: string) => void): void;
}

export const cognitoService = defineService<CognitoService>({
  name: 'cognito',
  needs: ['mailbox'],
  async start(ctx) {
    const listeners: ((target: string) => void)[] = [];
    const o = ctx.options;
    const cognito = await startLocalCognito({
      port: o.cognitoPort,
      host: ctx.host,
      dataDir: ctx.dataDir,
      reset: o.reset,
      groups: o.groups,
      oauth: o.oauth,
      settings: o.settings ?? { pool: localPool(ctx.model), client: localClient(ctx.model) },
      mailbox: ctx.use<Mailbox>('mailbox'),
      // Fired from the start; their runtime is attached by the triggers service (a call waits for it until then).
      triggers: new LocalTriggers({ triggers: ctx.model.triggers, region: LOCAL_REGION }),
      // Mounted by the oauth service.
      hostedSignIn: false,
      onOperation: (target) => {
        for (const listener of listeners) listener(target);
      },
    });
    return {
      url: cognito.endpoint,
      outputs: [{ label: 'Cognito', value: cognito.endpoint, note: `pool ${cognito.userPoolId}, client ${cognito.clientId}` }],
      provides: { cognito, onOperation: (listener) => void listeners.push(listener) },
      stop: () => cognito.close(),
    };
  },
});
