/**
 * SetUserMFAPreference: the signed-in user turns TOTP on (only a verified token: InvalidParameterException
 * otherwise, as Cognito answers) or off, and sets it as preferred. The pool offers TOTP only; SMS cannot be turned
 * on. On a pool that requires MFA a user cannot turn TOTP off ("You can't turn off TOTP MFA for any of your users
 * when MFA is required in your user pool", SoftwareTokenMfaSettingsType in the Cognito API reference).
 */
import type { SetUserMFAPreferenceCommandInput, SetUserMFAPreferenceCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import type { Operation } from '../context.js';
import { tokenUser } from '../mfa.js';
import { applyPreference } from './admin-set-user-mfa-preference.js';

export const setUserMFAPreference: Operation<SetUserMFAPreferenceCommandInput, SetUserMFAPreferenceCommandOutput> = async (c, input) => {
  const { pool, user } = await tokenUser(c, input.AccessToken);
  await applyPreference(c, pool, user, input, true);
  return {};
};
