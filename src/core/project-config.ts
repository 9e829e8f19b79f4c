/**
 * `authstack.config.json`, read and validated once per command (as wrangler reads its configuration): one pass
 * over the whole file, every problem named by its key path, unknown keys included, then a typed value that
 * nothing re-reads. The guided deploy writes its answers here; any key may be written by hand.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UserError } from './errors.js';
import { fileError, isErrno, isRecord } from './files.js';
import { OAUTH_SCOPES, isDomainPrefix } from './hosted-ui.js';
import { isAwsRegion } from './parse.js';
import { checkResourceServers, checkRoutes, crossCheckRoutes, handlerFunctionId } from './routes.js';
import { checkRouteHandlers } from './route-handlers.js';
import { checkTriggerHandlers, checkTriggers, triggerModels } from './triggers.js';
import { LOG_RETENTION_DAYS, MAX_GROUPS, MFA_SETTINGS, valueRule, type StackSettings } from './stack-model.js';

export const CONFIG_FILE = 'authstack.config.json';

/** The file's contents, validated: the settings a project keeps. Every key is optional. */
export type ProjectConfig = StackSettings;

export function configPath(projectDir: string): string {
  return join(projectDir, CONFIG_FILE);
}

type Check = (value: unknown, key: string, problems: string[]) => unknown;

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,119}$/;
const STAGE = valueRule('stage');
const DOMAIN = valueRule('domain');
const HOSTED_ZONE = valueRule('hostedZoneId');
const CORS_ORIGIN = valueRule('corsOrigin');
const GROUP = valueRule('group');
const SES_ARN = valueRule('sesIdentityArn');
const SES_FROM = valueRule('sesFromAddress');

function string(rule?: { test: (v: string) => boolean; says: string }, normalise: (v: string) => string = (v) => v): Check {
  return (value, key, problems) => {
    if (typeof value !== 'string') return void problems.push(`"${key}" must be a string`);
    const v = normalise(value);
    if (rule && !rule.test(v)) return void problems.push(`"${key}" must be ${rule.says}, got "${value}"`);
    return v;
  };
}

function integer(min: number, max: number): Check {
  return (value, key, problems) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return void problems.push(`"${key}" must be a whole number`);
    if (value < min || value > max) return void problems.push(`"${key}" must be between ${min} and ${max}, got ${value}`);
    return value;
  };
}

const boolean: Check = (value, key, problems) => (typeof value === 'boolean' ? value : void problems.push(`"${key}" must be true or false`));

function oneOf<T extends string | number>(values: readonly T[]): Check {
  return (value, key, problems) =>
    values.includes(value as T) ? value : void problems.push(`"${key}" must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
}

function list(item: Check, max?: number): Check {
  return (value, key, problems) => {
    if (!Array.isArray(value)) return void problems.push(`"${key}" must be a list`);
    if (max !== undefined && value.length > max) problems.push(`"${key}" holds at most ${max} entries, got ${value.length}`);
    const before = problems.length;
    const items = value.map((v, i) => item(v, `${key}[${i}]`, problems));
    return problems.length === before ? items : undefined;
  };
}

function object(shape: Record<string, Check>): Check {
  return (value, key, problems) => {
    if (!isRecord(value)) return void problems.push(`"${key}" must be an object`);
    return checkObject(value, shape, `${key}.`, problems);
  };
}

function checkObject(value: Record<string, unknown>, shape: Record<string, Check>, prefix: string, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const check = shape[k];
    if (!check) {
      problems.push(`"${prefix}${k}" is not a setting authstack knows (known: ${Object.keys(shape).join(', ')})`);
      continue;
    }
    const checked = check(v, `${prefix}${k}`, problems);
    if (checked !== undefined) out[k] = checked;
  }
  return out;
}

/** A redirect URL as Cognito accepts it for an app client (and as `--callback-url` checks it). */
const redirectUrl: Check = (value, key, problems) => {
  if (typeof value !== 'string') return void problems.push(`"${key}" must be a string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return void problems.push(`"${key}" must be an absolute URL such as https://app.example.com/callback, got "${value}"`);
  }
  if (value.includes('#') || value.includes(',')) return void problems.push(`"${key}" must have no fragment and no comma, got "${value}"`);
  if (url.protocol === 'http:' && url.hostname !== 'localhost')
    return void problems.push(`"${key}" must use https (plain http only for localhost, as Cognito requires), got "${value}"`);
  return value;
};

