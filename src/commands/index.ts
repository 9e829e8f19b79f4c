import type { CommandDef } from '../core/command.js';
import deploy from './deploy.js';
import destroy from './destroy.js';
import dev from './dev.js';
import health from './health.js';
import logs from './logs.js';
import outputs from './outputs.js';
import status from './status.js';
import login from './login.js';
import logout from './logout.js';
import pkg from './package.js';
import profile from './profile.js';
import signup from './signup.js';
import smoke from './smoke.js';
import token from './token.js';
import validate from './validate.js';
import iamPolicy from './iam-policy.js';

/**
 * Every subcommand, in the order `--help` lists them. Command modules are light: each loads what it needs
 * (AWS SDK, esbuild, the local stack) inside `run`, so start-up stays fast.
 */
export const commands: readonly CommandDef[] = [dev, deploy, status, outputs, logs, destroy, health, signup, validate, login, token, profile, logout, smoke, pkg, iamPolicy];
