import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineCommand, type CommandInput } from '../../../src/core/command.js';
import { buildProgram } from '../../../src/cli/main.js';
import dev from '../../../src/commands/dev.js';
import type deploy from '../../../src/commands/deploy.js';
import type validate from '../../../src/commands/validate.js';
import type smoke from '../../../src/commands/smoke.js';
import type outputs from '../../../src/commands/outputs.js';

// These checks run in `tsc --noEmit` (part of npm test): an expectation that no longer holds, or a
// `@ts-expect-error` line that stops being an error, fails the build.

type InputOf<C> = C extends { run(input: infer I, ...rest: never[]): unknown } ? I : never;

describe('command options and arguments are typed from their declaration', () => {
  it('a handler sees each declared option under its name, with the type its parser returns', () => {
    expectTypeOf<InputOf<typeof dev>['options']>().toEqualTypeOf<{
      port: number | undefined;
      cognitoPort: number | undefined;
      watch: true | undefined;
      reset: true | undefined;
      console: boolean;
      corsOrigin: string | undefined;
      groups: string[] | undefined;
      mfa: 'off' | 'optional' | 'required' | undefined;
      pictures: true | undefined;
      storagePort: number | undefined;
      seed: string | undefined;
      callbackUrl: string[] | undefined;
      logoutUrl: string[] | undefined;
      run: string | undefined;
    }>();
    expectTypeOf<InputOf<typeof deploy>['options']['execute']>().toEqualTypeOf<boolean>();
    expectTypeOf<InputOf<typeof deploy>['options']['parameter']>().toEqualTypeOf<Record<string, string> | undefined>();
    expectTypeOf<InputOf<typeof smoke>['options']['url']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<InputOf<typeof smoke>['options']['apiUrl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<InputOf<typeof outputs>['options']['format']>().toEqualTypeOf<'amplify' | 'env' | undefined>();
    expect(dev.options?.port.parse('8080')).toBe(8080);
  });

  it('required arguments are strings and optional ones may be undefined', () => {
    expectTypeOf<InputOf<typeof validate>['args']>().toEqualTypeOf<{ email: string; code: string | undefined }>();
  });

  it('renaming an option or argument fails to compile where the handler uses the old name', () => {
    const renamed = defineCommand({
      name: 'example',
      description: 'an option renamed from --wait to --wait-seconds',
      args: { target: { description: 'renamed from email', required: true } },
      options: { waitSeconds: { type: 'value', placeholder: 'seconds', description: 'how long', parse: Number } },
      async run({ args, options }) {
        // @ts-expect-error the option is now called waitSeconds
        void options.wait;
        // @ts-expect-error the argument is now called target
        void args.email;
        expectTypeOf(options.waitSeconds).toEqualTypeOf<number | undefined>();
        expectTypeOf(args.target).toEqualTypeOf<string>();
      },
    });
    expect(renamed.name).toBe('example');
  });

  it('an option declared as a switch is not a string, and a value option without a parser is', () => {
    defineCommand({
      name: 'example',
      description: 'types of the three kinds',
      options: {
        force: { type: 'switch', description: 'a switch' },
        color: { type: 'negated-switch', description: '--no-color' },
        name: { type: 'value', placeholder: 'name', description: 'a string', default: 'x' },
      },
      async run({ options }) {
        // @ts-expect-error a switch has no string methods
        void options.force.toUpperCase();
        expectTypeOf(options.color).toEqualTypeOf<boolean>();
        expectTypeOf(options.name).toEqualTypeOf<string>();
      },
    });
  });
});

describe('the program gives each handler what its declaration names', () => {
  it('options reach the handler under their declared names, converted to kebab-case flags', async () => {
    let seen: CommandInput | undefined;
    const probe = defineCommand({
      name: 'probe',
      description: 'records its input',
      args: { first: { description: 'one', required: true }, second: { description: 'two' } },
      options: {
        userPoolId: { type: 'value', placeholder: 'id', description: 'a kebab-case flag' },
        healthCheck: { type: 'negated-switch', description: '--no-health-check' },
        count: { type: 'value', short: 'n', placeholder: 'n', description: 'parsed', parse: Number, default: 1 },
      },
      async run(input) {
        seen = input;
      },
    });
    const streams = { stdout: { write: () => true }, stderr: { write: () => true } };
    const program = buildProgram([probe], streams, async (def, args, options) => {
      await def.run({ args, options }, undefined as never);
    });
    await program.parseAsync(['probe', 'a', '--user-pool-id', 'p1', '--no-health-check', '-n', '5'], { from: 'user' });
    expect(seen).toEqual({ args: { first: 'a', second: undefined }, options: { userPoolId: 'p1', healthCheck: false, count: 5 } });
  });

  it('an option name that commander would read back under another name is refused when the program is built', () => {
    const bad = defineCommand({
      name: 'bad',
      description: 'a name with a digit after a hyphen',
      options: { 'ipv6-only': { type: 'switch', description: 'not camelCase' } },
      async run() {},
    });
    const streams = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(() => buildProgram([bad], streams, async () => undefined)).toThrow(/declare it in camelCase/);
  });
});
