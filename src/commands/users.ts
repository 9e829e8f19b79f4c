/**
 * `authstack users …`: the user pool's administration, with IAM credentials on AWS or against the local Cognito.
 * Users are named by email (the pool's username attribute).
 */
import { defineCommand, type CommandDef } from '../core/command.js';
import type { Context } from '../core/context.js';
import { confirmOrRefuse } from '../core/confirm.js';
import { UserError, usageError } from '../core/errors.js';
import { checkEmail, integer } from '../core/parse.js';
import { table } from '../core/output.js';
import { seedProblemLines } from '../core/seed.js';
import type { Target } from '../core/targets.js';
import type { PoolUser, UserAdminApi } from '../aws/cognito-admin.js';
import { passwordPolicyFor, readNewPassword } from '../client/password.js';
import { resolveTarget } from '../client/target.js';
import { passwordFlags, targetFlags } from './target-flags.js';
import type { UserActionResult, UserGroupChangeResult, UserResult, UsersGroupsListResult, UsersImportResult, UsersListResult } from './results.js';

const emailArg = { email: { description: "the user's email address", required: true } } as const;

/** The SDK loads only when a `users` command runs, not for every command's --help. */
async function userAdmin(ctx: Context, target: Target): Promise<UserAdminApi> {
  return (await import('../client/users.js')).userAdmin(ctx, target);
}

async function adminFor(ctx: Context, flags: Parameters<typeof resolveTarget>[1]): Promise<UserAdminApi> {
  return userAdmin(ctx, await resolveTarget(ctx, flags));
}

/** `name=value`, repeatable. */
function attribute(raw: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = raw.indexOf('=');
  if (eq < 1) throw usageError(`--attribute takes name=value, got "${raw}".`);
  return { ...(previous ?? {}), [raw.slice(0, eq)]: raw.slice(eq + 1) };
}

export function userLines(u: UserResult): string {
  const rows: Array<[string, string]> = [
    ['email', u.email ?? ''],
    ['username', u.username],
    ['status', u.status ?? ''],
    ['enabled', String(u.enabled)],
    ['groups', (u.groups ?? []).join(', ')],
    ...(u.mfa ? [['mfa', u.mfa === 'totp' ? 'authenticator app (TOTP)' : 'off'] as [string, string]] : []),
    ['created', u.created ?? ''],
    ['modified', u.modified ?? ''],
    ...Object.entries(u.attributes)
      .filter(([k]) => k !== 'email')
      .map(([k, v]) => [`  ${k}`, v] as [string, string]),
  ];
  // No groups (or no date) is no line, not an empty one.
  const shown = rows.filter(([, v]) => v !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

const list = defineCommand({
  name: 'users list',
  description: "list the users of the pool (paged; --filter as Cognito's ListUsers filter)",
  options: {
    filter: { type: 'value', placeholder: 'filter', description: "Cognito's ListUsers filter, e.g. 'email ^= \"ada\"' or 'status = \"Enabled\"'" },
    limit: { type: 'value', placeholder: 'n', description: 'show at most n users (default: all)', parse: integer('--limit', 1, 1_000_000) },
    nextToken: { type: 'value', placeholder: 'token', description: 'continue a list that stopped at --limit' },
    ...targetFlags,
  },
  examples: ['authstack users list', 'authstack users list --filter \'email ^= "ada"\' --json', 'authstack users list --limit 100'],
  async run({ options }, ctx) {
    const admin = await adminFor(ctx, options);
    const users: PoolUser[] = [];
    let next = options.nextToken;
    do {
      // ListUsers returns at most 60 a page.
      const want = options.limit === undefined ? 60 : Math.min(60, options.limit - users.length);
      const page = await admin.listUsers({ filter: options.filter, limit: want, nextToken: next });
      users.push(...page.users);
      next = page.nextToken;
    } while (next && (options.limit === undefined || users.length < options.limit));
    const listed = await (await import('../client/users.js')).withUserMfa(admin, users);
    const doc: UsersListResult = { users: listed, ...(next ? { nextToken: next } : {}) };
    ctx.out.result(doc, () => {
      if (listed.length === 0) return options.filter ? 'No user matches the filter.' : 'No users.';
      const rows = listed.map((u) => [u.email ?? u.username, u.status ?? '', u.enabled ? 'enabled' : 'disabled', u.mfa ?? '', u.created?.slice(0, 10) ?? '']);
      const more = next ? `\n(more: authstack users list --next-token ${next})` : '';
      return `${table(rows, ['EMAIL', 'STATUS', 'ENABLED', 'MFA', 'CREATED'])}\n${listed.length} user${listed.length === 1 ? '' : 's'}${more}`;
    });
  },
});

const show = defineCommand({
  name: 'users show',
  description: "a user's status, attributes and groups",
  args: emailArg,
  options: { ...targetFlags },
  examples: ['authstack users show ada@example.com'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const user: UserResult | undefined = await (await adminFor(ctx, options)).getUser(email);
    if (!user) throw new UserError('aws', `No user ${email} in the user pool.`, { code: 'UserNotFound', hint: 'See authstack users list' });
    ctx.out.result(user, () => userLines(user));
  },
});

const create = defineCommand({
  name: 'users create',
  description: 'create a user: Cognito emails an invitation, or with a password a confirmed user who can log in at once',
  args: emailArg,
  options: {
    ...passwordFlags,
    attribute: { type: 'value', placeholder: 'name=value', description: 'set an attribute (repeatable), e.g. name=Ada or custom:team=core', parse: attribute },
    group: {
      type: 'value',
      placeholder: 'group',
      description: 'add the user to a group (repeatable)',
      parse: (raw: string, previous: string[] | undefined) => [...(previous ?? []), raw],
    },
    ...targetFlags,
  },
  examples: [
    'authstack users create ada@example.com                        # Cognito emails an invitation',
    'printf %s "$PASSWORD" | authstack users create test@example.com --password-stdin --group admin',
  ],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options);
    const admin = await userAdmin(ctx, target);
    const password =
      options.password !== undefined || options.passwordStdin ? await readNewPassword(ctx, options, await passwordPolicyFor(ctx, target)) : undefined;
    const user = await admin.createUser({ email, password, attributes: options.attribute });
    const groups = options.group ?? [];
    for (const group of groups) await admin.addToGroup(email, group);
    const doc: UserResult = { ...user, groups };
    const inGroups = groups.length ? ` (groups: ${groups.join(', ')})` : '';
    ctx.out.result(doc, (c) =>
      password !== undefined
        ? `${c.green('✔')} Created ${email}, confirmed with the given password${inGroups}`
        : `${c.green('✔')} Created ${email}; Cognito sent an invitation with a temporary password${inGroups}`,
    );
  },
});

