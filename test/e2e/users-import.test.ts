/**
 * Seed data against the local stack, in-process: `authstack dev --seed` on start and on a restart, and `authstack
 * users import` with a good file and a malformed one (nothing imported, every problem by line).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { runCli, tempDir } from '../helpers/run-cli.js';

const PASSWORD = 'Corr3ct-horse!';
const CHANGED = 'N3w-battery-staple!';
let tmp: Awaited<ReturnType<typeof tempDir>>;
let dev: DevInProcess;

const seed = [
  { email: 'ada@example.com', password: PASSWORD, groups: ['admin'], attributes: { name: 'Ada' } },
  { email: 'bob@example.com', password: PASSWORD, confirmed: false },
  { email: 'cy@example.com' },
];
const emails = async () => ((await dev.run(['users', 'list', '--json'])).json().users as Array<{ email: string }>).map((u) => u.email).sort();

beforeAll(async () => {
  tmp = await tempDir();
  await writeFile(join(tmp.dir, 'users.json'), JSON.stringify(seed, null, 2));
  dev = await startDevInProcess(tmp.dir, ['--groups', 'admin', '--seed', 'users.json']);
});

afterAll(async () => {
  await dev?.stop();
  await tmp?.cleanup();
});

describe('dev --seed and users import against the local stack', () => {
  it("dev --seed starts the stack with the file's users: confirmed with their password and groups, temporary, invited", async () => {
    expect(await emails()).toEqual(['ada@example.com', 'bob@example.com', 'cy@example.com']);
    expect((await dev.run(['users', 'show', 'ada@example.com', '--json'])).json()).toMatchObject({
      status: 'CONFIRMED',
      groups: ['admin'],
      attributes: { name: 'Ada' },
    });
    expect((await dev.run(['users', 'show', 'bob@example.com', '--json'])).json().status).toBe('FORCE_CHANGE_PASSWORD');
    expect((await dev.run(['users', 'show', 'cy@example.com', '--json'])).json().status).toBe('FORCE_CHANGE_PASSWORD');
    expect((await dev.run(['login', 'ada@example.com', '--password-stdin'], { stdin: PASSWORD })).code).toBe(0);
    expect((await dev.run(['whoami', '--json'])).json().groups).toEqual(['admin']);
  });

  it('a restart with the same seed creates nobody and leaves a changed password as the user set it', async () => {
    expect((await dev.run(['password', 'change', '--password-stdin'], { stdin: `${PASSWORD}\n${CHANGED}` })).code).toBe(0);
    const stopped = await dev.stop();
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('Seeded from users.json: 3 created, 0 already there');
    dev = await startDevInProcess(tmp.dir, ['--groups', 'admin', '--seed', 'users.json']);
    expect(await emails()).toEqual(['ada@example.com', 'bob@example.com', 'cy@example.com']);
    expect((await dev.run(['login', 'ada@example.com', '--password-stdin'], { stdin: PASSWORD })).code).toBe(1);
    expect((await dev.run(['login', 'ada@example.com', '--password-stdin'], { stdin: CHANGED })).code).toBe(0);
  });

  it('users import creates the missing users and reports the existing ones as skipped', async () => {
    await writeFile(
      join(tmp.dir, 'more.json'),
      JSON.stringify([
        { email: 'ada@example.com', password: 'Other-pa55word!' },
        { email: 'dee@example.com', password: PASSWORD },
      ]),
    );
    const r = await dev.run(['users', 'import', 'more.json', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ file: join(tmp.dir, 'more.json'), target: 'local', created: ['dee@example.com'], skipped: ['ada@example.com'] });
    expect((await dev.run(['login', 'ada@example.com', '--password-stdin'], { stdin: CHANGED })).code).toBe(0);
    const again = await dev.run(['users', 'import', 'more.json']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 created, 2 already there');
  });

  it('a malformed file imports nobody and names every problem by line', async () => {
    const before = await emails();
    const lines = [
      '[',
      '  {"email": "eve@example.com", "password": "Corr3ct-horse!"},',
      '  {"email": "fay@example.com", "groups": ["nope"]},',
      '  {"email": "gus@example.com", "password": "weak"}',
      ']',
    ];
    await writeFile(join(tmp.dir, 'bad.json'), lines.join('\n'));
    const text = await dev.run(['users', 'import', 'bad.json']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('bad.json:3 (entry 2): the user pool has no group "nope"');
    expect(text.stderr).toMatch(/bad\.json:4 \(entry 3\): the password needs /);
    expect(text.stderr).toContain('error: bad.json has 2 problems; nothing was imported.');
    const json = await dev.run(['users', 'import', 'bad.json', '--json']);
    expect(json.json().error).toMatchObject({
      code: 'InvalidSeedFile',
      problems: [
        { entry: 2, line: 3 },
        { entry: 3, line: 4 },
      ],
    });
    await writeFile(join(tmp.dir, 'broken.json'), '[\n  {"email": "eve@example.com",}\n]');
    const broken = await dev.run(['users', 'import', 'broken.json', '--json']);
    expect(broken.json().error.problems).toEqual([{ line: 2, message: 'not valid JSON: unexpected "}", expected a quoted field name' }]);
    const missing = await dev.run(['users', 'import', 'nowhere.json', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json().error.code).toBe('NoSeedFile');
    expect(await emails()).toEqual(before);
  });

  it('dev refuses a malformed seed file before it starts anything, and said the restart seeded nobody', async () => {
    const elsewhere = await tempDir();
    try {
      await writeFile(join(elsewhere.dir, 'users.json'), '[{"email": "x@example.com", "confirmed": true}]');
      const r = await runCli(['dev', '--port', '0', '--cognito-port', '0', '--seed', 'users.json'], { cwd: elsewhere.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('users.json:1 (entry 1): "confirmed": true needs a "password"');
      expect(r.stderr).not.toContain('ready');
    } finally {
      await elsewhere.cleanup();
    }
    const restarted = await dev.stop();
    expect(restarted.stderr).toContain('Seeded from users.json: 0 created, 3 already there');
  });
});
