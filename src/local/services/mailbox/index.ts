/** The local mailbox as a service: every message the local Cognito "sends", kept on disk and told to `dev`. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { MAILBOX_FILE, Mailbox } from '../../mailbox.js';
import { defineService } from '../types.js';

export const mailboxService = defineService<Mailbox>({
  name: 'mailbox',
  async start(ctx) {
    // A fresh pool starts with an empty mailbox (the local Cognito wipes the rest of its data).
    if (ctx.options.reset) await rm(join(ctx.dataDir, MAILBOX_FILE), { force: true });
    const mailbox = await Mailbox.open(ctx.dataDir);
    mailbox.onDeliver((message) => ctx.emit({ type: 'code', message, text: `code for ${message.to}: ${message.code}` }));
    return { provides: mailbox, stop: () => mailbox.flush() };
  },
});
