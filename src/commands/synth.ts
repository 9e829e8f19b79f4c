import { resolve } from 'node:path';
import { defineCommand } from '../core/command.js';
import { fileError, writeFileAtomic } from '../core/files.js';
import { buildStackModel } from '../core/stack-model.js';
import { stackSettingsFromGlobal } from '../core/project-config.js';
import { templateFlagSettings, templateFlags } from './deploy.js';
import type { SynthResult } from './results.js';

/**
 * `authstack synth`, as `cdk synth`: the template a deploy of this project would send, generated from the
 * configuration and the same template flags deploy takes, with no AWS call (the artifact bucket's name is
 * substituted by CloudFormation, so neither the account nor the region is needed).
 */
export default defineCommand({
  name: 'synth',
  description: 'print the CloudFormation template deploy would send (no AWS call); --out writes it to a file',
  options: {
    out: { type: 'value', placeholder: 'file', description: 'write the template to this file instead of printing it' },
    ...templateFlags,
  },
  examples: ['authstack synth', 'authstack synth --out template.json', 'authstack synth --cors-origin https://app.example.com --json'],
  async run({ options }, ctx) {
    const [{ synthesizeText }, { loadShippedLambda, loadShippedPictures }, { config }] = await Promise.all([
      import('../deploy/template/index.js'),
      import('../deploy/artifact.js'),
      ctx.project(),
    ]);
    const model = buildStackModel(config, stackSettingsFromGlobal(ctx.global), templateFlagSettings(options));
    // The API function's asset is the zip this version ships, as deploy's is.
    const shipped = await loadShippedLambda();
    const pictures: Record<string, { sha256: string }> = model.pictures ? { pictures: { sha256: (await loadShippedPictures()).sha256 } } : {};
    const { body, template } = synthesizeText(model, { api: { sha256: shipped.sha256 }, ...pictures });
    const file = options.out === undefined ? undefined : resolve(ctx.cwd, options.out);
    if (file) {
      try {
        await writeFileAtomic(file, body);
      } catch (err) {
        throw fileError('write', file, err);
      }
    }
    const doc: SynthResult = { stackName: model.stackName, ...(file ? { file } : {}), assets: { api: { sha256: shipped.sha256 }, ...pictures }, template };
    ctx.out.result(doc, (c) => (file ? `${c.green('✔')} Wrote the template of ${model.stackName} to ${file}` : body.trimEnd()));
  },
});
