// Post confirmation: runs once the user is confirmed (ConfirmSignUp, AdminConfirmSignUp, a pre sign-up auto-confirm)
// and after a password reset (PostConfirmation_ConfirmForgotPassword). The place to create the user's own record.
import type { PostConfirmationEvent } from 'authstack';

export const handler = async (event: PostConfirmationEvent): Promise<PostConfirmationEvent> => {
  if (event.triggerSource === 'PostConfirmation_ConfirmSignUp') {
    console.log(JSON.stringify({ msg: 'new user', sub: event.request.userAttributes.sub, email: event.request.userAttributes.email }));
  }
  return event;
};
