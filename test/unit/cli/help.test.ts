import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';
import { commands } from '../../../src/commands/index.js';
import { asHelpRequest } from '../../../src/cli/main.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (tmp = await tempDir()));
afterAll(async () => tmp.cleanup());

const GLOBAL_FLAGS = ['--json', '--target <name>', '--stack <name>', '--region <region>', '--profile <profile>', '--verbose', '--no-color'];

describe('authstack help', () => {
  it('"help <command>" prints that command\'s help, as "<command> --help" does, for every command; "help" alone the program\'s', async () => {
    for (const def of commands) {
      const path = def.name.split(' ');
      const viaHelp = await runCli(['help', ...path], { cwd: tmp.dir });
      const viaFlag = await runCli([...path, '--help'], { cwd: tmp.dir });
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toContain(`Usage: authstack ${def.name}`);
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
    }
    const top = await runCli(['help'], { cwd: tmp.dir });
    expect(top.stdout).toBe((await runCli(['--help'], { cwd: tmp.dir })).stdout);
    expect(top.stdout).toMatch(/\n\s+help \[command\.\.\.\]\s+show the help of a command/);
  });

  it('"help" of a nested command walks the command path', async () => {
    const nested = await runCli(['help', 'users', 'groups', 'add'], { cwd: tmp.dir });
    expect(nested.code).toBe(0);
    expect(nested.stdout).toBe((await runCli(['users', 'groups', 'add', '--help'], { cwd: tmp.dir })).stdout);
    expect(nested.stdout).toContain('Usage: authstack users groups add');
    const program = new Command('authstack');
    program.command('password').command('reset');
    expect(asHelpRequest(['help', 'password', 'reset'], program)).toEqual(['password', 'reset', '--help']);
    expect(asHelpRequest(['--stack', 'help', 'status'], program)).toEqual(['--stack', 'help', 'status']);
    expect(asHelpRequest(['--no-color', 'help', 'password', 'rest'], program)).toEqual(['--no-color', 'password', 'rest']);
  });

  it('"help" of an unknown command is the unknown-command error with its suggestion (exit 2)', async () => {
    const r = await runCli(['help', 'helth'], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("error: Unknown command 'helth' (Did you mean health?) See authstack --help.");
  });

  it("a missing argument or an unknown option points at that command's own help", async () => {
    const missing = await runCli(['signup'], { cwd: tmp.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("error: Missing required argument 'email'. See authstack signup --help.");
    const unknown = await runCli(['health', '--bogus', '--json'], { cwd: tmp.dir });
    expect(unknown.json().error.message).toBe("Unknown option '--bogus'. See authstack health --help.");
  });

  it("each command's help lists the global flags it accepts", async () => {
    for (const def of commands) {
      const { stdout } = await runCli([...def.name.split(' '), '--help'], { cwd: tmp.dir });
      const globals = stdout.slice(stdout.indexOf('Global Options:'));
      expect(globals.length, def.name).toBeGreaterThan(0);
      for (const flag of GLOBAL_FLAGS) expect(globals, `${def.name} ${flag}`).toContain(flag);
    }
  });

  it("help wraps to the terminal's width, and to 80 columns off a terminal", async () => {
    const width = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
    const narrow = await runCli(['deploy', '--help'], { cwd: tmp.dir, columns: 60 });
    const wide = await runCli(['deploy', '--help'], { cwd: tmp.dir, columns: 140 });
    const piped = await runCli(['deploy', '--help'], { cwd: tmp.dir });
    // The examples are printed as they are written; the wrapped part is everything above them.
    const wrapped = (text: string) => text.slice(0, text.indexOf('Examples:'));
    expect(width(wrapped(narrow.stdout))).toBeLessThanOrEqual(60);
    expect(width(wrapped(piped.stdout))).toBeLessThanOrEqual(80);
    expect(width(wrapped(wide.stdout))).toBeGreaterThan(80);
    expect(width(wrapped(wide.stdout))).toBeLessThanOrEqual(140);
    expect(width((await runCli(['--help'], { cwd: tmp.dir, columns: 60 })).stdout)).toBeLessThanOrEqual(60);
  });
});
