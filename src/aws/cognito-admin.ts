/**
 * The Cognito administration calls: the pool's (`authstack destroy --delete-user-pool`) and its users' (`authstack
 * users`). Kept apart from the auth flows
 * (`src/client/auth.ts`) because these need IAM credentials and delete people's accounts.
 */
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  AdminSetUserMFAPreferenceCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
  ListUsersCommand,
  UpdateUserPoolCommand,
  type AdminCreateUserCommandOutput,
  type AdminGetUserCommandOutput,
  type AdminListGroupsForUserCommandOutput,
  type CognitoIdentityProviderClient,
  type DescribeUserPoolCommandOutput,
  type ListGroupsCommandOutput,
  type ListUsersCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AwsFactory } from '../core/aws.js';
import type { PoolUser } from '../core/users.js';

export type { PoolUser };
import { UserError, errorMessage } from '../core/errors.js';
import { awsError, errorName, type AwsCallSettings } from './errors.js';

export interface UserPoolInfo {
  id: string;
  name?: string;
  estimatedUsers: number;
  deletionProtection: 'ACTIVE' | 'INACTIVE' | string;
}

export interface CognitoAdminApi {
  /** The pool, or undefined when it does not exist. */
  describeUserPool(id: string): Promise<UserPoolInfo | undefined>;
  /**
   * Turns deletion protection off. UpdateUserPool resets every setting it is not given, which is harmless only
   * because the pool is deleted right after: do not use it for anything else.
   */
  disableDeletionProtection(id: string): Promise<void>;
  deleteUserPool(id: string): Promise<void>;
}

export function cognitoAdminApi(client: CognitoIdentityProviderClient, settings: AwsCallSettings = {}): CognitoAdminApi {
  const where: AwsCallSettings = { ...settings, service: 'Cognito' };
  return {
    async describeUserPool(id) {
      try {
        const { UserPool: p } = await client.send(new DescribeUserPoolCommand({ UserPoolId: id }));
        return { id, name: p?.Name, estimatedUsers: p?.EstimatedNumberOfUsers ?? 0, deletionProtection: p?.DeletionProtection ?? 'INACTIVE' };
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') return undefined;
        throw awsError(err, `describe the user pool ${id}`, where);
      }
    },
    async disableDeletionProtection(id) {
      try {
        await client.send(new UpdateUserPoolCommand({ UserPoolId: id, DeletionProtection: 'INACTIVE' }));
      } catch (err) {
        throw awsError(err, `turn off deletion protection of ${id}`, where);
      }
    },
    async deleteUserPool(id) {
      try {
        await client.send(new DeleteUserPoolCommand({ UserPoolId: id }));
      } catch (err) {
        throw awsError(err, `delete the user pool ${id}`, where);
      }
    },
  };
}

export async function cognitoAdmin(aws: AwsFactory): Promise<CognitoAdminApi> {
  return cognitoAdminApi(await aws.cognito(), aws.settings);
}

export interface NewUser {
  email: string;
  /** A permanent password: the user is confirmed and can log in at once. Without one, Cognito emails an invitation. */
  password?: string;
  /** More attributes (`name`, `custom:team`, ...); email and email_verified are set from `email`. */
  attributes?: Record<string, string>;
  /** The password is temporary: the user must choose their own at the first sign-in (FORCE_CHANGE_PASSWORD). */
  temporary?: boolean;
}

/**
 * The user administration calls (`authstack users`), with IAM credentials on AWS or against the local Cognito.
 * Users are named by email: the pool's username attribute, so Cognito accepts it wherever a username goes.
 */
export interface UserAdminApi {
  listUsers(opts: { filter?: string; limit?: number; nextToken?: string }): Promise<{ users: PoolUser[]; nextToken?: string }>;
  /** The user with its groups, or undefined when there is none. */
  getUser(username: string): Promise<PoolUser | undefined>;
  /** The pool's MfaConfiguration (DescribeUserPool): OFF, OPTIONAL or ON. */
  poolMfa(): Promise<PoolMfa>;
  /** The user's MFA (AdminGetUser: ListUsers does not return it), or undefined when there is no such user. */
  userMfa(username: string): Promise<PoolUser['mfa'] | undefined>;
  createUser(user: NewUser): Promise<PoolUser>;
  setPassword(username: string, password: string, permanent?: boolean): Promise<void>;
  confirm(username: string): Promise<void>;
  disable(username: string): Promise<void>;
  enable(username: string): Promise<void>;
  deleteUser(username: string): Promise<void>;
  resetPassword(username: string): Promise<void>;
  signOut(username: string): Promise<void>;
  /** Turns the user's TOTP off (AdminSetUserMFAPreference): a lost phone; where MFA is required they set up a new one at the next sign-in. */
  resetMfa(username: string): Promise<void>;
  addToGroup(username: string, group: string): Promise<void>;
  removeFromGroup(username: string, group: string): Promise<void>;
  listGroups(username?: string): Promise<string[]>;
}

