/**
 * Seeding a user pool from a file (`authstack users import`, `authstack dev --seed`): the whole file is checked
 * first (shape, the pool's groups and password policy), then each user missing from the pool is created. A user
 * who exists is left exactly as they are (their password is never overwritten), so importing again is harmless.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../core/context.js';
import { UserError } from '../core/errors.js';
import { fileError, isErrno } from '../core/files.js';
import { parseSeedFile, type SeedUser } from '../core/seed.js';
import type { Target } from '../core/targets.js';
import type { UserAdminApi } from '../aws/cognito-admin.js';
import { passwordPolicyFor } from './password.js';

export interface SeedOutcome {
  /** The users created, by email. */
  created: string[];
  /** The users that existed already, left as they were. */
  skipped: string[];
}

/** Reads a seed file (relative to the working folder) as text; a missing or unreadable one is one clear line. */
export async function readSeedText(ctx: Context, file: string): Promise<{ path: string; text: string }> {
  const path = resolve(ctx.cwd, file);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new UserError('usage', `There is no seed file ${path}.`, { code: 'NoSeedFile' });
    throw fileError('read the seed file', path, err);
  }
}

/** The file's users, checked against the pool's groups and password policy; throws with every problem. */
export async function checkSeedFile(ctx: Context, admin: UserAdminApi, target: Target, file: string, text: string): Promise<SeedUser[]> {
  const [groups, policy] = await Promise.all([admin.listGroups(), passwordPolicyFor(ctx, target)]);
  return parseSeedFile(text, file, { groups, policy });
}

/** Creates the users the pool does not have yet; `onUser` hears of each as it is handled. */
export async function importSeedUsers(
  admin: UserAdminApi,
  users: readonly SeedUser[],
  onUser?: (email: string, outcome: 'created' | 'skipped') => void,
): Promise<SeedOutcome> {
  const outcome: SeedOutcome = { created: [], skipped: [] };
  for (const user of users) {
    if (await admin.getUser(user.email)) {
      outcome.skipped.push(user.email);
      onUser?.(user.email, 'skipped');
      continue;
    }
    await admin.createUser({
      email: user.email,
      password: user.password,
      attributes: user.attributes,
      temporary: user.password !== undefined && !user.confirmed,
    });
    for (const group of user.groups) await admin.addToGroup(user.email, group);
    outcome.created.push(user.email);
    onUser?.(user.email, 'created');
  }
  return outcome;
}
