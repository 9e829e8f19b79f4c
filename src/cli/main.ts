import { Command, CommanderError, Help, Option } from 'commander';
import { flagName, type CommandDef, type CommandInput, type OptionSpec } from '../core/command.js';
import { createContext, type ContextInit } from './create-context.js';
import type { Context, GlobalOptions } from '../core/context.js';
import { EXIT, UserError, errorLine, interruptedError, isUserError, thrownName } from '../core/errors.js';
import { Output, type OutputStreams } from '../core/output.js';
import type { Prompter } from '../core/prompts.js';
import type { AwsFactory } from '../core/aws.js';
import { commandGroups, commands } from '../commands/index.js';
import { VERSION } from './version.js';
import { awsRegion, stackName } from '../core/parse.js';
import { DEFAULTS } from '../core/stack-model.js';

/** What `main` runs against; the defaults are the real process. Tests pass their own. */
export interface MainIo {
  streams: OutputStreams;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  prompt?: Prompter;
  interactive?: boolean;
  fetch?: typeof fetch;
  aws?: AwsFactory;
  /** Told, once the command is known, how long it may take to stop after Ctrl-C before the process is ended. */
  setInterruptGrace?: (ms: number) => void;
}

/** Runs the CLI and returns the exit code. The only place that decides exit codes; it never calls `process.exit`. */
export async function main(argv: string[], io: Partial<MainIo> = {}): Promise<number> {
  const streams = io.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const env = io.env ?? process.env;
  const wantsJson = argv.includes('--json');
  let ctx: Context | undefined;
  let exitCode: number = EXIT.ok;

  const program = buildProgram(
    commands,
    streams,
    async (def, args, opts, global) => {
      const init: ContextInit = {
        global,
        streams,
        env,
        cwd: io.cwd ?? process.cwd(),
        stdin: io.stdin ?? process.stdin,
        signal: io.signal ?? new AbortController().signal,
        prompt: io.prompt,
        interactive: io.interactive,
        fetch: io.fetch,
        aws: io.aws,
      };
      io.setInterruptGrace?.(def.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS);
      ctx = createContext(init);
      const code = await def.run({ args, options: opts }, ctx);
      exitCode = typeof code === 'number' ? code : EXIT.ok;
    },
    commandGroups,
  );

  try {
    if (argv.length === 0) {
      streams.stdout.write(program.helpInformation());
      return EXIT.ok;
    }
    await program.parseAsync(asHelpRequest(argv, program), { from: 'user' });
    return exitCode;
  } catch (err) {
    const out = ctx?.out ?? new Output(streams, { json: wantsJson, env, verbose: argv.includes('--verbose') });
    return reportError(io.signal?.aborted ? asInterrupted(err) : err, out);
  }
}

/** The global options that take a value: the word after them is that value, not a command. */
const GLOBAL_VALUE_OPTIONS = new Set(['--region', '--profile', '--stack', '--target']);

/**
 * `authstack help <command> [<subcommand>]` is `authstack <command> [<subcommand>] --help`, so commander answers it
 * as it answers --help (and an unknown name as any unknown command, with its suggestion).
 */
export function asHelpRequest(argv: readonly string[], program: Command): string[] {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) i += GLOBAL_VALUE_OPTIONS.has(argv[i]!) ? 2 : 1;
  if (argv[i] !== 'help') return [...argv];
  const names = argv.slice(i + 1).filter((a) => !a.startsWith('-'));
  let command = program;
  for (const name of names) {
    const sub = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    // Not a command: run it as one, so the error and its suggestion are those of any unknown command.
    if (!sub) return [...argv.slice(0, i), ...names.slice(0, names.indexOf(name) + 1)];
    command = sub;
  }
  return [...argv.slice(0, i), ...names, '--help'];
}

/** After Ctrl-C a command has this long to stop on its own (and say what it left where); then the process ends. */
export const DEFAULT_INTERRUPT_GRACE_MS = 1000;

/**
 * Whatever a command failed with once Ctrl-C was pressed (an aborted AWS call, a cut connection) is the
 * interruption, exit 130; a command's own interruption message (deploy says how to follow the stack) is kept.
 */
export function asInterrupted(err: unknown): unknown {
  if (isUserError(err) && err.exitCode === EXIT.interrupted) return err;
  if (err instanceof CommanderError) return err;
  return interruptedError();
}

