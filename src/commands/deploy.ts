import { defineCommand, type OptionSpecs, type OptionsOf } from '../core/command.js';
import { confirmOrRefuse } from '../core/confirm.js';
import type { Context } from '../core/context.js';
import { UserError, usageError } from '../core/errors.js';
import { corsOrigin, duration, groupList, isAwsRegion, oneOf, stackName as stackNameFlag } from '../core/parse.js';
import { checkHealth } from '../core/health.js';
import { isDomainPrefix } from '../core/hosted-ui.js';
import { table } from '../core/output.js';
import { passwordPolicyOf } from '../core/password-policy.js';
import { DEFAULTS, LOG_RETENTION_DAYS, MFA_SETTINGS, buildStackModel, buildStackSettings, valueRule, type StackSettings } from '../core/stack-model.js';
import { stackSettingsFromGlobal, type ProjectConfig } from '../core/project-config.js';
import type { DeployResult } from './results.js';
import { redirectUrlFlags } from './target-flags.js';

const STAGE = valueRule('stage');
const DOMAIN = valueRule('domain');

/**
 * The `--stack` rule, for names that come from authstack.config.json or the guided prompt instead: the flag's
 * 120-character cap leaves room for the user pool's name (`<stack>-users`) within Cognito's 128.
 */
function isStackName(value: string): boolean {
  try {
    stackNameFlag(value);
    return true;
  } catch {
    return false;
  }
}

const logRetention = oneOf('--log-retention', LOG_RETENTION_DAYS, 'days');

function domainName(raw: string): string {
  const value = raw.trim().toLowerCase().replace(/\.$/, '');
  if (value !== '' && !DOMAIN.test(value)) throw usageError(`--domain must be a DNS name such as api.example.com, got "${raw}".`);
  return value;
}

function authDomainPrefix(raw: string): string {
  if (!isDomainPrefix(raw)) {
    throw usageError(`--auth-domain-prefix must be lower-case letters, digits and hyphens (at most 63, no aws, amazon or cognito), got "${raw}".`);
  }
  return raw;
}

function parameter(raw: string, previous: Record<string, string> | undefined): Record<string, string> {
  const m = /^([A-Za-z0-9]+)=(.*)$/s.exec(raw);
  if (!m) throw usageError(`--parameter must look like Key=Value, got "${raw}".`);
  return { ...previous, [m[1]!]: m[2]! };
}

/** The flags that set the template's settings: deploy's, and `synth`'s (which prints what deploy would send). */
export const templateFlags = {
  stage: { type: 'value', placeholder: 'name', description: `API Gateway stage name (default: ${DEFAULTS.stage})` },
  logRetention: {
    type: 'value',
    placeholder: 'days',
    description: `days CloudWatch keeps the function logs (default: ${DEFAULTS.logRetentionInDays})`,
    parse: logRetention,
  },
  corsOrigin: {
    type: 'value',
    placeholder: 'origin',
    description: `the origin browsers may call the API from, e.g. https://app.example.com (default: ${DEFAULTS.corsOrigin})`,
    parse: corsOrigin,
  },
  groups: {
    type: 'value',
    placeholder: 'names',
    description: 'the user pool groups the app declares, comma-separated, e.g. admin,editor (at most 5; "" for none)',
    parse: groupList,
  },
  ...redirectUrlFlags,
  authDomainPrefix: {
    type: 'value',
    placeholder: 'prefix',
    description: 'prefix of the hosted sign-in domain (default: <stack>-<account id>)',
    parse: authDomainPrefix,
  },
  mfa: {
    type: 'value',
    placeholder: 'setting',
    description: 'two-factor sign-in with an authenticator app: off, optional or required (default: off)',
    parse: oneOf('--mfa', MFA_SETTINGS),
  },
  pictures: { type: 'switch', description: 'turn profile pictures on (a private bucket, a CDN and the processing function), as "pictures": true does' },
} as const satisfies OptionSpecs;

/** The settings `templateFlags` give, over the configuration file's. */
export function templateFlagSettings(options: OptionsOf<typeof templateFlags>): StackSettings {
  if (options.stage !== undefined && !STAGE.test(options.stage))
    throw usageError(`--stage must be letters, digits, hyphens or underscores, got "${options.stage}".`);
  return {
    stage: options.stage,
    logRetentionInDays: options.logRetention,
    corsOrigin: options.corsOrigin,
    groups: options.groups,
    authDomainPrefix: options.authDomainPrefix,
    callbackUrls: options.callbackUrl,
    logoutUrls: options.logoutUrl,
    mfa: options.mfa,
    // Only ever on: the switch never turns off what the configuration turned on.
    ...(options.pictures ? { pictures: true } : {}),
  };
}

