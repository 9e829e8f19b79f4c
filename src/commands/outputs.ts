import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineCommand, type OptionSpecs, type OptionsOf } from '../core/command.js';
import type { Context } from '../core/context.js';
import { UserError, usageError } from '../core/errors.js';
import { fileError, isErrno, writeFileAtomic } from '../core/files.js';
import { table } from '../core/output.js';
import { oneOf } from '../core/parse.js';
import { signInUrl } from '../core/hosted-ui.js';
import type { Target } from '../core/targets.js';
import {
  DEFAULT_ENV_PREFIX,
  DEFAULT_FILE,
  frontendFile,
  isOwnFile,
  type FrontendFormat,
  type FrontendTarget,
  type PoolDescription,
} from '../client/frontend-config.js';

const FORMATS = ['amplify', 'env'] as const;

const outputsFlags = {
  format: {
    type: 'value',
    placeholder: 'format',
    description: "write the current target's front-end configuration: amplify (for Amplify.configure) or env (a .env for Vite / Next.js)",
    parse: oneOf('--format', FORMATS),
  },
  out: { type: 'value', placeholder: 'file', description: 'where --format writes (default: amplify_outputs.json or .env.local; - for stdout)' },
  force: { type: 'switch', description: 'let --format overwrite a file authstack did not write' },
  envPrefix: {
    type: 'value',
    placeholder: 'prefix',
    description: 'prefix of the --format env variables: VITE_ for Vite, NEXT_PUBLIC_ for Next.js',
    default: DEFAULT_ENV_PREFIX,
    parse: envPrefix,
  },
} as const satisfies OptionSpecs;
type Options = OptionsOf<typeof outputsFlags>;
import type { OutputsFileResult, OutputsResult } from './results.js';
import { localTargetSelected } from './local-target.js';

export default defineCommand({
  name: 'outputs',
  description: "print the stack's outputs, or write a front end's configuration (--format amplify | env)",
  options: outputsFlags,
  examples: [
    'authstack outputs',
    'authstack outputs --json',
    'authstack outputs --format amplify                 # amplify_outputs.json for the current target',
    'authstack outputs --format env --env-prefix NEXT_PUBLIC_',
  ],
  async run({ options }, ctx) {
    if (options.format) return writeFrontendConfig(ctx, options.format, options);
    const local = await localTargetSelected(ctx);
    if (local) {
      const doc = localOutputs(local);
      ctx.out.result(
        doc,
        (c) => `${c.dim('The local stack (authstack dev), the current target:')}\n${table(Object.entries(doc).map(([k, v]) => [c.dim(k), v]))}`,
      );
      return;
    }
    const [{ resolveRegion }, { cloudFormation }] = await Promise.all([import('../deploy/aws-deps.js'), import('../aws/cloudformation.js')]);
    const { model } = await ctx.project();
    const stackName = model.stackName;
    const { region, aws } = await resolveRegion(ctx, model.region);
    const stack = await (await cloudFormation(aws)).describeStack(stackName);
    if (!stack) throw noStack(stackName, region);
    const doc: OutputsResult = stack.outputs;
    ctx.out.result(doc, (c) => table(Object.entries(stack.outputs).map(([k, v]) => [c.dim(k), v])) || `Stack ${stackName} has no outputs (${stack.status}).`);
  },
});

/**
 * The local stack's values under the names the deployed stack's outputs have, the hosted sign-in's included, so a
 * front end's configuration code reads the same keys wherever it runs. `CognitoEndpoint` and `DataDir` are the
 * local stack's own.
 */
function localOutputs(local: Target): OutputsResult {
  const ui = local.hostedUi;
  const values: Record<string, string | undefined> = {
    ApiUrl: local.apiUrl,
    UserPoolId: local.userPoolId,
    UserPoolClientId: local.clientId,
    Region: local.region,
    ...(ui
      ? {
          SignInUrl: signInUrl(ui, local.clientId),
          AuthDomainUrl: ui.domainUrl,
          // The local Cognito's issuer is its endpoint and the pool id, as on AWS (cognito-idp.<region>.amazonaws.com/<pool id>).
          OidcIssuer: `${ui.domainUrl}/${local.userPoolId}`,
          CallbackUrls: ui.callbackUrls.join(','),
          LogoutUrls: ui.logoutUrls.join(','),
        }
      : {}),
    ...(local.picturesUrl ? { PicturesUrl: local.picturesUrl } : {}),
    CognitoEndpoint: local.cognitoEndpoint,
    DataDir: local.localDataDir,
  };
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}

