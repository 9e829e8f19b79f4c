// Pre authentication: runs on every sign-in before the password is checked. Throw to refuse it.
import type { PreAuthenticationEvent } from 'authstack';

export const handler = async (event: PreAuthenticationEvent): Promise<PreAuthenticationEvent> => {
  if (event.request.userAttributes['custom:suspended'] === 'true') throw new Error('This account is suspended');
  return event;
};