const deployFlags = {
  yes: { type: 'switch', short: 'y', description: 'do not ask: confirm the change set (needed without a terminal)' },
  guided: { type: 'switch', description: 'ask for stack name, region, domain, stage and log retention, and save the answers in authstack.config.json' },
  execute: { type: 'negated-switch', description: 'create and show the change set, then stop' },
  domain: { type: 'value', placeholder: 'name', description: 'custom domain for the API, e.g. api.example.com ("" removes it)', parse: domainName },
  hostedZoneId: { type: 'value', placeholder: 'id', description: 'the Route 53 zone for --domain (default: the longest matching public zone)' },
  skipDnsCheck: { type: 'switch', description: 'do not check that the public DNS delegates the domain to that zone' },
  ...templateFlags,
  parameter: { type: 'value', placeholder: 'Key=Value', description: 'set any template parameter (repeatable)', parse: parameter },
  allowUserPoolReplacement: { type: 'switch', description: 'allow a change that replaces or removes the user pool or its client (users are lost)' },
  continueRollback: { type: 'switch', description: 'continue a failed rollback (UPDATE_ROLLBACK_FAILED) before deploying' },
  certificateTimeout: {
    type: 'value',
    placeholder: 'duration',
    description: 'give up waiting for the certificate after this long (default: 30m)',
    parse: duration('--certificate-timeout'),
  },
  busyTimeout: {
    type: 'value',
    placeholder: 'duration',
    description: 'wait this long for another operation on the stack to end (default: 10m; 0 = do not wait)',
    parse: duration('--busy-timeout'),
  },
  healthCheck: { type: 'negated-switch', description: 'skip GET /app/health after the deploy' },
  zip: { type: 'value', placeholder: 'file', description: 'deploy this zip instead of the one this version ships' },
  pollInterval: {
    type: 'value',
    placeholder: 'duration',
    description: 'time between status polls (default: 2s)',
    parse: duration('--poll-interval'),
    hidden: true,
  },
} as const satisfies OptionSpecs;
type Options = OptionsOf<typeof deployFlags>;

