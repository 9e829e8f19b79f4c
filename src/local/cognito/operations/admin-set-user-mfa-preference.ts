/**
 * AdminSetUserMFAPreference: as SetUserMFAPreference, for a user an administrator names. An administrator may turn
 * a user's TOTP off on a pool that requires MFA (a lost phone): that user is then asked to set up a new one
 * (MFA_SETUP) at the next sign-in.
 */
import type {
  AdminSetUserMFAPreferenceCommandInput,
  AdminSetUserMFAPreferenceCommandOutput,
  SetUserMFAPreferenceCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';

import type { UserPoolService } from '../../cognito-local-modules.js';
import type { Operation, OperationContext } from '../context.js';
import { InvalidParameterException, UserNotFoundException } from '../errors.js';
import { poolMfa, withPreference, type MfaUser } from '../mfa.js';

export const adminSetUserMFAPreference: Operation<AdminSetUserMFAPreferenceCommandInput, AdminSetUserMFAPreferenceCommandOutput> = async (c, input) => {
  const pool = await c.poolById(input.UserPoolId);
  const user = await c.findUser(pool, input.Username);
  if (!user) throw new UserNotFoundException();
  await applyPreference(c, pool, user, input, false);
  return {};
};

/** Checks the preference as Cognito does and saves the user with it. */
export async function applyPreference(
  c: OperationContext,
  pool: UserPoolService,
  user: MfaUser,
  input: Pick<SetUserMFAPreferenceCommandInput, 'SMSMfaSettings' | 'SoftwareTokenMfaSettings' | 'EmailMfaSettings'>,
  self: boolean,
): Promise<void> {
  if (input.SMSMfaSettings?.Enabled || input.EmailMfaSettings?.Enabled) {
    throw new InvalidParameterException('The user pool offers TOTP (software token) MFA only.');
  }
  const settings = input.SoftwareTokenMfaSettings;
  if ((settings?.Enabled || settings?.PreferredMfa) && !user.SoftwareTokenMfaConfiguration?.Verified) {
    throw new InvalidParameterException('User has not verified software token mfa');
  }
  if (self && settings?.Enabled === false && poolMfa(pool) === 'ON') {
    throw new InvalidParameterException('MFA is required in this user pool: TOTP cannot be turned off.');
  }
  await pool.saveUser(c.ctx, { ...withPreference(user, settings), UserLastModifiedDate: c.services.clock.get() });
}
