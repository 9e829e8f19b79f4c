import { join } from 'node:path';
import { readJsonFile, updateJsonFile, isRecord } from './files.js';
import { UserError } from './errors.js';
import type { HostedUi } from './hosted-ui.js';
import type { PasswordPolicy } from './password-policy.js';

/**
 * What the auth commands talk to: the local stack or a deployed stack. `authstack dev` and `authstack deploy`
 * record one here, in the folder's `.authstack/targets.json`, so later commands need no flags.
 */
export interface Target {
  /** `local`, or the stack name of a deployed stack. */
  name: string;
  kind: 'local' | 'aws';
  apiUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** Cognito endpoint override (the local Cognito, or an AWS-compatible endpoint). */
  cognitoEndpoint?: string;
  /** The local stack's data folder, where its mailbox lives. */
  localDataDir?: string;
  stackName?: string;
  customDomainUrl?: string;
  /** The hosted sign-in (user pool domain and the client's OAuth URLs), for `login --browser`. */
  hostedUi?: HostedUi;
  /** The user pool's password policy, so new passwords are checked before they are sent. */
  passwordPolicy?: PasswordPolicy;
  /** The profile pictures' CDN base URL (`PicturesUrl`), when the stack has pictures on. */
  picturesUrl?: string;
  updatedAt?: string;
}

interface TargetsFile {
  current?: string;
  targets: Record<string, Target>;
}

function isTargetsFile(value: unknown): value is TargetsFile {
  return isRecord(value) && isRecord(value.targets) && Object.values(value.targets).every(isTarget);
}

function isTarget(value: unknown): value is Target {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    (value.kind === 'local' || value.kind === 'aws') &&
    typeof value.apiUrl === 'string' &&
    typeof value.region === 'string' &&
    typeof value.clientId === 'string'
  );
}

/** The per-folder state directory (`.authstack/`), shared by dev, deploy and the auth commands. */
export class ProjectState {
  readonly dir: string;

  constructor(cwd: string) {
    this.dir = join(cwd, '.authstack');
  }

  get targetsPath(): string {
    return join(this.dir, 'targets.json');
  }

  /** Where `authstack dev` keeps its user pool and mailbox. */
  get localDataDir(): string {
    return join(this.dir, 'local');
  }

  private readonly file = { what: 'target file', validate: isTargetsFile, initial: (): TargetsFile => ({ targets: {} }) };

  async readTargets(): Promise<TargetsFile> {
    return (await readJsonFile<TargetsFile>(this.targetsPath, this.file.what, isTargetsFile)) ?? this.file.initial();
  }

  /** Records a target and makes it the current one. */
  async saveTarget(target: Target): Promise<void> {
    await updateJsonFile(this.targetsPath, this.file, (file) => {
      file.targets[target.name] = { ...target, updatedAt: new Date().toISOString() };
      file.current = target.name;
    });
  }

  /** Forgets a target (its stack was destroyed); the current one moves to the latest remaining. */
  async removeTarget(name: string): Promise<boolean> {
    // Checked before locking too: with nothing to forget, taking the lock would create `.authstack/` for nothing.
    if (!(name in (await this.readTargets()).targets)) return false;
    return updateJsonFile(this.targetsPath, this.file, (file) => {
      if (!(name in file.targets)) return false;
      delete file.targets[name];
      if (file.current === name) {
        const latest = Object.values(file.targets).sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0];
        file.current = latest?.name;
      }
      return true;
    });
  }

  /** The named target, or the current one; undefined when none was recorded. */
  async target(name?: string): Promise<Target | undefined> {
    const file = await this.readTargets();
    const key = name ?? file.current;
    if (key === undefined) return undefined;
    const found = file.targets[key];
    if (!found && name !== undefined) {
      const known = Object.keys(file.targets);
      throw new UserError('usage', `No target named "${name}" in ${this.targetsPath}.`, {
        code: 'UnknownTarget',
        hint: known.length ? `Known targets: ${known.join(', ')}` : 'Run authstack dev or authstack deploy first',
      });
    }
    return found;
  }
}
