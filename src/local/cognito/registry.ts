/**
 * The operations the local Cognito answers itself, by the name `X-Amz-Target` gives (after
 * `AWSCognitoIdentityProviderService.`); every other name goes to cognito-local's own router, which answers
 * what it has and refuses the rest as unsupported. docs/cognito-parity.md lists what each one does.
 */
import type { Operation, OperationContext, Request } from './context.js';
import { CognitoError, NotAuthorizedException } from './errors.js';
import { adminAddUserToGroup } from './operations/admin-add-user-to-group.js';
import { adminCreateUser } from './operations/admin-create-user.js';
import { adminInitiateAuth } from './operations/admin-initiate-auth.js';
import { adminRemoveUserFromGroup } from './operations/admin-remove-user-from-group.js';
import { adminRespondToAuthChallenge } from './operations/admin-respond-to-auth-challenge.js';
import { adminSetUserMFAPreference } from './operations/admin-set-user-mfa-preference.js';
import { adminResetUserPassword } from './operations/admin-reset-user-password.js';
import { adminSetUserPassword } from './operations/admin-set-user-password.js';
import { adminUserGlobalSignOut } from './operations/admin-user-global-sign-out.js';
import { associateSoftwareToken } from './operations/associate-software-token.js';
import { changePassword } from './operations/change-password.js';
import { confirmForgotPassword } from './operations/confirm-forgot-password.js';
import { confirmSignUp } from './operations/confirm-sign-up.js';
import { forgotPassword } from './operations/forgot-password.js';
import { getTokensFromRefreshToken } from './operations/get-tokens-from-refresh-token.js';
import { getUser } from './operations/get-user.js';
import { globalSignOut } from './operations/global-sign-out.js';
import { initiateAuth } from './operations/initiate-auth.js';
import { listUsers } from './operations/list-users.js';
import { resendConfirmationCode } from './operations/resend-confirmation-code.js';
import { respondToAuthChallenge } from './operations/respond-to-auth-challenge.js';
import { revokeToken } from './operations/revoke-token.js';
import { setUserMFAPreference } from './operations/set-user-mfa-preference.js';
import { signUp } from './operations/sign-up.js';
import { verifySoftwareToken } from './operations/verify-software-token.js';
import { thrownCode } from '../../core/errors.js';

// Each handler keeps its SDK types; the registry only needs to call it with a body off the wire.
type AnyOperation = Operation<never, object>;

const OPERATIONS: Readonly<Record<string, AnyOperation>> = {
  SignUp: signUp,
  ConfirmSignUp: confirmSignUp,
  ResendConfirmationCode: resendConfirmationCode,
  InitiateAuth: initiateAuth,
  RespondToAuthChallenge: respondToAuthChallenge,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  RevokeToken: revokeToken,
  GlobalSignOut: globalSignOut,
  GetUser: getUser,
  ChangePassword: changePassword,
  ForgotPassword: forgotPassword,
  ConfirmForgotPassword: confirmForgotPassword,
  ListUsers: listUsers,
  AdminInitiateAuth: adminInitiateAuth,
  AdminCreateUser: adminCreateUser,
  AdminResetUserPassword: adminResetUserPassword,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminSetUserPassword: adminSetUserPassword,
  AssociateSoftwareToken: associateSoftwareToken,
  VerifySoftwareToken: verifySoftwareToken,
  SetUserMFAPreference: setUserMFAPreference,
  AdminSetUserMFAPreference: adminSetUserMFAPreference,
  AdminRespondToAuthChallenge: adminRespondToAuthChallenge,
};

/** Operations that check their access token themselves (they need its claims). */
const CHECK_OWN_TOKEN = new Set(['GlobalSignOut', 'ChangePassword', 'AssociateSoftwareToken', 'VerifySoftwareToken', 'SetUserMFAPreference']);

/** Runs one operation (`SignUp`, `GetUser`, ...) with AWS's behaviour; errors carry Cognito's `code`. */
export type Dispatch = (target: string, req: Request) => Promise<unknown>;

export function createDispatch(c: OperationContext): Dispatch {
  return async (target, req) => {
    // Every operation authorised by an access token gets Cognito's token checks first.
    if ('AccessToken' in req && !CHECK_OWN_TOKEN.has(target)) await c.verifyAccessToken(req.AccessToken);
    // Cognito takes the email alias wherever an admin call takes a username; some of cognito-local's
    // (AdminListGroupsForUser, AdminRemoveUserFromGroup) compare it with the stored username as given.
    if (target.startsWith('Admin') && typeof req.UserPoolId === 'string' && typeof req.Username === 'string') {
      const pool = await c.poolById(req.UserPoolId).catch(() => undefined);
      const user = pool ? await c.findUser(pool, req.Username) : null;
      if (user) req = { ...req, Username: user.Username };
    }
    const operation = Object.hasOwn(OPERATIONS, target) ? OPERATIONS[target] : undefined;
    try {
      return await (operation ? (operation as Operation<Request, object>)(c, req) : c.local(target, req));
    } catch (error) {
      // cognito-local reports a wrong password as InvalidPasswordException; Cognito says NotAuthorized.
      if (thrownCode(error) === 'InvalidPasswordException' && !(error instanceof CognitoError)) {
        throw new NotAuthorizedException();
      }
      throw error;
    }
  };
}