/** Every key the file may hold, with its rule (the template parameter's own constraint where there is one). */
const SHAPE: Record<keyof ProjectConfig | '$schema', Check> = {
  $schema: string(),
  // The `--stack` rule: its 120-character cap leaves room for the user pool's name (`<stack>-users`) within Cognito's 128.
  stackName: (value, key, problems) =>
    typeof value === 'string' && STACK_NAME.test(value)
      ? value
      : void problems.push(`"${key}": ${JSON.stringify(value)} is not a valid stack name (letters, digits and hyphens, starting with a letter, at most 120)`),
  region: string({ test: isAwsRegion, says: 'an AWS region such as us-east-1' }),
  stage: string({ test: (v) => STAGE.test(v), says: 'letters, digits, hyphens or underscores (at most 128)' }),
  domain: string({ test: (v) => v === '' || DOMAIN.test(v), says: 'a DNS name such as api.example.com' }, (v) => v.trim().toLowerCase().replace(/\.$/, '')),
  hostedZoneId: string({ test: (v) => v === '' || HOSTED_ZONE.test(v), says: 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' }),
  logRetentionInDays: oneOf(LOG_RETENTION_DAYS),
  corsOrigin: string({ test: (v) => CORS_ORIGIN.test(v), says: '* or one origin such as https://app.example.com' }, (v) => v.trim().replace(/\/+$/, '')),
  groups: list(string({ test: (v) => GROUP.test(v), says: 'a group name (letters, digits and + = . @ - _, at most 128)' }), MAX_GROUPS),
  passwordPolicy: object({
    minimumLength: integer(6, 99),
    requireUppercase: boolean,
    requireLowercase: boolean,
    requireNumbers: boolean,
    requireSymbols: boolean,
  }),
  deletionProtection: oneOf(['ACTIVE', 'INACTIVE']),
  mfa: oneOf(MFA_SETTINGS),
  sesIdentityArn: string({ test: (v) => SES_ARN.test(v), says: 'an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<address or domain>)' }),
  sesFromAddress: string({ test: (v) => SES_FROM.test(v), says: 'an email address, optionally with a display name' }),
  accessTokenValidityMinutes: integer(5, 1440),
  idTokenValidityMinutes: integer(5, 1440),
  refreshTokenValidityDays: integer(1, 3650),
  callbackUrls: list(redirectUrl),
  logoutUrls: list(redirectUrl),
  authDomainPrefix: string({ test: isDomainPrefix, says: 'lower-case letters, digits and hyphens (at most 63, no aws, amazon or cognito)' }),
  memorySize: integer(128, 10240),
  // API Gateway gives up on an integration after 29 seconds by default, so a longer run could not answer.
  timeout: integer(1, 29),
  routes: checkRoutes,
  resourceServers: checkResourceServers,
  // API Gateway's AuthorizerResultTtlInSeconds: 0 to 3600.
  authorizerCacheSeconds: integer(0, 3600),
  pictures: (value, key, problems) =>
    typeof value === 'boolean'
      ? value
      : isRecord(value)
        ? object({
            corsOrigins: list(
              string({ test: (v) => CORS_ORIGIN.test(v), says: '* or an origin such as https://app.example.com' }, (v) => v.trim().replace(/\/+$/, '')),
            ),
          })(value, key, problems)
        : void problems.push(`"${key}" must be true, false or an object such as { "corsOrigins": ["https://app.example.com"] }`),
  triggers: checkTriggers,
};

/** Every problem of a parsed file, by key path; empty when it is valid. Also returns the checked settings. */
export function checkProjectConfig(value: unknown): { config: ProjectConfig; problems: string[] } {
  const problems: string[] = [];
  if (!isRecord(value)) return { config: {}, problems: ['the file must hold one JSON object'] };
  const checked = checkObject(value, SHAPE, '', problems);
  delete checked.$schema;
  if (Array.isArray(checked.groups)) checked.groups = [...new Set(checked.groups as string[])];
  if (checked.domain === '') delete checked.domain;
  if (checked.hostedZoneId === '') delete checked.hostedZoneId;
  if (checked.routes && problems.length === 0) problems.push(...crossCheckRoutes(checked as ProjectConfig, OAUTH_SCOPES));
  if (checked.triggers && checked.routes && problems.length === 0) problems.push(...triggerIdClashes(checked as ProjectConfig));
  return { config: checked as ProjectConfig, problems };
}

/**
 * The project's configuration, or `{}` when the file does not exist. A file that is not JSON, or breaks a rule, is
 * a usage error (exit 2) naming every problem; it is left as it is.
 */
export async function readProjectConfig(projectDir: string): Promise<ProjectConfig> {
  const file = configPath(projectDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return {};
    throw fileError('read', file, err);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(file, 'The deploy configuration at', 'is corrupt (not JSON)', 'It was left as it is: fix it, or move it aside to start afresh');
  }
  const { config, problems } = checkProjectConfig(value);
  if (problems.length > 0) throw invalid(file, '', problems.join('; '), 'Fix it (the README lists every key), then run again');
  // Handlers are checked for real (the file exists, it exports the name) before anything is built or deployed.
  const missing = [
    ...(config.routes ? await checkRouteHandlers(projectDir, config.routes) : []),
    ...(config.triggers ? await checkTriggerHandlers(projectDir, config.triggers) : []),
  ];
  if (missing.length > 0) throw invalid(file, '', missing.join('; '), 'Fix the handler or the route, then run again');
  return config;
}

/** A route handler whose function id is a trigger's (`trigger/pre.ts#signUp`): they would be one function. */
function triggerIdClashes(config: ProjectConfig): string[] {
  const ids = new Set(triggerModels(config.triggers).map((t) => t.functionId));
  return Object.entries(config.routes ?? {})
    .filter(([, route]) => ids.has(handlerFunctionId(route.handler)))
    .map(
      ([key, route]) =>
        `"routes.${key}.handler": "${route.handler}" would be the same function as a trigger's (${handlerFunctionId(route.handler)}); rename the file`,
    );
}

function invalid(file: string, lead: string, what: string, hint: string): UserError {
  const message = lead ? `${lead} ${file} ${what}.` : `${file}: ${what}.`;
  return new UserError('state', message, { code: 'InvalidConfig', exitCode: EXIT.usage, hint, details: { path: file } });
}

/** The stack a command works on: `--stack` when given, else the configuration's, else the default. */
export function stackSettingsFromGlobal(global: { stack: string; stackExplicit?: boolean; region?: string }): StackSettings {
  return global.stackExplicit ? { stackName: global.stack } : {};
}
