/**
 * deploy sends what the project's authstack.config.json sets as the template's parameters, and only that: every
 * other parameter keeps its deployed value (UsePreviousValue), so a value set once with --parameter stays.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

type Sent = Array<{ ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }>;
const lastParameters = (world: DeployWorld): Sent => world.aws.calls.filter((c) => c.operation === 'CreateChangeSet').at(-1)!.input.Parameters as Sent;
const sentValue = (sent: Sent, key: string) => sent.find((p) => p.ParameterKey === key);

describe('authstack deploy with settings in authstack.config.json', () => {
  it('sends each setting of the file as its parameter, flags winning, and leaves the others at their deployed values', async () => {
    w = await deployWorld();
    await writeFile(
      join(w.dir, 'authstack.config.json'),
      JSON.stringify({
        corsOrigin: 'https://app.example.com',
        groups: ['admin'],
        passwordPolicy: { minimumLength: 12 },
        accessTokenValidityMinutes: 15,
        callbackUrls: ['https://app.example.com/cb'],
      }),
    );
    const first = await w.deploy(['--parameter', 'MemorySize=512', '--groups', 'admin,editor']);
    expect(first.code, first.stderr).toBe(0);
    const sent = lastParameters(w);
    expect(sentValue(sent, 'CorsAllowOrigin')?.ParameterValue).toBe('https://app.example.com');
    expect(sentValue(sent, 'UserGroups')?.ParameterValue).toBe('admin,editor');
    expect(sentValue(sent, 'PasswordMinimumLength')?.ParameterValue).toBe('12');
    expect(sentValue(sent, 'AccessTokenValidityMinutes')?.ParameterValue).toBe('15');
    expect(sentValue(sent, 'CallbackUrls')?.ParameterValue).toBe('https://app.example.com/cb');
    expect(sentValue(sent, 'MemorySize')?.ParameterValue).toBe('512');

    // A second deploy with another setting: MemorySize, set by the first alone, keeps its deployed value.
    await writeFile(join(w.dir, 'authstack.config.json'), JSON.stringify({ corsOrigin: 'https://other.example.com' }));
    const second = await w.deploy();
    expect(second.code, second.stderr).toBe(0);
    const again = lastParameters(w);
    expect(sentValue(again, 'CorsAllowOrigin')?.ParameterValue).toBe('https://other.example.com');
    expect(sentValue(again, 'MemorySize')).toMatchObject({ UsePreviousValue: true });
    expect(sentValue(again, 'PasswordMinimumLength')).toMatchObject({ UsePreviousValue: true });
  });

  it('a project without settings deploys with no change after the first deploy (the generated template is the same text)', async () => {
    w = await deployWorld();
    expect((await w.deploy()).code).toBe(0);
    const before = w.aws.calls.length;
    const r = await w.deploy(['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<{ outcome: string }>().outcome).toBe('no-changes');
    expect(w.aws.calls.slice(before).map((c) => c.operation)).not.toContain('CreateChangeSet');
  });
});
