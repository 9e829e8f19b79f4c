import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { MAILBOX_FILE, Mailbox, readLatestCode, readMailbox, type MailboxMessage } from '../../../src/local/mailbox.js';
import { tempDir } from '../../helpers/local-temp.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

const message = (to: string, code: string, kind: MailboxMessage['kind'] = 'signup'): MailboxMessage => ({
  to,
  username: 'u-1',
  code,
  kind,
  at: new Date().toISOString(),
});

describe('local mailbox', () => {
  it('lets another reader find the latest code for an address once delivery resolves', async () => {
    const mailbox = await Mailbox.open(dir.path);
    await mailbox.deliver(message('a@example.com', '111111'));
    await mailbox.deliver(message('b@example.com', '222222'));
    await mailbox.deliver(message('a@example.com', '333333', 'resend'));

    expect(await readLatestCode(dir.path, 'a@example.com')).toBe('333333');
    expect(await readLatestCode(dir.path, 'b@example.com')).toBe('222222');
  });

  it('matches addresses case-insensitively and can filter by kind', async () => {
    const mailbox = await Mailbox.open(dir.path);
    await mailbox.deliver(message('Mixed@Example.com', '111111', 'signup'));
    await mailbox.deliver(message('mixed@example.com', '222222', 'forgot'));

    expect(await readLatestCode(dir.path, ' MIXED@example.COM ')).toBe('222222');
    expect(await readLatestCode(dir.path, 'mixed@example.com', ['signup', 'resend'])).toBe('111111');
  });

  it('has no code for an address never written to, nor when there is no mailbox file', async () => {
    expect(await readLatestCode(dir.path, 'nobody@example.com')).toBeUndefined();
    const mailbox = await Mailbox.open(dir.path);
    await mailbox.deliver(message('a@example.com', '111111'));
    expect(await readLatestCode(dir.path, 'nobody@example.com')).toBeUndefined();
  });

  it('keeps every message of a burst of concurrent deliveries and leaves no temporary files', async () => {
    const mailbox = await Mailbox.open(dir.path);
    const codes = Array.from({ length: 20 }, (_, i) => String(100000 + i));
    await Promise.all(codes.map((code) => mailbox.deliver(message('a@example.com', code))));

    expect((await readMailbox(dir.path)).map((m) => m.code)).toEqual(codes);
    expect(await readdir(dir.path)).toEqual([MAILBOX_FILE]);
  });

  it('reopens with the messages already on disk', async () => {
    const first = await Mailbox.open(dir.path);
    await first.deliver(message('a@example.com', '111111'));
    const second = await Mailbox.open(dir.path);
    await second.deliver(message('b@example.com', '222222'));

    expect((await readMailbox(dir.path)).map((m) => m.to)).toEqual(['a@example.com', 'b@example.com']);
  });

  it('reads a mailbox without messages as empty', async () => {
    await writeFile(join(dir.path, MAILBOX_FILE), '{}');
    expect(await readMailbox(dir.path)).toEqual([]);
  });
});