type ActionField = 'confirmed' | 'disabled' | 'enabled' | 'passwordReset' | 'signedOut';

/** A command that makes one admin call on one user, and says what it did. */
function userAction(
  name: string,
  description: string,
  act: (admin: UserAdminApi, email: string) => Promise<void>,
  done: (email: string) => string,
  field: ActionField,
) {
  return defineCommand({
    name: `users ${name}`,
    description,
    args: emailArg,
    options: { ...targetFlags },
    examples: [`authstack users ${name} ada@example.com`],
    async run({ args, options }, ctx) {
      const email = checkEmail(args.email);
      await act(await adminFor(ctx, options), email);
      const doc = { username: email, [field]: true } as UserActionResult;
      ctx.out.result(doc, (c) => `${c.green('✔')} ${done(email)}`);
    },
  });
}

const confirm = userAction(
  'confirm',
  "confirm a user's sign-up without the emailed code (AdminConfirmSignUp)",
  (a, e) => a.confirm(e),
  (e) => `Confirmed ${e}`,
  'confirmed',
);
const disable = userAction(
  'disable',
  'disable a user: they can no longer log in, and their tokens stop refreshing',
  (a, e) => a.disable(e),
  (e) => `Disabled ${e}`,
  'disabled',
);
const enable = userAction(
  'enable',
  'enable a disabled user',
  (a, e) => a.enable(e),
  (e) => `Enabled ${e}`,
  'enabled',
);
const resetPassword = userAction(
  'reset-password',
  'make a user set a new password: Cognito emails them a code (AdminResetUserPassword)',
  (a, e) => a.resetPassword(e),
  (e) => `Reset the password of ${e}; they set a new one with the emailed code (authstack password reset ${e})`,
  'passwordReset',
);
const signOut = userAction(
  'sign-out',
  'sign a user out of every device (AdminUserGlobalSignOut)',
  (a, e) => a.signOut(e),
  (e) => `Signed ${e} out of every device`,
  'signedOut',
);

const remove = defineCommand({
  name: 'users delete',
  description: 'delete a user (AdminDeleteUser); asks first',
  args: emailArg,
  options: { yes: { type: 'switch', short: 'y', description: 'do not ask (for scripts)' }, ...targetFlags },
  examples: ['authstack users delete ada@example.com', 'authstack users delete ada@example.com --yes'],
  async run({ args, options }, ctx) {
    const email = checkEmail(args.email);
    const target = await resolveTarget(ctx, options);
    const admin = await userAdmin(ctx, target);
    if (!options.yes) {
      const ok = await confirmOrRefuse(
        ctx,
        `Delete the user ${email} from ${target.name === 'custom' ? target.userPoolId : target.name}? This cannot be undone.`,
        {
          doing: `delete ${email}`,
          hint: 'Pass --yes',
        },
      );
      if (!ok) throw new UserError('aborted', 'Nothing was deleted.', { code: 'Aborted' });
    }
    await admin.deleteUser(email);
    const doc: UserActionResult = { username: email, deleted: true };
    ctx.out.result(doc, (c) => `${c.green('✔')} Deleted ${email}`);
  },
});

