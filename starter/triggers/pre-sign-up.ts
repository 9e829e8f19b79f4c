// Pre sign-up: runs before Cognito creates the user (SignUp, and AdminCreateUser / `authstack users create`).
// Throw to refuse the sign-up: the caller gets UserLambdaValidationException "PreSignUp failed with error <message>."
import type { PreSignUpEvent } from 'authstack';

const ALLOWED_DOMAIN = 'example.com';

export const handler = async (event: PreSignUpEvent): Promise<PreSignUpEvent> => {
  const email = event.request.userAttributes.email ?? '';
  if (!email.endsWith(`@${ALLOWED_DOMAIN}`)) throw new Error(`Only ${ALLOWED_DOMAIN} addresses may sign up`);
  // Uncomment to skip the emailed code (SignUp only; AdminCreateUser ignores these):
  // event.response.autoConfirmUser = true;
  // event.response.autoVerifyEmail = true;
  return event;
};