export function noStack(stackName: string, region: string): UserError {
  return new UserError('deployment', `There is no stack ${stackName} in ${region}.`, {
    code: 'NoStack',
    hint: 'Deploy it with authstack deploy, or check --stack and --region',
  });
}

function envPrefix(raw: string): string {
  if (!/^([A-Za-z_][A-Za-z0-9_]*)?$/.test(raw))
    throw usageError(`--env-prefix must be letters, digits and underscores, such as VITE_ or NEXT_PUBLIC_, got "${raw}".`);
  return raw;
}

/**
 * Writes the front-end configuration of the current target: the local stack as `authstack dev` recorded it, or
 * a deployed stack as CloudFormation describes it now. A file that is there and was not written by authstack is
 * left alone unless --force.
 */
async function writeFrontendConfig(ctx: Context, format: FrontendFormat, options: Options): Promise<void> {
  const { target, pool } = await frontendTarget(ctx);
  const text = frontendFile(format, target, pool, options.envPrefix);
  if (options.out === '-') {
    ctx.out.result(format === 'amplify' ? JSON.parse(text) : { content: text }, text);
    return;
  }
  const file = resolve(ctx.cwd, options.out ?? DEFAULT_FILE[format]);
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw fileError('read', file, err);
  }
  if (existing !== undefined && !options.force && !isOwnFile(format, existing)) {
    throw new UserError('refused', `${file} exists and was not written by authstack; it was left as it is.`, {
      code: 'FileExists',
      hint: 'Pass --out <another file>, or --force to overwrite it',
    });
  }
  await writeFileAtomic(file, text);
  const doc: OutputsFileResult = { format, file, target: target.name, kind: target.kind, overwritten: existing !== undefined };
  ctx.out.result(doc, (c) => `${c.green('✔')} Wrote ${file} (${format}) for the target ${target.name}`);
}

/** The current target, and the settings of its user pool that front ends use. */
async function frontendTarget(ctx: Context): Promise<{ target: FrontendTarget; pool: PoolDescription }> {
  // --stack names a deployed stack explicitly; otherwise the recorded target (--target, or the current one).
  const recorded = ctx.global.stackExplicit && !ctx.global.target ? undefined : await ctx.state.target(ctx.global.target);
  if (recorded?.kind === 'local') {
    const [{ localPool }, { model }] = await Promise.all([import('../local/cognito.js'), ctx.project()]);
    return { target: recorded, pool: localPool(model) };
  }
  return deployedTarget(ctx, recorded);
}

async function deployedTarget(ctx: Context, recorded: Target | undefined): Promise<{ target: FrontendTarget; pool: PoolDescription }> {
  const [{ resolveRegion }, { cloudFormation }, { userPoolSettings, hostedUiFromOutputs, OUTPUTS }, { poolTemplate }, { model }] = await Promise.all([
    import('../deploy/aws-deps.js'),
    import('../aws/cloudformation.js'),
    import('../deploy/template.js'),
    import('../deploy/template/index.js'),
    ctx.project(),
  ]);
  const fromRecord = recorded?.stackName !== undefined && !ctx.global.stackExplicit;
  const stackName = fromRecord ? recorded.stackName! : model.stackName;
  const { region, aws } = await resolveRegion(ctx, fromRecord ? recorded.region || model.region : model.region);
  const stack = await (await cloudFormation(aws)).describeStack(stackName);
  if (!stack) throw noStack(stackName, region);
  const out = stack.outputs;
  if (!out[OUTPUTS.userPoolId] || !out[OUTPUTS.userPoolClientId] || !out[OUTPUTS.apiUrl]) {
    throw new UserError('deployment', `Stack ${stackName} has no user pool or API outputs yet (${stack.status}).`, {
      code: 'NoOutputs',
      hint: 'Finish the deploy with authstack deploy, then run this again',
    });
  }
  const target: FrontendTarget = {
    name: stackName,
    kind: 'aws',
    apiUrl: out[OUTPUTS.apiUrl]!,
    customDomainUrl: out[OUTPUTS.customDomainUrl],
    region: out[OUTPUTS.region] ?? region,
    userPoolId: out[OUTPUTS.userPoolId]!,
    clientId: out[OUTPUTS.userPoolClientId]!,
    hostedUi: hostedUiFromOutputs(out),
  };
  return { target, pool: userPoolSettings(poolTemplate(model), stack.parameters) as PoolDescription };
}
