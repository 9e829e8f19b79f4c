import { BadRequestError } from './errors.js';

/**
 * Field checks done before Cognito is called, so that a client's mistake costs no Cognito quota and gets a message
 * naming the field. Messages never quote the value: it may be a password or a code.
 */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
// Deliberately permissive (unicode local parts and domains are valid); Cognito has the last word.
const EMAIL = /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$/u;
const CODE = /^[0-9]{6}$/;
// A lone surrogate cannot be encoded as UTF-8: Cognito would get mangled text or refuse it with an error we cannot map.
const LONE_SURROGATE = /\p{Cs}/u;

/** Cognito's own limits: usernames/emails up to 128 characters here, passwords up to 256. */
const MAX_USERNAME = 128;
const MAX_PASSWORD = 256;

function field(body: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

function requireString(body: Record<string, unknown>, name: string): string {
  const v = field(body, name);
  if (v === undefined || v === null) throw new BadRequestError('MissingField', `"${name}" is required.`, name);
  if (typeof v !== 'string') throw new BadRequestError('InvalidField', `"${name}" must be a string.`, name);
  if (LONE_SURROGATE.test(v)) throw new BadRequestError('InvalidField', `"${name}" must be valid Unicode text.`, name);
  return v;
}

export function requireEmail(body: Record<string, unknown>, name: string): string {
  const v = requireString(body, name);
  if (v.length === 0) throw new BadRequestError('InvalidField', `"${name}" must not be empty.`, name);
  if (v.length > MAX_USERNAME || CONTROL.test(v) || !EMAIL.test(v)) {
    throw new BadRequestError('InvalidField', `"${name}" must be an email address.`, name);
  }
  return v;
}

export function requirePassword(body: Record<string, unknown>, name: string): string {
  const v = requireString(body, name);
  if (v.length === 0) throw new BadRequestError('InvalidField', `"${name}" must not be empty.`, name);
  if (v.length > MAX_PASSWORD) {
    throw new BadRequestError('InvalidField', `"${name}" must be at most ${MAX_PASSWORD} characters.`, name);
  }
  return v;
}

export function requireCode(body: Record<string, unknown>, name: string): string {
  const v = requireString(body, name);
  if (!CODE.test(v)) throw new BadRequestError('InvalidField', `"${name}" must be the 6-digit confirmation code.`, name);
  return v;
}