export type PoolMfa = 'OFF' | 'OPTIONAL' | 'ON';

/** What the pool said no to, as one line; the rest goes through awsError. */
function userAdminError(err: unknown, what: string, where: AwsCallSettings, subject?: { user?: string; group?: string }): UserError {
  const name = errorName(err);
  const message = errorMessage(err);
  switch (name) {
    case 'UserNotFoundException':
      return new UserError('aws', `No user ${subject?.user ?? ''} in the user pool.`.replace('  ', ' '), {
        code: 'UserNotFound',
        hint: 'See authstack users list',
      });
    case 'UsernameExistsException':
      return new UserError('aws', `A user ${subject?.user ?? ''} already exists.`.replace('  ', ' '), { code: 'UsernameExists' });
    case 'InvalidPasswordException':
      return new UserError('aws', `The password is too weak: ${message.replace(/^Password did not conform with policy:\s*/i, '')}`, {
        code: 'InvalidPassword',
      });
    case 'InvalidParameterException':
      return new UserError('usage', `Cognito refused to ${what}: ${message}`, { code: 'InvalidParameter' });
    case 'NotAuthorizedException':
      return new UserError('aws', `Cognito refused to ${what}: ${message}`, { code: 'NotAuthorized' });
    case 'ResourceNotFoundException':
      if (subject?.group && /group/i.test(message)) {
        return new UserError('aws', `No group ${subject.group} in the user pool.`, {
          code: 'GroupNotFound',
          hint: 'Groups are declared at deploy (--groups admin,editor) or by authstack dev --groups',
        });
      }
  }
  return awsError(err, what, where);
}

