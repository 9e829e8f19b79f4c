import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';
import { commandGroups, commands } from '../../../src/commands/index.js';
import { VERSION } from '../../../src/cli/version.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => (tmp = await tempDir()));
afterEach(async () => tmp.cleanup());

describe('authstack --help and --version', () => {
  it('lists every command with its one-line description', async () => {
    const r = await runCli(['--help'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    for (const def of commands.filter((d) => !d.name.includes(' '))) {
      expect(r.stdout).toMatch(new RegExp(`\\n\\s+${def.name}\\b.*${def.description.slice(0, 20).replace(/[()[\]?*+.]/g, '\\$&')}`));
    }
    for (const group of Object.keys(commandGroups).filter((g) => !g.includes(' '))) expect(r.stdout).toMatch(new RegExp(`\\n\\s+${group}\\b`));
  });

  it("lists the subcommands of each command group under the group's --help", async () => {
    for (const def of commands.filter((d) => d.name.includes(' '))) {
      const words = def.name.split(' ');
      const r = await runCli([...words.slice(0, -1), '--help'], { cwd: tmp.dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`\\n\\s+${words[words.length - 1]}\\b`));
    }
  });

  it('a command group without its subcommand shows its help and exits 2', async () => {
    const r = await runCli(['users'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reset-password');
  });

  it('prints help with no arguments and exits 0', async () => {
    const r = await runCli([], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: authstack');
  });

  it('prints the version', async () => {
    const r = await runCli(['--version'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it("shows examples in a command's help", async () => {
    const r = await runCli(['signup', '--help'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--password-stdin');
    expect(r.stdout).toContain('Examples:');
  });
});

describe('usage errors', () => {
  it('a mistyped command suggests the right one on one line, without a literal \\n, also in --json', async () => {
    const r = await runCli(['helth'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("error: Unknown command 'helth' (Did you mean health?) See authstack --help.");
    const j = await runCli(['helth', '--json'], { cwd: tmp.dir });
    expect(j.json().error.message).toBe("Unknown command 'helth' (Did you mean health?) See authstack --help.");
  });

  it('an unknown command is one line on stderr and exit 2', async () => {
    const r = await runCli(['deplyo'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: Unknown command 'deplyo'/);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('an unknown flag is one line and exit 2', async () => {
    const r = await runCli(['health', '--bogus'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
  });

  it('a missing argument is one line and exit 2', async () => {
    const r = await runCli(['signup'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Missing required argument 'email'");
  });

  it('a bad option value names the option', async () => {
    const r = await runCli(['dev', '--port', 'abc'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port must be a whole number');
  });

  it('with --json the error is one JSON document on stdout', async () => {
    const r = await runCli(['signup', 'not-an-email', '--json'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.json()).toEqual({ error: { code: 'UsageError', message: '"not-an-email" is not a valid email address.' } });
  });

  it('NO_COLOR output has no escape codes', async () => {
    const r = await runCli(['signup', 'bad'], { cwd: tmp.dir, env: { NO_COLOR: '1', FORCE_COLOR: undefined } });
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('--no-color wins over FORCE_COLOR', async () => {
    const r = await runCli(['signup', 'bad', '--no-color'], { cwd: tmp.dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('FORCE_COLOR colours the error prefix', async () => {
    const r = await runCli(['signup', 'bad'], { cwd: tmp.dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(r.stderr).toContain('\x1b[');
  });
});

describe('no target', () => {
  it('auth commands without a target say how to get one', async () => {
    const r = await runCli(['health'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('authstack dev');
    expect(r.stderr).toContain('--api-url');
  });
});

describe('global options', () => {
  it('an invalid stack name is a usage error naming the rule', async () => {
    const r = await runCli(['health', '--stack', '9bad_name'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stack must start with a letter');
  });
});
