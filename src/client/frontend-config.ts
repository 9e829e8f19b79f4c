/**
 * The configuration a front end needs to talk to a target, in the forms front ends read: Amplify's
 * (`Amplify.configure(file)`) and a `.env` file for Vite / Next.js. Pure functions: the command gathers the
 * target and its user pool settings and writes the text.
 */
import type { Target } from '../core/targets.js';

/**
 * The user pool settings a front end shows or checks (password rules on sign-up forms, what the user signs in
 * with), in Cognito's own API casing: the local pool's definition and the template's UserPool resource both
 * have this shape.
 */
export interface PoolDescription {
  UsernameAttributes?: readonly string[];
  AutoVerifiedAttributes?: readonly string[];
  MfaConfiguration?: string;
  Policies?: {
    PasswordPolicy?: {
      MinimumLength?: number;
      RequireUppercase?: boolean;
      RequireLowercase?: boolean;
      RequireNumbers?: boolean;
      RequireSymbols?: boolean;
    };
  };
}

export type FrontendFormat = 'amplify' | 'env';

/** The name the API has in the Amplify file (`custom.API.authstack`, and `API.REST.authstack` locally). */
const API_NAME = 'authstack';

/** Marks a file as written by authstack, so it may be rewritten; any other file is left alone without --force. */
const WRITTEN_BY: Record<FrontendFormat, string> = {
  amplify: 'authstack outputs --format amplify',
  env: 'authstack outputs --format env',
};

/** Where each format is written by default (relative to the working folder). */
export const DEFAULT_FILE: Record<FrontendFormat, string> = { amplify: 'amplify_outputs.json', env: '.env.local' };

/** Vite exposes only `VITE_` variables to the browser; Next.js only `NEXT_PUBLIC_` ones. */
export const DEFAULT_ENV_PREFIX = 'VITE_';

export type FrontendTarget = Pick<
  Target,
  'name' | 'kind' | 'apiUrl' | 'region' | 'userPoolId' | 'clientId' | 'cognitoEndpoint' | 'customDomainUrl' | 'hostedUi'
>;

/** The URL front ends call: the custom domain when the stack has one, else the API's own URL; no trailing slash. */
function frontendApiUrl(target: FrontendTarget): string {
  return (target.customDomainUrl || target.apiUrl).replace(/\/+$/, '');
}

/**
 * The Amplify configuration for a target. A deployed stack gets Gen 2's `amplify_outputs.json` shape (version
 * 1.4). The local stack gets Amplify's resources-config shape instead, the only one with a field for a custom
 * Cognito endpoint (`Auth.Cognito.userPoolEndpoint`); what Amplify makes of either is the same apart from that
 * endpoint. Both carry the API under `custom.API.authstack`, where Gen 2 puts a REST API added with
 * `backend.addOutput`, so front-end code reads the API URL from the same place for either target.
 */
