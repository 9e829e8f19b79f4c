/**
 * `authstack users` against AWS: the admin calls it makes, checked on the SDK's own mock (aws-sdk-client-mock), with
 * the user pool named by flags as for a deployed stack.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  InvalidPasswordException,
  ListGroupsCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListUsersCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClientInFile } from '../../helpers/sdk-mock.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsFactory } from '../../../src/aws/factory.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

const cognito = mockClientInFile(CognitoIdentityProviderClient);
const POOL = 'eu-west-1_abc';
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  tmp = await tempDir();
  cognito.reset();
});
afterEach(async () => tmp.cleanup());

const users = (args: string[], stdin?: string) =>
  runCli(['users', ...args, '--region', 'eu-west-1', '--user-pool-id', POOL, '--user-pool-client-id', 'client1', '--json'], {
    cwd: tmp.dir,
    stdin,
    aws: createAwsFactory({ region: 'eu-west-1', env: {} }),
  });

describe('authstack users on AWS: the admin requests', () => {
  it('list follows PaginationToken with the filter on every page', async () => {
    cognito
      .on(ListUsersCommand, { PaginationToken: undefined })
      .resolves({
        Users: [{ Username: 'u1', Enabled: true, UserStatus: 'CONFIRMED', Attributes: [{ Name: 'email', Value: 'ada@example.com' }] }],
        PaginationToken: 'p2',
      })
      .on(ListUsersCommand, { PaginationToken: 'p2' })
      .resolves({ Users: [{ Username: 'u2', Enabled: false, UserStatus: 'CONFIRMED', Attributes: [{ Name: 'email', Value: 'adam@example.com' }] }] });
    const r = await users(['list', '--filter', 'email ^= "ada"']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().users.map((u: { email: string; enabled: boolean }) => [u.email, u.enabled])).toEqual([
      ['ada@example.com', true],
      ['adam@example.com', false],
    ]);
    expect(cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL, Filter: 'email ^= "ada"', Limit: 60, PaginationToken: undefined },
      { UserPoolId: POOL, Filter: 'email ^= "ada"', Limit: 60, PaginationToken: 'p2' },
    ]);
  });

  // ListUsers' UserType carries no MFA settings (only the legacy SMS MFAOptions); AdminGetUser's UserMFASettingList does
  // ("ListUsers", "AdminGetUser" in the Cognito API reference).
  const listed = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      Username: `u${i}`,
      Enabled: true,
      UserStatus: 'CONFIRMED' as const,
      Attributes: [{ Name: 'email', Value: `user${i}@example.com` }],
    }));

  it('list on a pool with MFA off makes no AdminGetUser call: one DescribeUserPool, every row mfa off', async () => {
    cognito
      .on(ListUsersCommand)
      .resolves({ Users: listed(7) })
      .on(DescribeUserPoolCommand)
      .resolves({ UserPool: { Id: POOL, MfaConfiguration: 'OFF' } });
    const r = await users(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().users.map((u: { mfa?: string }) => u.mfa)).toEqual(Array(7).fill('off'));
    expect(cognito.commandCalls(DescribeUserPoolCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL }]);
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
    expect(cognito.commandCalls(ListUsersCommand)).toHaveLength(1);
  });

  it("list on a pool with MFA optional reads each user's MFA with AdminGetUser, at most 5 at once, into the rows and the table", async () => {
    let inFlight = 0;
    let most = 0;
    cognito
      .on(ListUsersCommand)
      .resolves({ Users: listed(12) })
      .on(DescribeUserPoolCommand)
      .resolves({ UserPool: { Id: POOL, MfaConfiguration: 'OPTIONAL' } });
    cognito.on(AdminGetUserCommand).callsFake(async (input: { Username: string }) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (input.Username === 'u11') throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
      return { Username: input.Username, UserMFASettingList: Number(input.Username.slice(1)) % 3 === 0 ? ['SOFTWARE_TOKEN_MFA'] : [] };
    });
    const r = await users(['list']);
    expect(r.code, r.stderr).toBe(0);
    const rows: Array<{ username: string; mfa?: string }> = r.json().users;
    expect(rows.map((u) => u.username)).toEqual(listed(12).map((u) => u.Username));
    // u11 was deleted between the two calls: listed, its MFA unknown.
    expect(rows.map((u) => u.mfa)).toEqual(['totp', 'off', 'off', 'totp', 'off', 'off', 'totp', 'off', 'off', 'totp', 'off', undefined]);
    expect(
      cognito
        .commandCalls(AdminGetUserCommand)
        .map((c) => c.args[0].input.Username)
        .sort(),
    ).toEqual(
      listed(12)
        .map((u) => u.Username)
        .sort(),
    );
    expect(most).toBe(5);
    const text = await runCli(['users', 'list', '--region', 'eu-west-1', '--user-pool-id', POOL, '--user-pool-client-id', 'client1'], {
      cwd: tmp.dir,
      aws: createAwsFactory({ region: 'eu-west-1', env: {} }),
    });
    expect(text.stdout).toMatch(/EMAIL\s+STATUS\s+ENABLED\s+MFA\s+CREATED/);
    expect(text.stdout).toMatch(/user0@example\.com\s+CONFIRMED\s+enabled\s+totp/);
    expect(text.stdout).toMatch(/user1@example\.com\s+CONFIRMED\s+enabled\s+off/);
  });

  it('create with a password suppresses the invitation and sets a permanent password, then adds the groups', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .resolves({ User: { Username: 'u1', Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD', Attributes: [{ Name: 'email', Value: 'ada@example.com' }] } });
    const r = await users(['create', 'ada@example.com', '--password-stdin', '--group', 'admin', '--attribute', 'name=Ada'], 'Corr3ct-horse!');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ email: 'ada@example.com', status: 'CONFIRMED', groups: ['admin'] });
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'ada@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'ada@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Ada' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
      MessageAction: 'SUPPRESS',
    });
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)[0]!.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'ada@example.com',
      Password: 'Corr3ct-horse!',
      Permanent: true,
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, Username: 'ada@example.com', GroupName: 'admin' });
  });

  it('show reads the user and its groups', async () => {
    cognito
      .on(AdminGetUserCommand)
      .resolves({ Username: 'u1', Enabled: true, UserStatus: 'CONFIRMED', UserAttributes: [{ Name: 'email', Value: 'ada@example.com' }] });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'admin' }] });
    const r = await users(['show', 'ada@example.com']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ email: 'ada@example.com', groups: ['admin'] });
  });

  it('disable, reset-password, sign-out and delete --yes each make their one admin call on the user', async () => {
    for (const [cmd, Command] of [
      ['disable', AdminDisableUserCommand],
      ['reset-password', AdminResetUserPasswordCommand],
      ['sign-out', AdminUserGlobalSignOutCommand],
      ['delete', AdminDeleteUserCommand],
    ] as const) {
      cognito.on(Command).resolves({});
      const r = await users(cmd === 'delete' ? [cmd, 'ada@example.com', '--yes'] : [cmd, 'ada@example.com']);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
      expect(cognito.commandCalls(Command)[0]!.args[0].input).toEqual({ UserPoolId: POOL, Username: 'ada@example.com' });
    }
  });

  it('deleting a user who does not exist is one clear line, exit 1', async () => {
    cognito.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    const r = await users(['delete', 'ghost@example.com', '--yes']);
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'UserNotFound', message: expect.stringContaining('ghost@example.com') });
  });

  it('create with a password the pool refuses removes the user it made, and says why', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: 'u1', Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' } });
    cognito
      .on(AdminSetUserPasswordCommand)
      .rejects(new InvalidPasswordException({ message: 'Password did not conform with policy: Password not long enough', $metadata: {} }));
    cognito.on(AdminDeleteUserCommand).resolves({});
    const r = await users(['create', 'ada@example.com', '--password-stdin'], 'short');
    expect(r.code).toBe(1);
    expect(r.json().error).toEqual({ code: 'InvalidPassword', message: 'The password is too weak: Password not long enough' });
    expect(cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL, Username: 'ada@example.com' }]);
  });

  it("groups add, remove and list name the pool, the user and the group; the pool's groups follow NextToken", async () => {
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
    cognito
      .on(ListGroupsCommand, { NextToken: undefined })
      .resolves({ Groups: [{ GroupName: 'admin' }], NextToken: 'g2' })
      .on(ListGroupsCommand, { NextToken: 'g2' })
      .resolves({ Groups: [{ GroupName: 'editor' }] });
    expect((await users(['groups', 'add', 'ada@example.com', 'admin'])).json()).toEqual({ username: 'ada@example.com', group: 'admin', added: true });
    expect((await users(['groups', 'remove', 'ada@example.com', 'admin'])).json()).toEqual({ username: 'ada@example.com', group: 'admin', removed: true });
    expect((await users(['groups', 'list'])).json()).toEqual({ groups: ['admin', 'editor'] });
    const input = { UserPoolId: POOL, Username: 'ada@example.com', GroupName: 'admin' };
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]!.args[0].input).toEqual(input);
    expect(cognito.commandCalls(AdminRemoveUserFromGroupCommand)[0]!.args[0].input).toEqual(input);
  });
});
