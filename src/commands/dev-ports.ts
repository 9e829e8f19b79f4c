import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { Context } from '../core/context.js';
import { UserError, thrownCode } from '../core/errors.js';
import { isRecord, readJsonFile, writeJsonFile } from '../core/files.js';

/**
 * Which `authstack dev` holds a port, so a port in use can say so (and name its folder) instead of only "in use":
 * each dev records its ports, while it runs, in the user's authstack folder (beside the token store), one small
 * file per port. A record whose process is gone is ignored.
 */
interface PortRecord {
  pid: number;
  projectDir: string;
  apiUrl: string;
}

const portFile = (ctx: Context, port: number) => join(ctx.sessions.dir, 'dev-ports', `${port}.json`);

function isPortRecord(value: unknown): value is PortRecord {
  return isRecord(value) && typeof value.pid === 'number' && typeof value.projectDir === 'string' && typeof value.apiUrl === 'string';
}

/** Records the ports this dev listens on; the returned function forgets them (when it stops). */
export async function recordDevPorts(ctx: Context, ports: number[], apiUrl: string): Promise<() => Promise<void>> {
  const record: PortRecord = { pid: process.pid, projectDir: ctx.projectDir, apiUrl };
  // Best effort: a read-only config folder must not stop dev.
  await Promise.all(ports.map((port) => writeJsonFile(portFile(ctx, port), record, { mode: 0o600, dirMode: 0o700 }).catch(() => undefined)));
  return async () => {
    await Promise.all(ports.map((port) => rm(portFile(ctx, port), { force: true })));
  };
}

/** The running `authstack dev` (another process) that recorded `port`, if any. */
async function devHolding(ctx: Context, port: number): Promise<PortRecord | undefined> {
  const record = await readJsonFile(portFile(ctx, port), 'dev port record', isPortRecord).catch(() => undefined);
  if (!record || record.pid === process.pid || !isAlive(record.pid)) return undefined;
  return record;
}

/** Whether a process of that id runs (the pid of a dev that recorded a port or its data folder). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still means it runs.
    return thrownCode(err) === 'EPERM';
  }
}

/** The error for a port another program holds: another authstack dev (its pid and folder), or something else. */
export async function portInUse(ctx: Context, port: number, flag: string): Promise<UserError> {
  const owner = await devHolding(ctx, port);
  if (owner) {
    return new UserError('local', `Port ${port} on 127.0.0.1 is in use by another authstack dev (pid ${owner.pid}, in ${owner.projectDir}).`, {
      code: 'PortInUse',
      hint: `Use that one, stop it (Ctrl-C in its terminal), or pick another port with ${flag}`,
      details: { port, pid: owner.pid, projectDir: owner.projectDir },
    });
  }
  return new UserError('local', `Port ${port} on 127.0.0.1 is already in use by another program (not an authstack dev).`, {
    code: 'PortInUse',
    hint: `Stop what uses it, or pick another with ${flag}`,
    details: { port },
  });
}
