import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore, configDir, sessionKey } from '../../../src/core/sessions.js';
import { ProjectState } from '../../../src/core/targets.js';
import { writeFileAtomic } from '../../../src/core/files.js';
import { UserError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/run-cli.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => (tmp = await tempDir()));
afterEach(async () => tmp.cleanup());

const session = { username: 'a@b.co', accessToken: 'AT', refreshToken: 'RT', expiresAt: 1 };
const target = {
  name: 'local',
  kind: 'local' as const,
  apiUrl: 'http://127.0.0.1:3000',
  region: 'us-east-1',
  userPoolId: 'local_1',
  clientId: 'c1',
  cognitoEndpoint: 'http://127.0.0.1:9229',
};

describe('session store', () => {
  it('is written 0600 in a 0700 folder', async () => {
    const store = new SessionStore(join(tmp.dir, 'cfg', 'authstack'));
    await store.set('k', session);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
    expect(await store.get('k')).toEqual(session);
  });

  it('tightens a folder that already existed with looser permissions', async () => {
    const dir = join(tmp.dir, 'loose');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await new SessionStore(dir).set('k', session);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('a corrupt store is reported, not overwritten', async () => {
    const store = new SessionStore(tmp.dir);
    await writeFile(store.path, '{"version":1,"sessions":{"k":');
    await expect(store.set('k2', session)).rejects.toThrow(/token store .* is corrupt/);
    expect(await readFile(store.path, 'utf8')).toBe('{"version":1,"sessions":{"k":');
  });

  it('a store with the wrong shape counts as corrupt', async () => {
    const store = new SessionStore(tmp.dir);
    await writeFile(store.path, JSON.stringify({ version: 1, sessions: { k: { username: 1 } } }));
    await expect(store.get('k')).rejects.toBeInstanceOf(UserError);
  });

  it('delete forgets one session and keeps the others', async () => {
    const store = new SessionStore(tmp.dir);
    await store.set('a', session);
    await store.set('b', { ...session, username: 'b@b.co' });
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.get('b')).toMatchObject({ username: 'b@b.co' });
  });

  it('keys differ per pool client and endpoint', () => {
    expect(sessionKey(target)).not.toBe(sessionKey({ ...target, clientId: 'c2' }));
    expect(sessionKey(target)).not.toBe(sessionKey({ ...target, cognitoEndpoint: undefined }));
  });

  it('lives under XDG_CONFIG_HOME, or AUTHSTACK_CONFIG_DIR when set', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x' })).toBe('/x/authstack');
    expect(configDir({ HOME: '/home/u' })).toBe('/home/u/.config/authstack');
    expect(configDir({ AUTHSTACK_CONFIG_DIR: '/c', XDG_CONFIG_HOME: '/x' })).toBe('/c');
  });
});

describe('atomic writes', () => {
  it('leave no temporary file behind', async () => {
    const file = join(tmp.dir, 'a', 'state.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(join(tmp.dir, 'a'))).toEqual(['state.json']);
  });

  it('an unwritable folder is a clear error and the old file survives', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits; a file where the folder should be fails the same way.
      await writeFile(join(tmp.dir, 'blocker'), 'x');
      await expect(writeFileAtomic(join(tmp.dir, 'blocker', 'f.json'), 'y')).rejects.toThrow(/Could not create the folder .*blocker/);
      return;
    }
    const dir = join(tmp.dir, 'ro');
    await mkdir(dir);
    await writeFile(join(dir, 'f.json'), 'old');
    await chmod(dir, 0o500);
    await expect(writeFileAtomic(join(dir, 'f.json'), 'new')).rejects.toThrow(/permission denied/);
    expect(await readFile(join(dir, 'f.json'), 'utf8')).toBe('old');
  });
});

describe('project state', () => {
  it('records targets and remembers the current one', async () => {
    const state = new ProjectState(tmp.dir);
    expect(await state.target()).toBeUndefined();
    await state.saveTarget(target);
    await state.saveTarget({ ...target, name: 'prod', kind: 'aws' });
    expect((await state.target())?.name).toBe('prod');
    expect((await state.target('local'))?.apiUrl).toBe(target.apiUrl);
    await expect(state.target('nope')).rejects.toThrow(/No target named "nope"/);
  });

  it('forgetting a target moves the current one to the latest remaining', async () => {
    const state = new ProjectState(tmp.dir);
    await state.saveTarget(target);
    await state.saveTarget({ ...target, name: 'prod', kind: 'aws' });
    expect(await state.removeTarget('prod')).toBe(true);
    expect(await state.removeTarget('prod')).toBe(false);
    expect((await state.target())?.name).toBe('local');
    await state.removeTarget('local');
    expect(await state.target()).toBeUndefined();
  });

  it('forgetting a target while another is recorded loses neither change', async () => {
    const state = new ProjectState(tmp.dir);
    for (let i = 0; i < 20; i++) {
      await state.saveTarget({ ...target, name: `old${i}` });
      await Promise.all([state.saveTarget({ ...target, name: `new${i}` }), state.removeTarget(`old${i}`)]);
      const { targets } = await state.readTargets();
      expect(Object.keys(targets)).toContain(`new${i}`);
      expect(Object.keys(targets)).not.toContain(`old${i}`);
    }
  });

  it('forgetting a target in a folder without state creates nothing', async () => {
    const state = new ProjectState(tmp.dir);
    expect(await state.removeTarget('prod')).toBe(false);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('a corrupt target file is reported and kept', async () => {
    const state = new ProjectState(tmp.dir);
    await mkdir(state.dir);
    await writeFile(state.targetsPath, 'not json');
    await expect(state.saveTarget(target)).rejects.toThrow(/target file .* is corrupt/);
    expect(await readFile(state.targetsPath, 'utf8')).toBe('not json');
  });
});

describe('deploy records', () => {
  it('two deploys recording at once both keep their record', async () => {
    const { saveDeployRecord, readDeployRecord, forgetDeployRecord } = await import('../../../src/deploy/record.js');
    const record = (stackName: string) => ({
      stackName,
      region: 'eu-west-1',
      deployedAt: new Date(0).toISOString(),
      outcome: 'created',
      templateSha256: 't',
      codeSha256: 'c',
      parameters: {},
      outputs: {},
    });
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => saveDeployRecord(tmp.dir, record(name))));
    for (const name of ['a', 'b', 'c', 'd']) expect(await readDeployRecord(tmp.dir, name, 'eu-west-1')).toMatchObject({ stackName: name });
    await forgetDeployRecord(tmp.dir, 'b', 'eu-west-1');
    expect(await readDeployRecord(tmp.dir, 'b', 'eu-west-1')).toBeUndefined();
    expect(await readDeployRecord(tmp.dir, 'a', 'eu-west-1')).toBeDefined();
  });
});
