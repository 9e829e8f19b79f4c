/**
 * The CloudFormation template's shape and the names in it the rest of the CLI relies on: its parameters, outputs
 * and logical ids. The template itself is generated from the stack model (`template/`); `test/unit/template/`
 * checks that these constants match what it generates.
 */
import { createHash } from 'node:crypto';
import { isRecord } from '../core/files.js';
import { parseCfnYaml } from './cfn-yaml.js';
import { OAUTH_SCOPES, type HostedUi } from '../core/hosted-ui.js';

export interface CfnParameter {
  Type: string;
  Default?: string | number;
  Description?: string;
  AllowedValues?: Array<string | number>;
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  [key: string]: unknown;
}

export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Condition?: string;
  Export?: unknown;
}

/** A template in CloudFormation's JSON form (intrinsics in long form: `{"Ref": ...}`, `{"Fn::Sub": ...}`). */
export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, CfnParameter>;
  Rules?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
}

/** Template parameter names, by what they mean. Values not given keep the template's defaults. */
export const PARAMETERS = {
  stageName: 'StageName',
  throttlingRateLimit: 'ThrottlingRateLimit',
  throttlingBurstLimit: 'ThrottlingBurstLimit',
  corsAllowOrigin: 'CorsAllowOrigin',
  domainName: 'DomainName',
  hostedZoneId: 'HostedZoneId',
  memorySize: 'MemorySize',
  timeout: 'Timeout',
  logRetentionInDays: 'LogRetentionInDays',
  userPoolDeletionProtection: 'UserPoolDeletionProtection',
  passwordMinimumLength: 'PasswordMinimumLength',
  passwordRequireUppercase: 'PasswordRequireUppercase',
  passwordRequireLowercase: 'PasswordRequireLowercase',
  passwordRequireNumbers: 'PasswordRequireNumbers',
  passwordRequireSymbols: 'PasswordRequireSymbols',
  sesIdentityArn: 'SesIdentityArn',
  sesFromAddress: 'SesFromAddress',
  accessTokenValidityMinutes: 'AccessTokenValidityMinutes',
  idTokenValidityMinutes: 'IdTokenValidityMinutes',
  refreshTokenValidityDays: 'RefreshTokenValidityDays',
  authDomainPrefix: 'AuthDomainPrefix',
  authDomainLabel: 'AuthDomainLabel',
  callbackUrls: 'CallbackUrls',
  logoutUrls: 'LogoutUrls',
  userGroups: 'UserGroups',
} as const;

export type ParameterName = (typeof PARAMETERS)[keyof typeof PARAMETERS];

/** Stack outputs. `CustomDomainUrl` exists only when the `DomainName` parameter is set. */
export const OUTPUTS = {
  apiUrl: 'ApiUrl',
  customDomainUrl: 'CustomDomainUrl',
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
  region: 'Region',
  functionName: 'FunctionName',
  logGroupName: 'LogGroupName',
  signInUrl: 'SignInUrl',
  authDomainUrl: 'AuthDomainUrl',
  oidcIssuer: 'OidcIssuer',
  callbackUrls: 'CallbackUrls',
  logoutUrls: 'LogoutUrls',
} as const;

/** The hosted sign-in a stack's outputs describe (for `login --browser` and front ends); undefined before it had one. */
export function hostedUiFromOutputs(outputs: Readonly<Record<string, string>>): HostedUi | undefined {
  const domainUrl = outputs[OUTPUTS.authDomainUrl];
  if (!domainUrl) return undefined;
  const list = (value: string | undefined): string[] => (value ? value.split(',') : []);
  return { domainUrl, callbackUrls: list(outputs[OUTPUTS.callbackUrls]), logoutUrls: list(outputs[OUTPUTS.logoutUrls]), scopes: [...OAUTH_SCOPES] };
}

/** Logical ids of the resources the CLI looks up in stack events and resources. */
export const LOGICAL_IDS = {
  userPool: 'UserPool',
  userPoolClient: 'UserPoolClient',
  function: 'Function',
  functionRole: 'FunctionRole',
  logGroup: 'FunctionLogGroup',
  api: 'Api',
  stage: 'ApiStage',
  deployment: 'ApiDeployment',
  /** Only with a custom domain; its physical id is the certificate ARN (for ACM DescribeCertificate). */
  certificate: 'Certificate',
  domainName: 'ApiDomainName',
} as const;

/**
 * The user pool and its app client: a change set that replaces or removes either loses users or breaks every
 * client, so deploy refuses it without `--allow-user-pool-replacement`.
 */
export const USER_POOL_LOGICAL_IDS: readonly string[] = [LOGICAL_IDS.userPool, LOGICAL_IDS.userPoolClient];

/**
 * The last few templates parsed, by text. A deploy may parse the same text more than once (planning, the user pool
 * settings it records) and parsing is the slowest part of planning; callers get their own copy.
 */
const parsedTemplates = new Map<string, CfnTemplate>();
const PARSED_TEMPLATES_KEPT = 4;

/**
 * Turns template text into its JSON form; throws when it is neither JSON nor YAML, or has no `Resources` map. The
 * generated template is JSON; YAML is read too, for templates deployed by authstack 0.1 (and JSON is YAML).
 */
export function parseTemplate(body: string): CfnTemplate {
  let template = parsedTemplates.get(body);
  if (!template) {
    const parsed = body.trimStart().startsWith('{') ? parseJson(body) : parseCfnYaml(body);
    if (!isRecord(parsed) || !isRecord(parsed.Resources)) {
      throw new Error('the template has no Resources section');
    }
    template = parsed as unknown as CfnTemplate;
    if (parsedTemplates.size >= PARSED_TEMPLATES_KEPT) parsedTemplates.delete(parsedTemplates.keys().next().value!);
    parsedTemplates.set(body, template);
  }
  return structuredClone(template);
}

/** The names of the template's parameters, in template order. */
export function templateParameterNames(template: CfnTemplate): string[] {
  return Object.keys(template.Parameters ?? {});
}

/**
 * The user pool's front-facing settings (what users sign in with, the password policy, MFA) as a stack with these
 * parameter values has them: the template's UserPool properties with each `Ref` to a parameter resolved to the
 * given value or the parameter's default. Numbers and `'true'`/`'false'` come back typed, as Cognito's API has them.
 */
export function userPoolSettings(template: CfnTemplate, parameters: Record<string, string> = {}): Record<string, unknown> {
  const props = template.Resources[LOGICAL_IDS.userPool]?.Properties ?? {};
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!isRecord(value)) return value;
    if (typeof value.Ref === 'string' && Object.keys(value).length === 1) {
      const param = template.Parameters?.[value.Ref];
      if (!param) return undefined;
      const raw = String(parameters[value.Ref] ?? param.Default ?? '');
      if (param.Type === 'Number') return Number(raw);
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  };
  const { UsernameAttributes, AutoVerifiedAttributes, MfaConfiguration, Policies } = props;
  return resolve({ UsernameAttributes, AutoVerifiedAttributes, MfaConfiguration, Policies }) as Record<string, unknown>;
}

/**
 * The API Gateway resources whose definition a deployment snapshots: a change to any of them reaches the stage
 * only through a new `AWS::ApiGateway::Deployment`.
 */
const API_DEFINITION_TYPES = new Set([
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::GatewayResponse',
]);

/** A hash of the API's definition: every API Gateway resource a deployment snapshots, by logical id. */
export function apiDefinitionHash(template: CfnTemplate): string {
  const definition = Object.entries(template.Resources)
    .filter(([, r]) => API_DEFINITION_TYPES.has(r.Type))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 10);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return parseCfnYaml(body);
  }
}
