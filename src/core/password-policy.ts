/**
 * A user pool's password policy, checked before a new password is sent (signup, and any command that sets a new
 * password), and by the local Cognito, which words the first broken rule as Cognito does.
 */

/** Cognito's `PasswordPolicyType`, as far as the rules on a password's characters go. */
export interface PasswordPolicy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
}

/** Cognito's default policy (and the template's): 8 characters, upper and lower case, a digit and a symbol. */
export const DEFAULT_PASSWORD_POLICY: Required<PasswordPolicy> = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};

export interface BrokenPasswordRule {
  rule: 'length' | 'lowercase' | 'uppercase' | 'numbers' | 'symbols';
  /** What the rule asks for, for people: "at least 8 characters", "a digit". */
  needs: string;
  /** Cognito's wording of the failure (InvalidPasswordException). */
  cognito: string;
}

/** The special characters Cognito counts as symbols (a space counts too, unless leading or trailing). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

/** Every rule of `policy` the password breaks, in Cognito's order; empty when it conforms. */
export function brokenPasswordRules(password: string, policy: PasswordPolicy | undefined): BrokenPasswordRule[] {
  const rules = policy ?? {};
  const min = rules.MinimumLength ?? 8;
  const broken: BrokenPasswordRule[] = [];
  if (password.length < min) broken.push({ rule: 'length', needs: `at least ${min} characters`, cognito: 'Password not long enough' });
  if (rules.RequireLowercase && !/[a-z]/.test(password))
    broken.push({ rule: 'lowercase', needs: 'a lower-case letter', cognito: 'Password must have lowercase characters' });
  if (rules.RequireUppercase && !/[A-Z]/.test(password))
    broken.push({ rule: 'uppercase', needs: 'an upper-case letter', cognito: 'Password must have uppercase characters' });
  if (rules.RequireNumbers && !/[0-9]/.test(password)) broken.push({ rule: 'numbers', needs: 'a digit', cognito: 'Password must have numeric characters' });
  if (rules.RequireSymbols && !hasSymbol(password)) broken.push({ rule: 'symbols', needs: 'a symbol', cognito: 'Password must have symbol characters' });
  return broken;
}

/** The whole policy in words: "at least 8 characters, with a lower-case letter, an upper-case letter, a digit and a symbol". */
export function describePasswordPolicy(policy: PasswordPolicy): string {
  const parts: string[] = [];
  if (policy.RequireLowercase) parts.push('a lower-case letter');
  if (policy.RequireUppercase) parts.push('an upper-case letter');
  if (policy.RequireNumbers) parts.push('a digit');
  if (policy.RequireSymbols) parts.push('a symbol');
  const length = `at least ${policy.MinimumLength ?? 8} characters`;
  return parts.length === 0 ? length : `${length}, with ${listInWords(parts)}`;
}

/** What a password still needs, in one phrase: "needs at least 8 characters and a digit". */
export function missingInWords(broken: readonly BrokenPasswordRule[]): string {
  return `needs ${listInWords(broken.map((b) => b.needs))}`;
}

/** The policy in a user pool description (DescribeUserPool's `Policies.PasswordPolicy`), when there is one. */
export function passwordPolicyOf(pool: { Policies?: { PasswordPolicy?: PasswordPolicy } } | undefined): PasswordPolicy | undefined {
  const p = pool?.Policies?.PasswordPolicy;
  if (!p) return undefined;
  return {
    MinimumLength: p.MinimumLength,
    RequireUppercase: p.RequireUppercase,
    RequireLowercase: p.RequireLowercase,
    RequireNumbers: p.RequireNumbers,
    RequireSymbols: p.RequireSymbols,
  };
}

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function hasSymbol(password: string): boolean {
  const inner = password.trim();
  for (const char of inner) if (SYMBOLS.has(char)) return true;
  return false;
}