export { interruptedError };

/** Turns any failure into one line (or one JSON document) and an exit code. */
export function reportError(err: unknown, out: Output): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
    // A command group without its subcommand (`authstack users`): its help went to stderr.
    if (err.code === 'commander.help') return EXIT.usage;
    // Commander puts its suggestion on a second line; one line here, so errorLine does not escape the newline.
    const message = err.message
      .replace(/^error:\s*/, '')
      .trim()
      .replace(/\s*\n\s*/g, ' ')
      .replace(/([^.!?)])$/, '$1.');
    // A command's own mistake (a missing argument, an unknown option) points at that command's help.
    const command = (err as CommanderError & { commandPath?: string }).commandPath;
    return printError(out, new UserError('usage', capitalise(message), { code: 'UsageError', hint: `See authstack ${command ? `${command} ` : ''}--help` }));
  }
  if (isUserError(err)) return printError(out, err);
  const missing = missingModule(err);
  if (missing) return printError(out, missing);
  // Ctrl-C at a prompt that was not the project's own (the prompter maps its own): the same interruption.
  if (thrownName(err) === 'ExitPromptError') return printError(out, interruptedError());
  const detail = err instanceof Error ? err.message : String(err);
  if (out.json) {
    if (!out.hasResult) out.result({ error: { code: 'InternalError', message: `Unexpected error: ${detail}` } });
  } else {
    out.info(`${out.c.red('error: ')}Unexpected error: ${detail}. This is a bug in authstack; run again with --verbose for details.`);
  }
  if (out.verbose && err instanceof Error && err.stack) out.info(out.c.dim(err.stack));
  return EXIT.internal;
}

/**
 * A package or file of the installation that is not there (an optional piece left out, a partial install) is the
 * installation's problem, not a bug: one line naming it and how to get it.
 */
export function missingModule(err: unknown): UserError | undefined {
  const e = err as { code?: string; message?: string } | undefined;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return undefined;
  const name = /Cannot find (?:package|module) '([^']+)'/.exec(e.message ?? '')?.[1];
  if (!name || name.startsWith('/') || name.startsWith('.') || name.startsWith('file:')) {
    return new UserError('state', `A file of this authstack installation is missing${name ? `: ${name}` : ''}.`, {
      code: 'MissingModule',
      hint: 'Reinstall authstack (npm install)',
      cause: err,
    });
  }
  const pkg = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!;
  return new UserError('state', `The package "${pkg}" this command needs is not installed.`, {
    code: 'MissingPackage',
    hint: `Reinstall authstack (npm install), or add it to your app: npm install --save-dev ${pkg}`,
    cause: err,
  });
}