export default defineCommand({
  name: 'deploy',
  description: 'deploy the stack to AWS (or update it), upload the code and check its health',
  options: deployFlags,
  examples: ['authstack deploy', 'authstack deploy --guided', 'authstack deploy --domain api.example.com --yes', 'authstack deploy --no-execute'],
  async run({ options }, ctx) {
    const [
      { writeDeployConfig, configPath },
      { resolveRegion, services, checkAwsSettings, missingSettings },
      { templateParameterNames, hostedUiFromOutputs, userPoolSettings, PARAMETERS, OUTPUTS },
      { synthesizeText, parameterValues },
    ] = await Promise.all([
      import('../deploy/config.js'),
      import('../deploy/aws-deps.js'),
      import('../deploy/template.js'),
      import('../deploy/template/index.js'),
    ]);

    let { config } = await ctx.project();
    const firstRun = Object.keys(config).length === 0;
    if (options.guided && (options.yes || !ctx.interactive)) {
      if (!ctx.interactive)
        throw usageError('--guided needs a terminal to ask its questions.', 'Pass the answers as flags instead (see authstack deploy --help)');
      ctx.out.warn('--yes given: not asking the --guided questions.');
    }
    const guided = (options.guided || firstRun) && ctx.interactive && !options.yes;
    // Credentials and region first: no questions answered, nor code bundled, for a deploy that cannot start. The
    // guided questions ask for a region, so only a missing region stops them.
    const preflight = await checkAwsSettings(ctx, config.region);
    const problems = preflight.problems.filter((p) => !(guided && p.code === 'NoRegion'));
    if (problems.length > 0 && !ctx.interactive && !options.yes && options.execute) {
      problems.push(usageError('Without a terminal the change set cannot be confirmed.', 'Pass --yes to execute it, or --no-execute to only show it'));
    }
    const missing = missingSettings(problems, 'deploy');
    if (missing) throw missing;
    if (guided) {
      config = await askGuided(ctx, config, options);
      await writeDeployConfig(ctx.projectDir, config);
      ctx.out.info(`Saved your answers in ${configPath(ctx.projectDir)}; the next deploy needs no flags.`);
    }

    // Flags over the config file over the model's defaults. --stack has a default, so only a non-default value overrides.
    const flags = templateFlagSettings(options);
    // A --domain given alone drops the zone the config file names (it belongs to the configured domain).
    const fromConfig: ProjectConfig = options.domain === undefined ? config : { ...config, domain: options.domain, hostedZoneId: options.hostedZoneId };
    const model = buildStackModel(fromConfig, stackSettingsFromGlobal(ctx.global), flags, { hostedZoneId: options.hostedZoneId });
    const stackName = model.stackName;
    if (!isStackName(stackName))
      throw usageError(`"${stackName}" is not a valid stack name (letters, digits and hyphens, starting with a letter, at most 120).`);
    const { region, aws } = await resolveRegion(ctx, model.region);
    const domain = options.domain ?? config.domain;
    const hostedZoneId = model.domain?.hostedZoneId;

    // Only what the project or its flags set: every other parameter keeps its deployed value.
    const parameters: Record<string, string> = { ...(options.parameter ?? {}), ...parameterValues(buildStackSettings(config, flags)) };
    parameters[PARAMETERS.authDomainLabel] = model.hostedSignIn.domainLabel;
    if (domain === '') {
      parameters[PARAMETERS.domainName] = '';
      parameters[PARAMETERS.hostedZoneId] = '';
    }

    const [{ deployStack }, { deployPrinter }, { buildFunctions }] = await Promise.all([
      import('../deploy/deploy-stack.js'),
      import('../deploy/printer.js'),
      import('../deploy/build-functions.js'),
    ]);
    // Each function's zip, named in the template by its hash: the API's is the one this version ships (or --zip's).
    const assets = await buildFunctions(model, {
      projectDir: ctx.projectDir,
      apiZip: await loadApiZip(ctx, options.zip),
      // Pictures on: the processing function's zip this version ships (its bundle and photon's .wasm).
      ...(model.pictures ? { picturesZip: await (await import('../deploy/artifact.js')).loadShippedPictures() } : {}),
    });
    const { body, template } = synthesizeText(model, assets);
    const aws_ = await services(aws);
    const printer = deployPrinter(ctx.out, ctx.clock.now);
    ctx.out.info(`Deploying ${ctx.out.c.bold(stackName)} to ${region}${domain ? ` with ${domain}` : ''}…`);

    let result: Awaited<ReturnType<typeof deployStack>>;
    try {
      result = await deployStack(
        {
          stackName,
          region,
          templateBody: body,
          templateParameters: templateParameterNames(template),
          parameters,
          assets: Object.values(assets),
          domain: domain ? { name: domain, hostedZoneId, skipDnsCheck: options.skipDnsCheck } : undefined,
          execute: options.execute,
          yes: options.yes,
          allowUserPoolReplacement: options.allowUserPoolReplacement,
          continueRollback: options.continueRollback,
          pollIntervalMs: options.pollInterval,
          busyTimeoutMs: options.busyTimeout,
          certificateTimeoutMs: options.certificateTimeout,
          signal: ctx.signal,
        },
        {
          ...aws_,
          resolveNs: async (name) => (await import('node:dns/promises')).resolveNs(name),
          clock: ctx.clock,
          confirm: (message, about) => confirm(ctx, message, about?.changeSetShown ?? false),
          emit: printer.emit,
        },
      );
    } finally {
      printer.close();
    }

    if (result.outcome === 'change-set-only') {
      ctx.out.result({ outcome: result.outcome, stackName, region, changeSetId: result.changeSetId, changes: result.changes } satisfies DeployResult);
      return;
    }

    const outputs = result.outputs;
    const apiUrl = (outputs[OUTPUTS.apiUrl] ?? '').replace(/\/+$/, '');
    const { saveDeployRecord } = await import('../deploy/record.js');
    await saveDeployRecord(ctx.state.dir, {
      stackName,
      region,
      stackId: result.stackId,
      deployedAt: new Date(ctx.clock.now()).toISOString(),
      outcome: result.outcome,
      templateSha256: result.templateSha256,
      codeSha256: result.codeSha256,
      parameters: result.parameters,
      outputs,
    });
    if (apiUrl && outputs[OUTPUTS.userPoolClientId]) {
      await ctx.state.saveTarget({
        name: stackName,
        kind: 'aws',
        apiUrl,
        region: outputs[OUTPUTS.region] ?? region,
        userPoolId: outputs[OUTPUTS.userPoolId] ?? '',
        clientId: outputs[OUTPUTS.userPoolClientId]!,
        stackName,
        customDomainUrl: outputs[OUTPUTS.customDomainUrl]?.replace(/\/+$/, ''),
        ...(outputs.PicturesUrl ? { picturesUrl: outputs.PicturesUrl.replace(/\/+$/, '') } : {}),
        hostedUi: hostedUiFromOutputs(outputs),
        passwordPolicy: passwordPolicyOf(userPoolSettings(template, result.stackParameters)),
      });
    } else {
      ctx.out.warn(`Stack ${stackName} has no ApiUrl/UserPoolClientId outputs; the auth commands will not find it.`);
    }

    // A new stage can answer 403/5xx for a few seconds: ask for up to 30 s.
    const health =
      options.healthCheck && result.outcome !== 'no-changes' && apiUrl
        ? await checkHealth({ apiUrl, fetch: ctx.fetch, clock: ctx.clock, signal: ctx.signal, waitMs: 30_000 })
        : undefined;
    const doc: DeployResult = {
      outcome: result.outcome,
      stackName,
      region,
      outputs,
      codeSha256: result.codeSha256,
      codeUploaded: result.codeUploaded,
      changes: result.changes,
      health,
    };
    if (result.codeUploaded && result.artifactBucket)
      ctx.out.info(ctx.out.c.dim(`Code stored in s3://${result.artifactBucket} (kept by destroy; shared by the stacks of this account and region).`));
    ctx.out.result(doc, (c) => {
      const rows = Object.entries(outputs).map(([k, v]) => [c.dim(k), v]);
      const head =
        result.outcome === 'no-changes'
          ? `${c.green('✔')} ${stackName} is up to date.`
          : `${c.green('✔')} ${stackName} ${result.outcome === 'created' ? 'created' : result.outcome === 'code-only' ? 'code updated' : 'updated'} in ${region}.`;
      const healthLine = health ? `\n${health.healthy ? c.green('healthy') : c.red('unhealthy')}  GET ${health.url} → ${health.status ?? health.reason}` : '';
      return `${head}\n${table(rows)}${healthLine}`;
    });
    if (health && !health.healthy) {
      throw new UserError('api', `Deployed, but the health check failed: ${health.reason} from ${health.url}.`, {
        code: 'Unhealthy',
        hint: `See the function's logs with "authstack logs --stack ${stackName} --since 10m"`,
      });
    }
  },
});

