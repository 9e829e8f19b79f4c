import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../../src/cli/create-context.js';
import type { AwsFactory } from '../../../src/core/aws.js';
import { tempDir } from '../../helpers/run-cli.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => tmp.cleanup());

function context(cwd: string, global: { stack?: string; stackExplicit?: boolean } = {}) {
  const stream = () => Object.assign(new PassThrough(), { isTTY: false });
  return createContext({
    global: { json: false, verbose: false, stack: global.stack ?? 'authstack', stackExplicit: global.stackExplicit },
    streams: { stdout: stream(), stderr: stream() },
    env: {},
    cwd,
    stdin: stream(),
    signal: new AbortController().signal,
    aws: {} as AwsFactory,
  });
}

describe('ctx.project(): the configuration and the stack model, once per command', () => {
  it('reads the file on first use only, and hands every caller the same model', async () => {
    const file = join(tmp.dir, 'authstack.config.json');
    await writeFile(file, JSON.stringify({ stackName: 'shop', stage: 'v1' }));
    const ctx = context(tmp.dir);
    const first = await ctx.project();
    // A change to the file during the command is not seen: nothing reads it a second time.
    await writeFile(file, JSON.stringify({ stackName: 'other' }));
    const second = await ctx.project();
    expect(second).toBe(first);
    expect(first.config).toEqual({ stackName: 'shop', stage: 'v1' });
    expect(first.model).toMatchObject({ stackName: 'shop', stage: 'v1' });
  });

  it("--stack wins over the file's stackName; without a file every default holds", async () => {
    await writeFile(join(tmp.dir, 'authstack.config.json'), JSON.stringify({ stackName: 'shop' }));
    expect((await context(tmp.dir, { stack: 'cli-stack', stackExplicit: true }).project()).model.stackName).toBe('cli-stack');
    const empty = await tempDir();
    try {
      const { config, model } = await context(empty.dir).project();
      expect(config).toEqual({});
      expect(model).toMatchObject({ stackName: 'authstack', stage: 'prod', logRetentionInDays: 7, corsOrigin: '*', groups: [] });
    } finally {
      await empty.cleanup();
    }
  });
});
