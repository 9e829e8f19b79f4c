import type { CommandDef } from '../core/command.js';
import deploy from './deploy.js';
import destroy from './destroy.js';
import dev from './dev.js';
import health from './health.js';
import logs from './logs.js';
import outputs from './outputs.js';
import status from './status.js';
import synth from './synth.js';
import login from './login.js';
import logout from './logout.js';
import pkg from './package.js';
import profile from './profile.js';
import signup from './signup.js';
import smoke from './smoke.js';
import token from './token.js';
import validate from './validate.js';
import iamPolicy from './iam-policy.js';
import whoami from './whoami.js';
import init from './init.js';
import routes from './routes.js';
import { change as passwordChange, forgot as passwordForgot, reset as passwordReset } from './password.js';
import { deleteAccount } from './account.js';
import { usersCommands } from './users.js';
import { mfaCommands, usersMfaReset } from './mfa.js';
import { pictureCommands } from './picture.js';

/**
 * Every subcommand, in the order `--help` lists them. Command modules are light: each loads what it needs
 * (AWS SDK, esbuild, the local stack) inside `run`, so start-up stays fast. A name of several words
 * (`password reset`) is a subcommand of a group in `commandGroups`.
 */
export const commands: readonly CommandDef[] = [
  init,
  dev,
  routes,
  deploy,
  synth,
  status,
  outputs,
  logs,
  destroy,
  health,
  signup,
  validate,
  login,
  token,
  profile,
  logout,
  smoke,
  pkg,
  iamPolicy,
  whoami,
  passwordForgot,
  passwordReset,
  passwordChange,
  deleteAccount,
  ...mfaCommands,
  ...usersCommands,
  usersMfaReset,
  ...pictureCommands,
];

/** What `--help` says of each command group (`authstack users --help` lists its subcommands). */
export const commandGroups: Readonly<Record<string, string>> = {
  password: "forgotten passwords, resets and changes (the user's own, through Cognito's public APIs)",
  account: "the signed-in user's own account",
  mfa: 'two-factor sign-in with an authenticator app (TOTP) for the signed-in user',
  users: "administer the pool's users: list, show, create, confirm, disable, delete, groups (IAM credentials on AWS)",
  'users groups': "a user's groups, and the pool's",
  'users mfa': "a user's two-factor sign-in, as an administrator",
  picture: 'your profile picture: upload, URL, removal (stacks with pictures on)',
};