export function amplifyConfig(target: FrontendTarget, pool: PoolDescription): Record<string, unknown> {
  const policy = passwordPolicy(pool);
  const usernameAttributes = [...(pool.UsernameAttributes ?? ['username'])];
  const mfa = GEN2_MFA[pool.MfaConfiguration ?? 'OFF'] ?? 'NONE';
  const api = { endpoint: frontendApiUrl(target), region: target.region, apiName: API_NAME };
  const custom = { API: { [API_NAME]: api }, authstack: { target: target.name, writtenBy: WRITTEN_BY.amplify } };
  if (target.kind === 'local') {
    return {
      Auth: {
        Cognito: {
          userPoolId: target.userPoolId,
          userPoolClientId: target.clientId,
          userPoolEndpoint: target.cognitoEndpoint,
          loginWith: {
            email: usernameAttributes.includes('email'),
            phone: usernameAttributes.includes('phone_number'),
            username: usernameAttributes.includes('username'),
            ...(target.hostedUi
              ? {
                  oauth: {
                    domain: new URL(target.hostedUi.domainUrl).host,
                    scopes: target.hostedUi.scopes,
                    redirectSignIn: target.hostedUi.callbackUrls,
                    redirectSignOut: target.hostedUi.logoutUrls,
                    responseType: 'code',
                    providers: [],
                  },
                }
              : {}),
          },
          passwordFormat: {
            minLength: policy.min_length,
            requireLowercase: policy.require_lowercase,
            requireUppercase: policy.require_uppercase,
            requireNumbers: policy.require_numbers,
            requireSpecialCharacters: policy.require_symbols,
          },
          mfa: { status: mfa === 'NONE' ? 'off' : mfa === 'REQUIRED' ? 'on' : 'optional', smsEnabled: false, totpEnabled: mfa !== 'NONE' },
        },
      },
      API: { REST: { [API_NAME]: { endpoint: api.endpoint, region: api.region } } },
      custom,
    };
  }
  return {
    version: '1.4',
    auth: {
      aws_region: target.region,
      user_pool_id: target.userPoolId,
      user_pool_client_id: target.clientId,
      password_policy: policy,
      username_attributes: usernameAttributes,
      user_verification_types: [...(pool.AutoVerifiedAttributes ?? [])],
      mfa_configuration: mfa,
      mfa_methods: mfa === 'NONE' ? [] : ['TOTP'],
      ...(target.hostedUi
        ? {
            oauth: {
              identity_providers: [],
              domain: new URL(target.hostedUi.domainUrl).host,
              scopes: target.hostedUi.scopes,
              redirect_sign_in_uri: target.hostedUi.callbackUrls,
              redirect_sign_out_uri: target.hostedUi.logoutUrls,
              response_type: 'code',
            },
          }
        : {}),
    },
    custom,
  };
}

/** Cognito's MfaConfiguration in Gen 2's words. */
const GEN2_MFA: Record<string, string> = { OFF: 'NONE', ON: 'REQUIRED', OPTIONAL: 'OPTIONAL' };

function passwordPolicy(pool: PoolDescription) {
  const p = pool.Policies?.PasswordPolicy ?? {};
  // Cognito's defaults, for a pool that does not set a rule.
  return {
    min_length: p.MinimumLength ?? 8,
    require_lowercase: p.RequireLowercase ?? true,
    require_uppercase: p.RequireUppercase ?? true,
    require_numbers: p.RequireNumbers ?? true,
    require_symbols: p.RequireSymbols ?? true,
  };
}

/** The variables of the `.env` file, without the prefix; the same names the CLI itself reads. */
function envVariables(target: FrontendTarget): Record<string, string> {
  return {
    AUTHSTACK_API_URL: frontendApiUrl(target),
    AUTHSTACK_REGION: target.region,
    AUTHSTACK_USER_POOL_ID: target.userPoolId,
    AUTHSTACK_USER_POOL_CLIENT_ID: target.clientId,
    // Empty on AWS, so code can pass it on as is (`|| undefined`) and a stale local endpoint never survives.
    AUTHSTACK_COGNITO_ENDPOINT: target.kind === 'local' ? (target.cognitoEndpoint ?? '') : '',
  };
}

/** A `.env` file (dotenv syntax, as Vite and Next.js read it) for the target. */
export function envFile(target: FrontendTarget, prefix: string): string {
  const lines = [
    `# Written by ${WRITTEN_BY.env} for the target "${target.name}"; it rewrites this file, so keep your own variables elsewhere.`,
    ...Object.entries(envVariables(target)).map(([name, value]) => `${prefix}${name}=${value}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The file's text in the format. */
export function frontendFile(format: FrontendFormat, target: FrontendTarget, pool: PoolDescription, envPrefix: string): string {
  return format === 'env' ? envFile(target, envPrefix) : `${JSON.stringify(amplifyConfig(target, pool), null, 2)}\n`;
}

/** True when the text is a file authstack wrote in that format (so rewriting it loses nothing of the user's). */
export function isOwnFile(format: FrontendFormat, text: string): boolean {
  if (format === 'env') return text.startsWith(`# Written by ${WRITTEN_BY.env} `);
  try {
    const doc = JSON.parse(text) as { custom?: { authstack?: { writtenBy?: unknown } } };
    return doc?.custom?.authstack?.writtenBy === WRITTEN_BY.amplify;
  } catch {
    return false;
  }
}
