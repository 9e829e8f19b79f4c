/**
 * Cognito's password policy check, which cognito-local 5.3 skips. Messages are Cognito's own, prefixed the way
 * its InvalidPasswordException is ("Password did not conform with policy: ...").
 */
import type { PasswordPolicy } from './cognito-local-modules.js';

/** The special characters Cognito counts as symbols (a space counts too, unless leading or trailing). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

/** The first rule the password breaks, as Cognito words it, or undefined when it conforms. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy | undefined): string | undefined {
  const rules = policy ?? {};
  if (password.length < (rules.MinimumLength ?? 8)) return 'Password not long enough';
  if (rules.RequireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (rules.RequireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (rules.RequireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (rules.RequireSymbols && !hasSymbol(password)) return 'Password must have symbol characters';
  return undefined;
}

function hasSymbol(password: string): boolean {
  const inner = password.trim();
  for (const char of inner) if (SYMBOLS.has(char)) return true;
  return false;
}
