/**
 * The local console as a service, on the local Cognito's port: users, the mailbox, the API's requests (with the
 * output of the function that answered each) and the panels other services contribute. Served on a loopback
 * interface only, unless asked for (`console: true`).
 */
import { CONSOLE_PATH, changesUsers, createConsole, isLoopback } from '../../console/server.js';
import type { Mailbox } from '../../mailbox.js';
import type { CognitoService } from '../cognito/index.js';
import type { GatewayService } from '../gateway/index.js';
import type { StorageService } from '../storage/index.js';
import { defineService } from '../types.js';
import { invocationAsRequest, type TriggersService } from '../triggers/index.js';

const pictures = (storage: StorageService | undefined) => (storage?.pictures ? { picturesUrl: storage.pictures.cdnUrl } : {});

export const consoleService = defineService({
  name: 'console',
  needs: ['cognito', 'mailbox', 'gateway'],
  async start(ctx) {
    // Unauthenticated user administration: only on a loopback interface, unless asked for explicitly.
    if (!(ctx.options.console ?? isLoopback(ctx.host))) return { stop: () => undefined };
    const { cognito, onOperation } = ctx.use<CognitoService>('cognito');
    const gateway = ctx.use<GatewayService>('gateway');
    const mailbox = ctx.use<Mailbox>('mailbox');
    const localConsole = createConsole({
      dispatch: cognito.dispatch,
      userPoolId: cognito.userPoolId,
      mailbox,
      apiUrl: gateway.url,
      allowRemote: !isLoopback(ctx.host),
      ...pictures(ctx.started().some((s) => s.name === 'storage') ? ctx.use<StorageService>('storage') : undefined),
      // Read when asked, so panels of services started after this one would show too.
      panels: () => ctx.started().flatMap(({ service }) => service.consolePanels ?? []),
    });
    cognito.mount(localConsole.handle);
    mailbox.onDeliver(() => localConsole.notify('mailbox'));
    onOperation((target) => {
      if (changesUsers(target)) localConsole.notify('users');
    });
    gateway.onRequest((request) => localConsole.recordRequest({ at: new Date().toISOString(), ...request }));
    // The Cognito triggers' invocations join the request list, when that service runs.
    const triggers = ctx.started().find((s) => s.name === 'triggers')?.service.provides as TriggersService | undefined;
    triggers?.onInvocation((i) => localConsole.recordRequest({ at: new Date().toISOString(), ...invocationAsRequest(i) }));
    const url = `${cognito.endpoint}${CONSOLE_PATH}`;
    return {
      url,
      outputs: [{ label: 'Console', value: url, note: '(users, mailbox, requests)', highlight: true }],
      stop: () => localConsole.close(),
    };
  },
});
