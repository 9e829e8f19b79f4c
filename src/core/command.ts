import type { Context } from './context.js';

/**
 * Commands are declared as data, once: the key of each option is both its name in the handler and (in kebab
 * case) its flag, and the handler's `options` and `args` types are derived from the declaration. Renaming an
 * option renames the flag and breaks, at compile time, every handler that still uses the old name.
 */

interface OptionBase {
  description: string;
  /** A one-letter alias, e.g. `'p'` for `-p`. */
  short?: string;
  /** Hidden from --help. */
  hidden?: boolean;
}

/** `--name`: `true` when given, otherwise `undefined`. */
interface SwitchSpec extends OptionBase {
  type: 'switch';
}

/** `--no-name`: `true` unless the flag is given, then `false`. */
interface NegatedSwitchSpec extends OptionBase {
  type: 'negated-switch';
}

/**
 * `--name <placeholder>`: the raw string, or what `parse` makes of it (`parse` gets the previous value too, so a
 * repeatable option can collect). Without `default` the value may be `undefined`.
 */
interface ValueSpec extends OptionBase {
  type: 'value';
  /** Shown in usage: `--port <port>`. */
  placeholder: string;
  /** Parse and check the raw value; throw a `UserError` (usage) for bad input. */
  parse?: (raw: string, previous: never) => unknown;
  default?: unknown;
}

export type OptionSpec = SwitchSpec | NegatedSwitchSpec | ValueSpec;
export type OptionSpecs = { readonly [name: string]: OptionSpec };

interface ArgSpec {
  description: string;
  required?: boolean;
}
/** Positional arguments, in declaration order; the key is the name shown in usage. */
export type ArgSpecs = { readonly [name: string]: ArgSpec };

type ValueOf<S extends ValueSpec> = S extends { parse: (raw: string, previous: never) => infer T } ? T : string;

/** The type a declared option has in the handler. */
type OptionValue<S extends OptionSpec> = S extends SwitchSpec
  ? true | undefined
  : S extends NegatedSwitchSpec
    ? boolean
    : S extends ValueSpec
      ? S extends { default: unknown }
        ? ValueOf<S>
        : ValueOf<S> | undefined
      : never;

export type OptionsOf<O extends OptionSpecs> = { -readonly [K in keyof O]: OptionValue<O[K]> };
type ArgsOf<A extends ArgSpecs> = { -readonly [K in keyof A]: A[K] extends { required: true } ? string : string | undefined };

export interface CommandInput<A extends ArgSpecs = ArgSpecs, O extends OptionSpecs = OptionSpecs> {
  args: ArgsOf<A>;
  options: OptionsOf<O>;
}

/**
 * One subcommand, declared as data. `run` gets its side effects from `ctx` and returns an exit code (0 when
 * omitted); it throws `UserError` for expected failures. It never calls `process.exit`.
 */
export interface CommandDef<A extends ArgSpecs = ArgSpecs, O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line, shown in `authstack --help`. */
  description: string;
  args?: A;
  options?: O;
  /** Shown under the command's --help. */
  examples?: readonly string[];
  /**
   * How long the command may take to stop after Ctrl-C before the process is ended (default 1 s). `dev` takes
   * longer: it stops its servers and gives the terminal back cleanly.
   */
  interruptGraceMs?: number;
  // Method syntax on purpose: a command typed from its own declaration is still a `CommandDef` in the list the
  // program is built from, which passes it exactly the values its declaration describes.
  run(input: CommandInput<A, O>, ctx: Context): Promise<number | void>;
}

/**
 * Declares a command; the handler's `args` and `options` types come from `args` and `options`.
 * (`A` and `O` default to "none", so a command without options gets `{}`.)
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the empty option set, the only type that leaves `keyof` empty
export function defineCommand<const A extends ArgSpecs = {}, const O extends OptionSpecs = {}>(def: CommandDef<A, O>): CommandDef<A, O> {
  return def;
}

/** `userPoolId` → `user-pool-id`: the flag a declared option name stands for. */
export function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
