// Custom message: runs before every email Cognito sends a code in (sign-up, resend, forgot password, invitation).
// Keep event.request.codeParameter ({####}) in the text: Cognito puts the code there.
import type { CustomMessageEvent } from 'authstack';

export const handler = async (event: CustomMessageEvent): Promise<CustomMessageEvent> => {
  const code = event.request.codeParameter;
  if (event.triggerSource === 'CustomMessage_SignUp' || event.triggerSource === 'CustomMessage_ResendCode') {
    event.response.emailSubject = 'Welcome! Confirm your address';
    event.response.emailMessage = `Your confirmation code is ${code}.`;
  } else if (event.triggerSource === 'CustomMessage_ForgotPassword') {
    event.response.emailSubject = 'Reset your password';
    event.response.emailMessage = `Your reset code is ${code}.`;
  } else if (event.triggerSource === 'CustomMessage_AdminCreateUser') {
    event.response.emailSubject = 'You are invited';
    event.response.emailMessage = `Sign in as ${event.request.usernameParameter} with the temporary password ${code}.`;
  }
  return event;
};
