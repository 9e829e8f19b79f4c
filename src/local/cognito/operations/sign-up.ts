/** SignUp: the username must be an email (the pool's username attribute), the password must meet the policy. */
import type { SignUpCommandInput, SignUpCommandOutput } from '@aws-sdk/client-cognito-identity-provider';

import { isEmail, maskEmail } from '../codes.js';
import type { Operation } from '../context.js';
import { InvalidParameterException, UsernameExistsException } from '../errors.js';
import { attributeMap, withTriggerScope } from '../triggers.js';

export const signUp: Operation<SignUpCommandInput, SignUpCommandOutput> = async (c, input) => {
  const pool = await c.poolForClient(input.ClientId);
  const username = String(input.Username ?? '');
  if (pool.options.UsernameAttributes?.includes('email') && !isEmail(username)) {
    throw new InvalidParameterException('Username should be an email.');
  }
  c.checkPassword(pool, input.Password);
  if (await c.findUser(pool, username)) throw new UsernameExistsException();
  // cognito-local fires the pre sign-up trigger (ours) before it saves the user; it does not pass ValidationData on.
  const validationData = Array.isArray(input.ValidationData)
    ? attributeMap(input.ValidationData.map((a) => ({ Name: String(a.Name), Value: a.Value })))
    : undefined;
  const result = (await withTriggerScope(validationData ? { validationData } : {}, () => c.local('SignUp', input))) as Omit<SignUpCommandOutput, '$metadata'>;
  // A user the trigger confirmed was sent no code.
  if (result.UserConfirmed) delete result.CodeDeliveryDetails;
  if (result.CodeDeliveryDetails?.Destination) {
    result.CodeDeliveryDetails.Destination = maskEmail(result.CodeDeliveryDetails.Destination);
  }
  return result;
};