/** TOTP on when Cognito lists it among the user's MFA settings (UserMFASettingList). */
function mfaOf(out: { UserMFASettingList?: string[] } | undefined): 'totp' | 'off' {
  return (out?.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA') ? 'totp' : 'off';
}

function toPoolUser(u: {
  Username?: string;
  UserStatus?: string;
  Enabled?: boolean;
  UserCreateDate?: Date;
  UserLastModifiedDate?: Date;
  Attributes?: Array<{ Name?: string; Value?: string }>;
  UserAttributes?: Array<{ Name?: string; Value?: string }>;
}): PoolUser {
  const attributes: Record<string, string> = {};
  for (const a of u.Attributes ?? u.UserAttributes ?? []) if (a.Name) attributes[a.Name] = a.Value ?? '';
  return {
    username: u.Username ?? '',
    email: attributes.email,
    status: u.UserStatus,
    enabled: u.Enabled ?? true,
    created: u.UserCreateDate?.toISOString(),
    modified: u.UserLastModifiedDate?.toISOString(),
    attributes,
  };
}

export function userAdminApi(client: CognitoIdentityProviderClient, userPoolId: string, settings: AwsCallSettings = {}): UserAdminApi {
  const where: AwsCallSettings = { ...settings, service: 'Cognito' };
  const call = async <T>(what: string, subject: { user?: string; group?: string }, command: unknown): Promise<T> => {
    try {
      return (await client.send(command as never)) as T;
    } catch (err) {
      throw userAdminError(err, what, where, subject);
    }
  };
  const base = { UserPoolId: userPoolId };
  const api: UserAdminApi = {
    async listUsers({ filter, limit, nextToken }) {
      const out = await call<ListUsersCommandOutput>(
        'list the users',
        {},
        new ListUsersCommand({ ...base, Filter: filter, Limit: limit, PaginationToken: nextToken }),
      );
      return { users: (out.Users ?? []).map(toPoolUser), nextToken: out.PaginationToken };
    },
    async getUser(username) {
      let out: AdminGetUserCommandOutput;
      try {
        out = await client.send(new AdminGetUserCommand({ ...base, Username: username }));
      } catch (err) {
        if (errorName(err) === 'UserNotFoundException') return undefined;
        throw userAdminError(err, `read the user ${username}`, where, { user: username });
      }
      return { ...toPoolUser(out), mfa: mfaOf(out), groups: await api.listGroups(username) };
    },
    async poolMfa() {
      const out = await call<DescribeUserPoolCommandOutput>("read the user pool's MFA setting", {}, new DescribeUserPoolCommand(base));
      const value = out?.UserPool?.MfaConfiguration;
      return value === 'ON' || value === 'OPTIONAL' ? value : 'OFF';
    },
    async userMfa(username) {
      try {
        return mfaOf(await client.send(new AdminGetUserCommand({ ...base, Username: username })));
      } catch (err) {
        // Deleted between ListUsers and this call.
        if (errorName(err) === 'UserNotFoundException') return undefined;
        throw userAdminError(err, `read the MFA of ${username}`, where, { user: username });
      }
    },
    async createUser({ email, password, attributes, temporary }) {
      const extra = Object.entries(attributes ?? {})
        .filter(([name]) => name !== 'email' && name !== 'email_verified')
        .map(([Name, Value]) => ({ Name, Value }));
      const out = await call<AdminCreateUserCommandOutput>(
        `create the user ${email}`,
        { user: email },
        new AdminCreateUserCommand({
          ...base,
          Username: email,
          UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }, ...extra],
          DesiredDeliveryMediums: ['EMAIL'],
          // With a password the user is confirmed here; the invitation would carry a temporary password nobody needs.
          ...(password !== undefined ? { MessageAction: 'SUPPRESS' as const } : {}),
        }),
      );
      if (password !== undefined) {
        try {
          await api.setPassword(email, password, !temporary);
        } catch (err) {
          // A weak password is refused only here: the user just made is removed, so a retry can create it.
          await api.deleteUser(email).catch(() => undefined);
          throw err;
        }
      }
      return { ...toPoolUser(out.User ?? {}), ...(password !== undefined && !temporary ? { status: 'CONFIRMED' } : {}) };
    },
    async setPassword(username, password, permanent = true) {
      await call(
        `set the password of ${username}`,
        { user: username },
        new AdminSetUserPasswordCommand({ ...base, Username: username, Password: password, Permanent: permanent }),
      );
    },
    async confirm(username) {
      await call(`confirm ${username}`, { user: username }, new AdminConfirmSignUpCommand({ ...base, Username: username }));
    },
    async disable(username) {
      await call(`disable ${username}`, { user: username }, new AdminDisableUserCommand({ ...base, Username: username }));
    },
    async enable(username) {
      await call(`enable ${username}`, { user: username }, new AdminEnableUserCommand({ ...base, Username: username }));
    },
    async deleteUser(username) {
      await call(`delete ${username}`, { user: username }, new AdminDeleteUserCommand({ ...base, Username: username }));
    },
    async resetPassword(username) {
      await call(`reset the password of ${username}`, { user: username }, new AdminResetUserPasswordCommand({ ...base, Username: username }));
    },
    async signOut(username) {
      await call(`sign out ${username}`, { user: username }, new AdminUserGlobalSignOutCommand({ ...base, Username: username }));
    },
    async resetMfa(username) {
      await call(
        `reset the MFA of ${username}`,
        { user: username },
        new AdminSetUserMFAPreferenceCommand({ ...base, Username: username, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } }),
      );
    },
    async addToGroup(username, group) {
      await call(`add ${username} to ${group}`, { user: username, group }, new AdminAddUserToGroupCommand({ ...base, Username: username, GroupName: group }));
    },
    async removeFromGroup(username, group) {
      await call(
        `remove ${username} from ${group}`,
        { user: username, group },
        new AdminRemoveUserFromGroupCommand({ ...base, Username: username, GroupName: group }),
      );
    },
    async listGroups(username) {
      const groups: string[] = [];
      let next: string | undefined;
      do {
        const out = username
          ? await call<AdminListGroupsForUserCommandOutput>(
              `list the groups of ${username}`,
              { user: username },
              new AdminListGroupsForUserCommand({ ...base, Username: username, NextToken: next }),
            )
          : await call<ListGroupsCommandOutput>('list the groups', {}, new ListGroupsCommand({ ...base, NextToken: next }));
        groups.push(...(out.Groups ?? []).map((g) => g.GroupName ?? ''));
        next = out.NextToken;
      } while (next);
      return groups;
    },
  };
  return api;
}
