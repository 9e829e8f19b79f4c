/**
 * Seed files (`authstack users import users.json`, `authstack dev --seed users.json`): a JSON array of users. The
 * whole file is checked before anything is created, and every problem is reported with the entry and the line it
 * is on, so a malformed file imports nothing.
 */
import { UserError, errorMessage } from './errors.js';
import { brokenPasswordRules, missingInWords, type PasswordPolicy } from './password-policy.js';
import { isRecord } from './files.js';

export interface SeedUser {
  email: string;
  /** Without one, Cognito sends an invitation with a temporary password (locally, to the mailbox). */
  password?: string;
  /** With a password: true (the default) sets it as the user's own; false makes it temporary (FORCE_CHANGE_PASSWORD). */
  confirmed: boolean;
  attributes: Record<string, string>;
  groups: string[];
}

export interface SeedProblem {
  /** 1-based entry number in the array; absent for a problem with the file as a whole. */
  entry?: number;
  /** 1-based line of the entry (or of the syntax error). */
  line?: number;
  message: string;
}

const FIELDS = new Set(['email', 'password', 'confirmed', 'attributes', 'groups']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GROUP = /^[\w+=.@-]{1,128}$/;
const ATTRIBUTE = /^(custom:)?[\w.:-]{1,32}$/;
/** Attributes Cognito sets itself, or that the email decides. */
const RESERVED_ATTRIBUTES = new Set(['sub', 'email', 'email_verified', 'cognito:username', 'cognito:groups']);
/** More than any seed file needs; a bound on what one command creates. */
const MAX_SEED_USERS = 1000;

/** What the pool can tell before anything is created: its groups and its password policy (when known). */
export interface SeedPoolFacts {
  groups?: readonly string[];
  policy?: PasswordPolicy;
}

/**
 * The users of a seed file, or a usage error listing every problem (`details.problems`) when there is any: bad
 * JSON (with its line), a wrong shape, a missing or invalid email, a repeated email, a field of the wrong type, an
 * unknown field, a password that breaks the pool's policy, a group the pool does not have.
 */
export function parseSeedFile(text: string, file: string, pool: SeedPoolFacts = {}): SeedUser[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const { line, message } = jsonSyntaxError(text);
    throw seedError(file, [{ line, message: `not valid JSON: ${message}` }]);
  }
  if (!Array.isArray(data))
    throw seedError(file, [{ line: 1, message: 'must be a JSON array of users, e.g. [{"email": "ada@example.com", "password": "…"}]' }]);
  if (data.length > MAX_SEED_USERS) throw seedError(file, [{ message: `has ${data.length} users; at most ${MAX_SEED_USERS} are imported at once` }]);
  const lines = entryLines(text);
  const problems: SeedProblem[] = [];
  const users: SeedUser[] = [];
  const seen = new Map<string, number>();
  data.forEach((raw: unknown, i) => {
    const at = { entry: i + 1, ...(lines[i] ? { line: lines[i] } : {}) };
    const problem = (message: string) => problems.push({ ...at, message });
    if (!isRecord(raw)) return problem('must be an object with at least "email"');
    const entry = raw;
    for (const key of Object.keys(entry)) if (!FIELDS.has(key)) problem(`unknown field "${key}" (fields: ${[...FIELDS].join(', ')})`);
    const email = typeof entry.email === 'string' ? entry.email.trim() : undefined;
    if (email === undefined) problem('"email" is missing or not a string');
    else if (email.length > 254 || !EMAIL.test(email)) problem(`"${email}" is not a valid email address`);
    else if (seen.has(email.toLowerCase())) problem(`${email} is already entry ${seen.get(email.toLowerCase())}`);
    else seen.set(email.toLowerCase(), i + 1);
    let password: string | undefined;
    if (entry.password !== undefined) {
      if (typeof entry.password !== 'string' || entry.password.length === 0) problem('"password" must be a non-empty string');
      else {
        password = entry.password;
        const broken = brokenPasswordRules(password, pool.policy);
        // The password itself is never quoted back.
        if (broken.length) problem(`the password ${missingInWords(broken)}`);
      }
    }
    if (entry.confirmed !== undefined && typeof entry.confirmed !== 'boolean') problem('"confirmed" must be true or false');
    if (entry.confirmed === true && entry.password === undefined) problem('"confirmed": true needs a "password" (without one Cognito sends an invitation)');
    const attributes: Record<string, string> = {};
    if (entry.attributes !== undefined) {
      if (typeof entry.attributes !== 'object' || entry.attributes === null || Array.isArray(entry.attributes))
        problem('"attributes" must be an object of names to strings');
      else {
        for (const [name, value] of Object.entries(entry.attributes)) {
          if (RESERVED_ATTRIBUTES.has(name)) problem(`attribute "${name}" is set by Cognito or from "email"`);
          else if (!ATTRIBUTE.test(name)) problem(`"${name}" is not an attribute name`);
          else if (typeof value !== 'string') problem(`attribute "${name}" must be a string`);
          else attributes[name] = value;
        }
      }
    }
    const groups: string[] = [];
    if (entry.groups !== undefined) {
      if (!Array.isArray(entry.groups)) problem('"groups" must be an array of group names');
      else {
        for (const group of entry.groups) {
          if (typeof group !== 'string' || !GROUP.test(group)) problem(`${JSON.stringify(group)} is not a group name`);
          else if (pool.groups && !pool.groups.includes(group)) problem(`the user pool has no group "${group}"`);
          else if (!groups.includes(group)) groups.push(group);
        }
      }
    }
    if (email) users.push({ email, password, confirmed: entry.confirmed !== false && password !== undefined, attributes, groups });
  });
  if (problems.length) throw seedError(file, problems);
  return users;
}

function seedError(file: string, problems: SeedProblem[]): UserError {
  return new UserError('usage', `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported.`, {
    code: 'InvalidSeedFile',
    details: { file, problems },
  });
}

/** One line per problem, `users.json:3 (entry 1): "email" is missing`, as editors and CI logs link them. */
export function seedProblemLines(err: UserError): string[] {
  const { file, problems } = (err.details ?? {}) as { file?: string; problems?: SeedProblem[] };
  return (problems ?? []).map((p) => `${file}${p.line ? `:${p.line}` : ''}${p.entry ? ` (entry ${p.entry})` : ''}: ${p.message}`);
}

/**
 * Where JSON text first goes wrong and what is there (JSON.parse's own message on Node 20 gives neither reliably):
 * a small recursive-descent scan of the JSON grammar, used only once JSON.parse has refused the text.
 */
function jsonSyntaxError(text: string): { line: number; message: string } {
  let i = 0;
  const fail = (what?: string): never => {
    const at = i >= text.length ? 'end of the file' : `"${text[i]}"`;
    throw Object.assign(new Error(`unexpected ${at}${what ? `, expected ${what}` : ''}`), { offset: i });
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a value');
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text[i] === '\n') fail('the end of the string');
      i++;
    }
    if (i >= text.length) fail('the end of the string');
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a quoted field name');
        string();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail('"," or "}"');
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail('"," or "]"');
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) i += number[0].length;
    else fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the file');
  } catch (err) {
    const offset = (err as { offset?: number }).offset ?? i;
    return { line: text.slice(0, offset).split('\n').length, message: errorMessage(err) };
  }
  return { line: 1, message: 'not valid JSON' };
}

/** The line each top-level array element starts on (1-based), scanning the text of valid JSON. */
function entryLines(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (depth === 1 && expecting && !/\s/.test(ch) && ch !== ']') {
      starts.push(line);
      expecting = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) expecting = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expecting = true;
  }
  return starts;
}
