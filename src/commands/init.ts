import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand } from '../core/command.js';
import { packageRoot } from '../deploy/package-root.js';
import type { InitResult } from './results.js';
import { oneOf } from '../core/parse.js';
import { TRIGGER_NAMES, type TriggerName } from '../core/triggers.js';
import { CONFIG_FILE } from '../core/project-config.js';
import { isRecord, writeFileAtomic } from '../core/files.js';
import { UserError } from '../core/errors.js';

/** A trigger's sample file: `preSignUp` → `pre-sign-up.ts` (in starter/triggers/, written to auth/). */
const sampleName = (name: TriggerName) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`;

/**
 * `--trigger <name>`: the trigger's typed sample in auth/ (never overwritten) and its line in the configuration
 * (added when the trigger is not declared yet; a configuration that is not JSON is left as it is).
 */
async function writeTriggerSample(cwd: string, name: TriggerName, written: string[], kept: string[]): Promise<void> {
  const rel = `auth/${sampleName(name)}`;
  const target = path.join(cwd, rel);
  if (await exists(target)) kept.push(rel);
  else {
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(packageRoot(), 'starter', 'triggers', sampleName(name)), target, 1);
    written.push(rel);
  }
  const file = path.join(cwd, CONFIG_FILE);
  let config: Record<string, unknown> = { $schema: './node_modules/authstack/authstack.schema.json' };
  if (await exists(file)) {
    const parsed: unknown = await readFile(file, 'utf8')
      .then(JSON.parse)
      .catch(() => undefined);
    if (!isRecord(parsed))
      throw new UserError('usage', `${file} is not a JSON object; it was left as it is.`, {
        hint: `Add "triggers": {"${name}": "${rel}#handler"} to it by hand`,
      });
    config = parsed;
  }
  const triggers = isRecord(config.triggers) ? config.triggers : {};
  if (triggers[name] !== undefined) return void kept.push(`${CONFIG_FILE} (triggers.${name})`);
  config.triggers = { ...triggers, [name]: `${rel}#handler` };
  await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  written.push(`${CONFIG_FILE} (triggers.${name})`);
}

/** Every file under a folder, relative to it, `/`-separated. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

export default defineCommand({
  name: 'init',
  description:
    'start your own API in this folder: the configuration, two sample routes (public, signed-in) with types and a test, a README; never overwrites a file',
  options: {
    trigger: {
      type: 'value',
      placeholder: 'name',
      description: `write a typed sample of a Cognito trigger in auth/ and declare it (${TRIGGER_NAMES.join(', ')})`,
      parse: oneOf<TriggerName>('--trigger', TRIGGER_NAMES),
    },
  },
  examples: ['npx authstack init', 'authstack init --json', 'authstack init --trigger preSignUp'],
  async run({ options }, ctx) {
    const source = path.join(packageRoot(), 'starter');
    const written: string[] = [];
    const kept: string[] = [];
    if (options.trigger) await writeTriggerSample(ctx.cwd, options.trigger, written, kept);
    // The trigger samples are written one by one, with --trigger.
    for (const rel of options.trigger ? [] : (await filesUnder(source)).filter((f) => !f.startsWith('triggers/'))) {
      const target = path.join(ctx.cwd, rel);
      if (await exists(target)) {
        kept.push(rel);
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      // COPYFILE_EXCL: a file created meanwhile is not overwritten either.
      await copyFile(path.join(source, rel), target, 1);
      written.push(rel);
    }
    const result: InitResult = { dir: ctx.cwd, written, kept };
    ctx.out.result(result, (c) =>
      [
        ...written.map((f) => `${c.green('wrote')}  ${f}`),
        ...kept.map((f) => `${c.yellow('exists')} ${f} ${c.dim('(kept as it is)')}`),
        written.length === 0 ? 'Nothing to write: every file authstack init writes is here already.' : '',
        options.trigger
          ? `Next: edit auth/${sampleName(options.trigger)}, then npx authstack dev: the local Cognito fires it.`
          : 'Next: npm install --save-dev authstack (if not yet), then npx authstack dev --watch, and npx authstack routes.',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  },
});
