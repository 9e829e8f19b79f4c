// Post authentication: runs after every successful sign-in, before the tokens are issued.
import type { PostAuthenticationEvent } from 'authstack';

export const handler = async (event: PostAuthenticationEvent): Promise<PostAuthenticationEvent> => {
  console.log(JSON.stringify({ msg: 'signed in', sub: event.request.userAttributes.sub, client: event.callerContext.clientId }));
  return event;
};
