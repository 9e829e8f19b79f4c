/** The hosted sign-in (OAuth 2.0 / OpenID Connect endpoints and pages) as a service, on the local Cognito's port. */
import { signInUrl } from '../../../core/hosted-ui.js';
import { createOAuthServer } from '../../oauth/server.js';
import type { CognitoService } from '../cognito/index.js';
import { defineService } from '../types.js';

export const oauthService = defineService({
  name: 'oauth',
  needs: ['cognito'],
  async start(ctx) {
    const { cognito } = ctx.use<CognitoService>('cognito');
    const server = createOAuthServer(cognito.hostedSignIn());
    cognito.mount(server.handle);
    return {
      url: cognito.hostedUi.domainUrl,
      outputs: [{ label: 'Sign-in', value: signInUrl(cognito.hostedUi, cognito.clientId) }],
      stop: () => undefined,
    };
  },
});
