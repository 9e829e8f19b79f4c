import { homedir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile, updateJsonFile, isRecord } from './files.js';
import type { Target } from './targets.js';

/** A signed-in user's tokens for one target. Never printed; stored 0600 in a 0700 folder. */
export interface Session {
  username: string;
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** When the access token expires, epoch milliseconds. */
  expiresAt: number;
}

interface SessionsFile {
  version: 1;
  sessions: Record<string, Session>;
}

function isSessionsFile(value: unknown): value is SessionsFile {
  return isRecord(value) && value.version === 1 && isRecord(value.sessions) && Object.values(value.sessions).every(isSession);
}

function isSession(value: unknown): value is Session {
  return isRecord(value) && typeof value.username === 'string' && typeof value.accessToken === 'string' && typeof value.expiresAt === 'number';
}

/** The user's config folder: `$AUTHSTACK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/authstack`, else `~/.config/authstack`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.AUTHSTACK_CONFIG_DIR) return env.AUTHSTACK_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'authstack');
}

/** Sessions are per user pool client, so the local stack and each deployed stack keep their own. */
export function sessionKey(target: Pick<Target, 'region' | 'userPoolId' | 'clientId' | 'cognitoEndpoint'>): string {
  return [target.cognitoEndpoint ?? 'aws', target.region, target.userPoolId, target.clientId].join('|');
}

export class SessionStore {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, 'sessions.json');
  }

  private readonly file = { what: 'token store', validate: isSessionsFile, initial: (): SessionsFile => ({ version: 1, sessions: {} }) };
  /** Secrets: the file 0600, its folder 0700. */
  private static readonly modes = { mode: 0o600, dirMode: 0o700 };

  async get(key: string): Promise<Session | undefined> {
    const file = await readJsonFile<SessionsFile>(this.path, this.file.what, isSessionsFile);
    return file?.sessions[key];
  }

  async set(key: string, session: Session): Promise<void> {
    await updateJsonFile(
      this.path,
      this.file,
      (file) => {
        file.sessions[key] = session;
      },
      SessionStore.modes,
    );
  }

  /** Forgets a session; true when there was one. */
  async delete(key: string): Promise<boolean> {
    return updateJsonFile(
      this.path,
      this.file,
      (file) => {
        if (!(key in file.sessions)) return false;
        delete file.sessions[key];
        return true;
      },
      SessionStore.modes,
    );
  }
}