function printError(out: Output, err: UserError): number {
  if (out.json) {
    if (!out.hasResult) out.result({ error: { code: err.code, message: errorLine(err), ...(err.details ?? {}) } });
  } else {
    out.info(out.c.red('error: ') + errorLine(err));
  }
  if (out.verbose && err.cause instanceof Error && err.cause.stack) out.info(out.c.dim(`cause: ${err.cause.stack}`));
  return err.exitCode;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Gets the values commander parsed from the options and arguments that `def` declares, under their declared names. */
type Runner = (def: CommandDef, args: CommandInput['args'], options: CommandInput['options'], global: GlobalOptions) => Promise<void>;

/**
 * The commander program, built from the command definitions. The only code that knows commander. A name of
 * several words (`users groups add`) is a subcommand of its groups; `groups` says what each group is for.
 */
export function buildProgram(defs: readonly CommandDef[], streams: OutputStreams, run: Runner, groups: Readonly<Record<string, string>> = {}): Command {
  const program = new Command('authstack')
    .description('Deploy and exercise a Cognito-authenticated serverless API on AWS, or run it all locally.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--json', 'print one JSON document on stdout (results and errors)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--verbose', 'more detail, and stack traces of unexpected errors')
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION or your profile)').argParser(awsRegion))
    .option('--profile <profile>', 'AWS profile (default: AWS_PROFILE)')
    .addOption(new Option('--stack <name>', 'CloudFormation stack name').default(DEFAULTS.stackName).argParser(stackName))
    .option('--target <name>', 'which recorded target to use: local, or a stack name (default: the latest)')
    .exitOverride()
    .showSuggestionAfterError(true)
    // Listed in the help; `help <command>` itself is turned into `<command> --help` before commander sees it.
    .helpCommand('help [command...]', 'show the help of a command')
    // Each command's help lists the global options it accepts, under "Global Options".
    .configureHelp({ showGlobalOptions: true, formatItem: narrowFormatItem });
  program.configureOutput({
    writeOut: (s) => streams.stdout.write(s),
    writeErr: (s) => streams.stderr.write(s),
    // Errors are printed once, by reportError, in the project's format.
    outputError: () => undefined,
    // Help wraps to the terminal it is printed on; off a terminal commander's 80 columns.
    getOutHelpWidth: () => (streams.stdout.isTTY && streams.stdout.columns) || 80,
    getErrHelpWidth: () => (streams.stderr.isTTY && streams.stderr.columns) || 80,
  });

  for (const def of defs) {
    const words = def.name.split(' ');
    // A usage mistake in a command (a missing argument, an unknown option) points at that command's help.
    const pointAt = (path: string) => (err: CommanderError) => {
      throw Object.assign(err, { commandPath: path });
    };
    let parent = program;
    for (const [i, word] of words.slice(0, -1).entries()) {
      const path = words.slice(0, i + 1).join(' ');
      parent =
        parent.commands.find((c) => c.name() === word) ??
        parent
          .command(word)
          .description(groups[path] ?? '')
          .exitOverride(pointAt(path));
    }
    const cmd = parent
      .command(words[words.length - 1]!)
      .description(def.description)
      .exitOverride(pointAt(def.name));
    const argNames = Object.keys(def.args ?? {});
    for (const [name, arg] of Object.entries(def.args ?? {})) cmd.argument(arg.required ? `<${name}>` : `[${name}]`, arg.description);
    for (const [name, spec] of Object.entries(def.options ?? {})) cmd.addOption(commanderOption(name, spec));
    if (def.examples?.length) cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => `  $ ${e}`).join('\n')}`);
    cmd.action(async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      const args = Object.fromEntries(argNames.map((name, i) => [name, params[i] as string | undefined]));
      const all = command.optsWithGlobals() as Record<string, unknown>;
      const global: GlobalOptions = {
        json: Boolean(all.json),
        color: all.color === false ? false : undefined,
        verbose: Boolean(all.verbose),
        region: all.region as string | undefined,
        profile: all.profile as string | undefined,
        stack: (all.stack as string) ?? DEFAULTS.stackName,
        stackExplicit: command.getOptionValueSourceWithGlobals('stack') === 'cli',
        target: all.target as string | undefined,
      };
      await run(def, args, command.opts<CommandInput['options']>(), global);
    });
  }
  return program;
}

/** Narrower than this, a description goes under its flag instead of beside it. */
const MIN_DESCRIPTION_COLUMNS = 30;

/**
 * Commander's two columns (flag, description) while the description has room; on a narrow terminal, where
 * commander would stop wrapping altogether, the description goes on the lines under its flag, wrapped to fit.
 */
function narrowFormatItem(this: Help, term: string, termWidth: number, description: string, helper: Help): string {
  const width = helper.helpWidth ?? 80;
  if (!description || width - termWidth - 4 >= MIN_DESCRIPTION_COLUMNS) return Help.prototype.formatItem.call(this, term, termWidth, description, helper);
  const indent = ' '.repeat(6);
  return `  ${term}\n${helper.boxWrap(description, width - indent.length).replace(/^/gm, indent)}`;
}

/** The commander option a declared option stands for; its value lands under the declared name. */
function commanderOption(name: string, spec: OptionSpec): Option {
  const short = spec.short ? `-${spec.short}, ` : '';
  const long = `--${spec.type === 'negated-switch' ? 'no-' : ''}${flagName(name)}`;
  const option = new Option(`${short}${long}${spec.type === 'value' ? ` <${spec.placeholder}>` : ''}`, spec.description);
  if (option.attributeName() !== name) throw new Error(`Option "${name}" would be read back as "${option.attributeName()}"; declare it in camelCase.`);
  if (spec.type === 'value') {
    if (spec.default !== undefined) option.default(spec.default);
    // The declaration types `previous` as what this same parser returned before; commander stores it untyped.
    if (spec.parse) option.argParser(spec.parse as (raw: string, previous: unknown) => unknown);
  }
  if (spec.hidden) option.hideHelp();
  return option;
}
