import type { Context } from './context.js';

export interface ArgDef {
  /** Name as shown in usage, e.g. `email`. */
  name: string;
  description: string;
  required?: boolean;
}

export interface OptionDef {
  /** Commander flags, e.g. `--port <number>` or `--watch`. */
  flags: string;
  description: string;
  default?: string | boolean | number;
  /** Parse and check the raw value; throw a `UserError` (usage) for bad input. */
  parse?: (value: string, previous: any) => unknown;
  /** Hidden from --help. */
  hidden?: boolean;
}

export interface CommandInput<O> {
  args: Array<string | undefined>;
  options: O;
}

/**
 * One subcommand, declared as data. `run` gets its side effects from `ctx` and returns an exit code (0 when
 * omitted); it throws `UserError` for expected failures. It never calls `process.exit`.
 */
export interface CommandDef<O = Record<string, unknown>> {
  name: string;
  /** One line, shown in `authstack --help`. */
  description: string;
  args?: ArgDef[];
  options?: OptionDef[];
  /** Shown under the command's --help. */
  examples?: string[];
  /**
   * How long the command may take to stop after Ctrl-C before the process is ended (default 1 s). `dev` takes
   * longer: it stops its servers and gives the terminal back cleanly.
   */
  interruptGraceMs?: number;
  run(input: CommandInput<O>, ctx: Context): Promise<number | void>;
}

export function defineCommand<O>(def: CommandDef<O>): CommandDef<O> {
  return def;
}
