import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSeedFile } from '../../../src/core/seed.js';

/**
 * What a new user following only the README tripped on: each is checked against the code or a measurement, so the
 * README cannot drift from them again.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
let readme: string;
let pkg: { scripts: Record<string, string> };
/** `npm pack --dry-run` of this checkout (dist/ is built first by npm test); scripts off: nothing is rebuilt under the suite. */
let pack: { size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };

beforeAll(async () => {
  readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_offline: 'true' },
  });
  pack = JSON.parse(stdout)[0];
}, 30_000);

/** The fenced code blocks of the README, with their language. */
const blocks = () => [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, text: m[2]! }));

/** The API's routes, from the README's own table (`| \`GET /app/health\` | ...`). */
const routes = () => [...readme.matchAll(/^\| `(GET|POST) (\/[^\s`]*)/gm)].map((m) => `${m[1]} ${m[2]}`);

describe('the README, checked where a new user tripped', () => {
  it("every API path a code example calls is one of the API's routes (no /app/profile)", () => {
    const paths = new Set(routes().map((r) => r.split(' ')[1]));
    expect(paths).toContain('/user/profile');
    const called = blocks().flatMap((b) => [...b.text.matchAll(/\$\{(?:apiUrl|[^}]*endpoint)\}(\/[a-z/]+)/g)].map((m) => m[1]!));
    expect(called.length).toBeGreaterThan(0);
    for (const path of called) expect(paths, path).toContain(path);
  });

  it("importing a JSON file in a JS/TS example carries `with { type: 'json' }`, as Node requires", () => {
    const imports = blocks()
      .filter((b) => ['ts', 'js', 'tsx', 'jsx'].includes(b.lang))
      .flatMap((b) => b.text.split('\n').filter((l) => /^import .* from '[^']+\.json'/.test(l)));
    expect(imports.length).toBeGreaterThan(0);
    for (const line of imports) expect(line).toMatch(/from '[^']+\.json' with \{ type: 'json' \}/);
  });

  it("the users.json example's groups are created (dev --groups) before the first import the README shows", () => {
    const start = readme.indexOf('### `authstack users import <file>`');
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const example = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const groups = new Set(parseSeedFile(example, 'users.json').flatMap((u) => u.groups ?? []));
    expect(groups.size).toBeGreaterThan(0);
    const commands = /```\n([\s\S]*?)```/.exec(section.slice(section.indexOf(example) + example.length + 3))![1]!;
    const lines = commands.split('\n');
    const firstImport = lines.findIndex((l) => l.startsWith('authstack users import'));
    // The groups exist before the first import runs: a dev --groups line comes before it.
    for (const group of groups) {
      const creates = lines.findIndex((l) => new RegExp(`^authstack dev --groups ${group}\\b`).test(l));
      expect(creates, `authstack dev --groups ${group}`).toBeGreaterThanOrEqual(0);
      expect(creates).toBeLessThan(firstImport);
    }
  });

  it('the pack size quoted is the one npm pack --dry-run measures (within 15%), with its file count', () => {
    const row = /^\| `npm pack --dry-run` \([\d-]+\) \| ([\d.]+) KB packed, ([\d.]+) MB unpacked \((\d+) files\)/m.exec(readme);
    expect(row, "the README's npm pack row").not.toBeNull();
    const [kb, mb, files] = [Number(row![1]), Number(row![2]), Number(row![3])];
    expect(Math.abs(kb * 1024 - pack.size) / pack.size, `measured ${(pack.size / 1024).toFixed(0)} KB`).toBeLessThan(0.15);
    expect(Math.abs(mb * 1024 * 1024 - pack.unpackedSize) / pack.unpackedSize).toBeLessThan(0.15);
    expect(Math.abs(files - pack.entryCount) / pack.entryCount, `measured ${pack.entryCount} files`).toBeLessThan(0.15);
  });

  it('the .gitignore advice names .authstack/ and *.tgz', () => {
    const advice = blocks().find((b) => b.lang === 'gitignore');
    expect(advice?.text.split('\n')).toEqual(expect.arrayContaining(['.authstack/', '*.tgz']));
  });

  it('says what npx authstack does outside an app that has it, and how to run it there', () => {
    const start = readme.indexOf('#### `npx authstack` outside an app that has it');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n#', start + 1));
    expect(section).toMatch(/node_modules\/\.bin/);
    expect(section).toMatch(/registry/);
    expect(section).toContain('node ../authstack/bin/authstack');
    expect(section).toContain('npx --no authstack');
  });
});

describe('the package a user installs', () => {
  it('is built by prepack (npm pack), and installing it runs no script (no prepare or install hooks)', () => {
    expect(pkg.scripts.prepack).toBe('node scripts/build.mjs');
    for (const hook of ['prepare', 'preinstall', 'install', 'postinstall']) expect(pkg.scripts[hook], hook).toBeUndefined();
  });

  it('the tarball holds the built CLI, its bin and the Lambda package', () => {
    const files = pack.files.map((f) => f.path);
    for (const file of ['bin/authstack', 'dist/cli.mjs', 'dist/cli-main.mjs', 'dist/lambda.zip', 'dist/lambda.json', 'dist/lambda/index.mjs'])
      expect(files).toContain(file);
  });
});