const groupArgs = { ...emailArg, group: { description: 'the group name', required: true } } as const;

/** `users groups add|remove`: one change to one user's groups. */
function groupChange(verb: 'add' | 'remove') {
  const add = verb === 'add';
  return defineCommand({
    name: `users groups ${verb}`,
    description: add ? 'add a user to a group (their next tokens carry it in cognito:groups)' : 'remove a user from a group',
    args: groupArgs,
    options: { ...targetFlags },
    examples: [`authstack users groups ${verb} ada@example.com admin`],
    async run({ args, options }, ctx) {
      const email = checkEmail(args.email);
      const admin = await adminFor(ctx, options);
      await (add ? admin.addToGroup(email, args.group) : admin.removeFromGroup(email, args.group));
      const doc: UserGroupChangeResult = add ? { username: email, group: args.group, added: true } : { username: email, group: args.group, removed: true };
      ctx.out.result(doc, (c) => `${c.green('✔')} ${add ? `Added ${email} to` : `Removed ${email} from`} ${args.group}`);
    },
  });
}

const groupsAdd = groupChange('add');
const groupsRemove = groupChange('remove');

const groupsList = defineCommand({
  name: 'users groups list',
  description: "the pool's groups, or a user's when an email is given",
  args: { email: { description: "list this user's groups instead" } },
  options: { ...targetFlags },
  examples: ['authstack users groups list', 'authstack users groups list ada@example.com --json'],
  async run({ args, options }, ctx) {
    const email = args.email === undefined ? undefined : checkEmail(args.email);
    const groups = await (await adminFor(ctx, options)).listGroups(email);
    const doc: UsersGroupsListResult = { ...(email ? { username: email } : {}), groups };
    ctx.out.result(doc, () => (groups.length ? groups.join('\n') : email ? `${email} is in no group.` : 'No groups.'));
  },
});

const importUsers = defineCommand({
  name: 'users import',
  description: 'create the users of a seed file (JSON array of {email, password?, confirmed?, attributes?, groups?}); existing users are left as they are',
  args: { file: { description: 'the seed file, e.g. users.json', required: true } },
  options: { yes: { type: 'switch', short: 'y', description: 'import into a deployed (AWS) user pool: real users, real invitations' }, ...targetFlags },
  examples: ['authstack users import users.json', 'authstack users import users.json --target my-api --yes --json'],
  async run({ args, options }, ctx) {
    const target = await resolveTarget(ctx, options);
    if (target.kind === 'aws' && !options.yes) {
      throw new UserError(
        'aborted',
        `Refused to import into the deployed user pool ${target.userPoolId || target.name} without --yes: it creates real users, and emails invitations to those without a password.`,
        {
          code: 'NeedsConfirmation',
          hint: 'Check the target (authstack status), then pass --yes',
        },
      );
    }
    const [seed, admin] = await Promise.all([import('../client/seed.js'), userAdmin(ctx, target)]);
    const { path, text } = await seed.readSeedText(ctx, args.file);
    const users = await checkedSeed(ctx, () => seed.checkSeedFile(ctx, admin, target, args.file, text));
    const outcome = await seed.importSeedUsers(admin, users, (email, what) => ctx.out.debug(`${what} ${email}`));
    const doc: UsersImportResult = { file: path, target: target.name, ...outcome };
    ctx.out.result(
      doc,
      (c) =>
        `${c.green('✔')} Imported ${args.file} into ${target.name}: ${outcome.created.length} created, ${outcome.skipped.length} already there (left as they were)`,
    );
  },
});

/** Runs the seed file's check; its problems are printed one a line (in --json, they are in the error document). */
export async function checkedSeed<T>(ctx: Context, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof UserError && err.code === 'InvalidSeedFile' && !ctx.out.json) {
      for (const line of seedProblemLines(err)) ctx.out.info(line);
    }
    throw err;
  }
}

export const usersCommands: readonly CommandDef[] = [
  list,
  show,
  create,
  confirm,
  disable,
  enable,
  remove,
  resetPassword,
  signOut,
  groupsAdd,
  groupsRemove,
  groupsList,
  importUsers,
];
