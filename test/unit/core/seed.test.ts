import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { DEFAULT_PASSWORD_POLICY } from '../../../src/core/password-policy.js';
import { parseSeedFile, seedProblemLines, type SeedProblem } from '../../../src/core/seed.js';

/** The problems a seed file is refused with (fails if it is accepted). */
function problems(text: string, pool = {}): SeedProblem[] {
  try {
    parseSeedFile(text, 'users.json', pool);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('InvalidSeedFile');
    expect((err as UserError).message).toMatch(/^users\.json has \d+ problems?; nothing was imported\.$/);
    return ((err as UserError).details as { problems: SeedProblem[] }).problems;
  }
  throw new Error('expected the seed file to be refused');
}

describe('seed files', () => {
  it('reads users with their defaults: a password confirms unless "confirmed" is false; no password is an invitation', () => {
    const text = JSON.stringify([
      { email: 'ada@example.com', password: 'Corr3ct-horse!', attributes: { name: 'Ada' }, groups: ['admin', 'admin'] },
      { email: 'bob@example.com', password: 'Corr3ct-horse!', confirmed: false },
      { email: 'cy@example.com' },
    ]);
    expect(parseSeedFile(text, 'users.json', { groups: ['admin'], policy: DEFAULT_PASSWORD_POLICY })).toEqual([
      { email: 'ada@example.com', password: 'Corr3ct-horse!', confirmed: true, attributes: { name: 'Ada' }, groups: ['admin'] },
      { email: 'bob@example.com', password: 'Corr3ct-horse!', confirmed: false, attributes: {}, groups: [] },
      { email: 'cy@example.com', password: undefined, confirmed: false, attributes: {}, groups: [] },
    ]);
  });

  it('reports bad JSON with its line and what is wrong there', () => {
    expect(problems('[\n  {"email": "ada@example.com"},\n  {"email": }\n]')).toEqual([
      { line: 3, message: 'not valid JSON: unexpected "}", expected a value' },
    ]);
    expect(problems('[\n  {"email": "ada@example.com"},\n]')).toEqual([{ line: 3, message: 'not valid JSON: unexpected "]", expected a value' }]);
    expect(problems('[\n  {"email": "ada@example.com"}\n  {"email": "bob@example.com"}\n]')).toEqual([
      { line: 3, message: 'not valid JSON: unexpected "{", expected "," or "]"' },
    ]);
    expect(problems('[\n  {"email": "ada@example.com"')).toEqual([{ line: 2, message: 'not valid JSON: unexpected end of the file, expected "," or "}"' }]);
  });

  it('reports a file that is not an array', () => {
    expect(problems('{"email": "ada@example.com"}')).toEqual([{ line: 1, message: expect.stringContaining('must be a JSON array') }]);
  });

  it('reports every problem of every entry, with the entry and the line it starts on, never quoting a password', () => {
    const text = [
      '[',
      '  {"email": "ada@example.com", "password": "Corr3ct-horse!"},',
      '  {"emial": "bob@example.com"},',
      '  {',
      '    "email": "ADA@example.com",',
      '    "password": "short"',
      '  },',
      '  {"email": "not-an-address", "confirmed": "yes", "groups": ["nope"], "attributes": {"sub": "x", "name": 3}},',
      '  {"email": "cy@example.com", "confirmed": true},',
      '  "dee@example.com"',
      ']',
    ].join('\n');
    const found = problems(text, { groups: ['admin'], policy: DEFAULT_PASSWORD_POLICY });
    expect(found).toEqual([
      { entry: 2, line: 3, message: 'unknown field "emial" (fields: email, password, confirmed, attributes, groups)' },
      { entry: 2, line: 3, message: '"email" is missing or not a string' },
      { entry: 3, line: 4, message: 'ADA@example.com is already entry 1' },
      { entry: 3, line: 4, message: expect.stringMatching(/^the password needs /) },
      { entry: 4, line: 8, message: '"not-an-address" is not a valid email address' },
      { entry: 4, line: 8, message: '"confirmed" must be true or false' },
      { entry: 4, line: 8, message: 'attribute "sub" is set by Cognito or from "email"' },
      { entry: 4, line: 8, message: 'attribute "name" must be a string' },
      { entry: 4, line: 8, message: 'the user pool has no group "nope"' },
      { entry: 5, line: 9, message: '"confirmed": true needs a "password" (without one Cognito sends an invitation)' },
      { entry: 6, line: 10, message: 'must be an object with at least "email"' },
    ]);
    expect(JSON.stringify(found)).not.toContain('short');
  });

  it('prints one line per problem, file:line (entry n): what is wrong', () => {
    try {
      parseSeedFile('[\n  {"email": 1}\n]', 'users.json');
    } catch (err) {
      expect(seedProblemLines(err as UserError)).toEqual(['users.json:2 (entry 1): "email" is missing or not a string']);
      return;
    }
    throw new Error('expected a refusal');
  });
});
