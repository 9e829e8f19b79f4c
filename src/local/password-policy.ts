/**
 * Cognito's password policy check, which cognito-local 5.3 skips. Messages are Cognito's own, prefixed the way
 * its InvalidPasswordException is ("Password did not conform with policy: ...").
 */
import { brokenPasswordRules } from '../core/password-policy.js';
import type { PasswordPolicy } from './cognito-local-modules.js';

/** The first rule the password breaks, as Cognito words it, or undefined when it conforms. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy | undefined): string | undefined {
  return brokenPasswordRules(password, policy)[0]?.cognito;
}
