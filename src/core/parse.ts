import { usageError } from './errors.js';

/** Option value parsers: each returns the parsed value or throws a usage error naming the option. */

export function integer(name: string, min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw usageError(`${name} must be a whole number, got "${raw}".`);
    const n = Number(raw);
    if (n < min || n > max) throw usageError(`${name} must be between ${min} and ${max}, got ${n}.`);
    return n;
  };
}

export const port = (name: string) => integer(name, 0, 65535);

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `10m`, `2h`, `1d`, `500ms`, or a bare number of seconds. Returns milliseconds. */
export function duration(name: string) {
  return (raw: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
    if (!m) throw usageError(`${name} must be a duration such as 30s, 10m or 2h, got "${raw}".`);
    return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
  };
}

export function httpUrl(name: string) {
  return (raw: string): string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw usageError(`${name} must be a URL such as https://api.example.com, got "${raw}".`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`${name} must be an http(s) URL, got "${raw}".`);
    return raw.replace(/\/+$/, '');
  };
}

/**
 * A hosted sign-in redirect URL (`--callback-url`, `--logout-url`), repeatable, each use adding one. Kept exactly as
 * typed: Cognito compares a request's redirect_uri with it character for character, trailing slash included. Held
 * to Cognito's rules for app client URLs: absolute, no fragment, and plain http only for localhost (an app's own
 * scheme, such as myapp://callback, is allowed).
 */
export function redirectUrls(flag: string) {
  return (raw: string, previous: string[] | undefined): string[] => {
    if (raw.includes(',')) throw usageError(`${flag} takes one URL; repeat the flag for more, got "${raw}".`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw usageError(`${flag} must be an absolute URL such as https://app.example.com/callback, got "${raw}".`);
    }
    if (raw.includes('#')) throw usageError(`${flag} must not have a fragment (#…), got "${raw}".`);
    if (url.protocol === 'http:' && url.hostname !== 'localhost') {
      throw usageError(`${flag} must use https (plain http only for localhost, as Cognito requires), got "${raw}".`);
    }
    return [...(previous ?? []), raw];
  };
}

// The same shape the API checks: one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(raw: string | undefined, what = 'email'): string {
  const value = (raw ?? '').trim();
  if (!value) throw usageError(`Missing ${what}.`, 'Pass it as the first argument');
  if (value.length > 254 || !EMAIL.test(value)) throw usageError(`"${raw}" is not a valid email address.`);
  return value;
}

/** One of a fixed list of values (strings or numbers), e.g. `--log-retention`'s days. `unit` follows the list. */
export function oneOf<T extends string | number>(name: string, values: readonly T[], unit = '') {
  return (raw: string): T => {
    const found = values.find((v) => String(v) === raw.trim());
    if (found === undefined) throw usageError(`${name} must be one of ${values.join(', ')}${unit ? ` (${unit})` : ''}, got "${raw}".`);
    return found;
  };
}

/** CloudFormation's stack name rule, capped at 120 so the user pool name (`<stack>-users`) fits Cognito's 128. */
export function stackName(raw: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,119}$/.test(raw)) {
    throw usageError(`--stack must start with a letter and hold only letters, digits and hyphens (at most 120), got "${raw}".`);
  }
  return raw;
}

// An AWS region's shape (us-east-1, us-gov-west-1, eu-isoe-west-1). A malformed one would otherwise reach DNS as
// `cognito-idp.<region>.amazonaws.com` and come back as a confusing "host not found".
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The one region rule: for --region, the guided deploy's question, and authstack.config.json. */
export function isAwsRegion(value: string): boolean {
  return AWS_REGION.test(value);
}

export function awsRegion(raw: string): string {
  if (!isAwsRegion(raw)) throw usageError(`--region must be an AWS region such as us-east-1, got "${raw}".`);
  return raw;
}

/** `*`, or one origin (scheme, host, optional port), as the template's CorsAllowOrigin parameter accepts. */
export function corsOrigin(raw: string): string {
  const value = raw.trim().replace(/\/+$/, '');
  if (value === '*' || /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(value)) return value;
  throw usageError(`--cors-origin must be * or one origin such as https://app.example.com, got "${raw}".`);
}

/** Cognito group names, comma-separated (`admin,editor`): at most 5, as the template's UserGroups parameter holds. */
export function groupList(raw: string): string[] {
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length > 5) throw usageError(`--groups takes at most 5 groups, got ${names.length}.`);
  for (const name of names) {
    if (!/^[\w+=.@-]{1,128}$/.test(name)) throw usageError(`"${name}" is not a valid group name (letters, digits and + = . @ - _, at most 128).`);
  }
  return [...new Set(names)];
}

/** The environment settings that are a number of seconds, with what each one bounds. */
export const SECONDS_SETTINGS = {
  /** One AWS call attempt (default 30 s). */
  AUTHSTACK_AWS_TIMEOUT: { min: 1, max: 3600 },
  /** One Cognito call of the auth commands (default 15 s). */
  AUTHSTACK_COGNITO_TIMEOUT: { min: 0.1, max: 3600 },
  /** The wait for the browser's redirect in `login --browser` (default 5 minutes). */
  AUTHSTACK_LOGIN_TIMEOUT: { min: 0.1, max: 3600 },
} as const;

/**
 * A seconds setting from the environment, in milliseconds; undefined when it is not set. A malformed one is a
 * configuration error (exit 2), never silently replaced by the default.
 */
export function secondsSetting(env: NodeJS.ProcessEnv, name: keyof typeof SECONDS_SETTINGS): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const { min, max } = SECONDS_SETTINGS[name];
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || seconds < min || seconds > max) {
    throw usageError(`${name} must be a number of seconds from ${min} to ${max}, got "${raw}".`);
  }
  return Math.round(seconds * 1000);
}

/** Checks every seconds setting at once, so a malformed one fails any command up front, in one line. */
export function checkSecondsSettings(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(SECONDS_SETTINGS) as Array<keyof typeof SECONDS_SETTINGS>) secondsSetting(env, name);
}