async function askGuided(ctx: Context, config: ProjectConfig, options: Options): Promise<ProjectConfig> {
  const stackName = await ctx.prompt.input({
    message: 'Stack name',
    default: config.stackName ?? ctx.global.stack,
    validate: (v) => isStackName(v) || 'Letters, digits and hyphens, starting with a letter, at most 120',
  });
  let defaultRegion = ctx.global.region ?? config.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION;
  if (!defaultRegion) defaultRegion = await ctx.aws.resolveRegion().catch(() => 'us-east-1');
  const region = await ctx.prompt.input({
    message: 'AWS region',
    default: defaultRegion,
    validate: (v) => isAwsRegion(v) || 'A region such as us-east-1 or eu-west-2',
  });
  const domain = await ctx.prompt.input({
    message: 'Custom domain (empty for none)',
    default: options.domain ?? config.domain ?? '',
    validate: (v) => v.trim() === '' || DOMAIN.test(v.trim().toLowerCase()) || 'A DNS name such as api.example.com, or empty',
  });
  const stage = await ctx.prompt.input({
    message: 'API stage name',
    default: options.stage ?? config.stage ?? DEFAULTS.stage,
    validate: (v) => STAGE.test(v) || 'Letters, digits, hyphens and underscores',
  });
  const logRetentionInDays = await ctx.prompt.select<(typeof LOG_RETENTION_DAYS)[number]>({
    message: 'Days to keep the function logs',
    choices: LOG_RETENTION_DAYS.map((d) => ({ name: String(d), value: d })),
    default: options.logRetention ?? config.logRetentionInDays ?? DEFAULTS.logRetentionInDays,
  });
  return { ...config, stackName, region, domain: domain.trim().toLowerCase() || undefined, stage, logRetentionInDays };
}

function confirm(ctx: Context, message: string, changeSetShown: boolean): Promise<boolean> {
  return confirmOrRefuse(ctx, message, {
    doing: 'deploy',
    hint: changeSetShown ? 'Review the change set above, then run again with --yes' : 'Run again with --yes to confirm',
  });
}

/** The API's zip: `--zip`'s file, or the one this version ships (checked against the hash its build recorded). */
async function loadApiZip(ctx: Context, zipFile: string | undefined): Promise<{ zip: Uint8Array; file: string }> {
  if (zipFile) {
    const [{ readZip }, { resolve }] = await Promise.all([import('../deploy/build-functions.js'), import('node:path')]);
    return readZip(resolve(ctx.cwd, zipFile));
  }
  const { loadShippedLambda } = await import('../deploy/artifact.js');
  const pkg = await loadShippedLambda();
  ctx.out.info(`Lambda package ${pkg.file} (${(pkg.size / 1024).toFixed(1)} KiB, sha256 ${pkg.sha256.slice(0, 12)}).`);
  return { zip: pkg.zip, file: pkg.file };
}
