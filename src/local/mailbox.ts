/**
 * The local mailbox: every message the local Cognito would have emailed, with its code, kept in a JSON file in
 * the data dir so that another process (`authstack validate <email>` without a code) can read the latest code.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/files.js';
import { join } from 'node:path';

export type MailboxKind = 'signup' | 'resend' | 'forgot' | 'admin-create' | 'update-attribute' | 'verify-attribute' | 'mfa';

export interface MailboxMessage {
  /** The address the code went to. */
  to: string;
  /** The Cognito user name (with email as the username attribute, the user's `sub`). */
  username: string;
  code: string;
  kind: MailboxKind;
  /** ISO 8601 time of delivery. */
  at: string;
  /** The custom message trigger's subject and text (code filled in), when the project declares one. */
  subject?: string;
  text?: string;
}

export const MAILBOX_FILE = 'mailbox.json';

/** Old messages are dropped beyond this, so a long-lived dev folder keeps a small file. */
const MAX_MESSAGES = 500;

interface MailboxFile {
  messages: MailboxMessage[];
}

export class Mailbox {
  private readonly file: string;
  private messages: MailboxMessage[];
  /** Writes are chained so that two deliveries in a row never rename over each other out of order. */
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners: ((message: MailboxMessage) => void)[] = [];

  private constructor(dataDir: string, messages: MailboxMessage[]) {
    this.file = join(dataDir, MAILBOX_FILE);
    this.messages = messages;
  }

  static async open(dataDir: string): Promise<Mailbox> {
    return new Mailbox(dataDir, await readMailbox(dataDir));
  }

  /** Records a message; resolves once it is on disk, so a reader in another process sees it from then on. */
  deliver(message: MailboxMessage): Promise<void> {
    this.messages.push(message);
    if (this.messages.length > MAX_MESSAGES) this.messages = this.messages.slice(-MAX_MESSAGES);
    const snapshot: MailboxFile = { messages: this.messages.slice() };
    const write = this.writing.then(() => writeFileAtomic(this.file, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 }));
    this.writing = write.catch(() => undefined);
    return write.then(() => {
      for (const listener of this.listeners) listener(message);
    });
  }

  /** Calls `listener` for every message from now on, once it is on disk. Listeners must not throw. */
  onDeliver(listener: (message: MailboxMessage) => void): void {
    this.listeners.push(listener);
  }

  list(): readonly MailboxMessage[] {
    return this.messages;
  }

  latestFor(email: string, kinds?: readonly MailboxKind[]): MailboxMessage | undefined {
    return latest(this.messages, email, kinds);
  }

  /** Waits for pending writes (used before the data dir is wiped or the process exits). */
  flush(): Promise<void> {
    return this.writing;
  }
}

/** All messages in the mailbox of a data dir, oldest first; none when there is no mailbox yet. */
export async function readMailbox(dataDir: string): Promise<MailboxMessage[]> {
  let text: string;
  try {
    text = await readFile(join(dataDir, MAILBOX_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<MailboxFile>;
  return Array.isArray(parsed.messages) ? parsed.messages : [];
}

/**
 * The latest code sent to `email` (compared case-insensitively), optionally only of the given kinds; undefined
 * when none was sent.
 */
export async function readLatestCode(dataDir: string, email: string, kinds?: readonly MailboxKind[]): Promise<string | undefined> {
  return latest(await readMailbox(dataDir), email, kinds)?.code;
}

function latest(messages: readonly MailboxMessage[], email: string, kinds: readonly MailboxKind[] | undefined): MailboxMessage | undefined {
  const wanted = email.trim().toLowerCase();
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.to.toLowerCase() === wanted && (!kinds || kinds.includes(message.kind))) return message;
  }
  return undefined;
}
