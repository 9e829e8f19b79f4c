/**
 * The template's parameters: every setting a deploy may change without a new template text, so that a deployed
 * stack keeps what an earlier deploy set (deploy passes only what is set and leaves the rest at UsePreviousValue).
 * Each parameter's default is the model's value.
 */
import type { StackModel, StackSettings } from '../../core/stack-model.js';
import { LOG_RETENTION_DAYS, MAX_GROUPS, VALUE_PATTERNS as V, apiFunction } from '../../core/stack-model.js';
import { PARAMETERS, type CfnParameter, type ParameterName } from '../template.js';

const P = PARAMETERS;
const yesNo = (value: boolean): string => String(value);
/** Empty, or a value the pattern accepts. */
const optional = (pattern: string): string => `^$|${pattern}`;
/** A group name's pattern without its anchors, to repeat it in a comma-separated list. */
const GROUP = V.group.slice(1, -1);
const flag = (description: string, value: boolean): CfnParameter => ({
  Type: 'String',
  Default: yesNo(value),
  AllowedValues: ['true', 'false'],
  Description: description,
});

export function parameters(model: StackModel): Record<ParameterName, CfnParameter> {
  const fn = apiFunction(model);
  const policy = model.pool.passwordPolicy;
  return {
    [P.stageName]: {
      Type: 'String',
      Default: model.stage,
      AllowedPattern: V.stage,
      ConstraintDescription: 'letters, digits, hyphens and underscores, at most 128 characters',
      Description: 'API Gateway stage name; the first path segment of the execute-api URL.',
    },
    [P.throttlingRateLimit]: {
      Type: 'Number',
      Default: model.throttling.rateLimit,
      MinValue: 1,
      MaxValue: 10000,
      Description: 'Steady-state requests per second allowed on the stage (all methods).',
    },
    [P.throttlingBurstLimit]: {
      Type: 'Number',
      Default: model.throttling.burstLimit,
      MinValue: 1,
      MaxValue: 5000,
      Description: 'Burst of requests allowed on the stage above the steady rate.',
    },
    [P.corsAllowOrigin]: {
      Type: 'String',
      Default: model.corsOrigin,
      AllowedPattern: V.corsOrigin,
      ConstraintDescription: '* or one origin such as https://app.example.com',
      Description: 'The origin browsers may call the API from (the Access-Control-Allow-Origin header).',
    },
    // Empty by default whatever the model says: deploy resolves the hosted zone and sets both together.
    [P.domainName]: {
      Type: 'String',
      Default: '',
      AllowedPattern: optional(V.domain),
      ConstraintDescription: 'empty, or a lower-case DNS name such as api.example.com',
      Description:
        'Custom domain for the API (e.g. api.example.com). Empty serves the API only on its execute-api URL. When set, HostedZoneId must name the public Route 53 zone that holds it.',
    },
    [P.hostedZoneId]: {
      Type: 'String',
      Default: '',
      AllowedPattern: optional(V.hostedZoneId),
      ConstraintDescription: 'empty, or a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
      Description:
        "Route 53 public hosted zone for DomainName; the certificate's validation record and the alias records are written there. Required when DomainName is set.",
    },
    [P.memorySize]: { Type: 'Number', Default: fn.memorySize, MinValue: 128, MaxValue: 10240, Description: 'Function memory in MB (CPU scales with it).' },
    // API Gateway gives up on an integration after 29 seconds by default, so a longer run could not answer.
    [P.timeout]: { Type: 'Number', Default: fn.timeout, MinValue: 1, MaxValue: 29, Description: 'Function timeout in seconds.' },
    [P.logRetentionInDays]: {
      Type: 'Number',
      Default: model.logRetentionInDays,
      AllowedValues: [...LOG_RETENTION_DAYS],
      Description: "Days CloudWatch Logs keeps the function's log lines.",
    },
    [P.userPoolDeletionProtection]: {
      Type: 'String',
      Default: model.pool.deletionProtection,
      AllowedValues: ['ACTIVE', 'INACTIVE'],
      Description: 'ACTIVE refuses deletion of the user pool (and so of its users) until it is set to INACTIVE.',
    },
    [P.passwordMinimumLength]: { Type: 'Number', Default: policy.minimumLength, MinValue: 6, MaxValue: 99, Description: 'Minimum password length.' },
    [P.passwordRequireUppercase]: flag('Passwords must contain an upper-case letter.', policy.requireUppercase),
    [P.passwordRequireLowercase]: flag('Passwords must contain a lower-case letter.', policy.requireLowercase),
    [P.passwordRequireNumbers]: flag('Passwords must contain a digit.', policy.requireNumbers),
    [P.passwordRequireSymbols]: flag('Passwords must contain a symbol.', policy.requireSymbols),
    [P.sesIdentityArn]: {
      Type: 'String',
      Default: model.pool.ses?.identityArn ?? '',
      AllowedPattern: optional(V.sesIdentityArn),
      ConstraintDescription: 'empty, or an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<address or domain>)',
      Description: "Verified SES identity that sends the confirmation emails. Empty uses Cognito's own sender, which is limited to a few emails a day.",
    },
    [P.sesFromAddress]: {
      Type: 'String',
      Default: model.pool.ses?.fromAddress ?? '',
      AllowedPattern: optional(V.sesFromAddress),
      ConstraintDescription: 'empty, or an email address, optionally with a display name',
      Description: 'Optional From address for emails sent through SES (e.g. "Example <no-reply@example.com>"); only used with SesIdentityArn.',
    },
    [P.userGroups]: {
      Type: 'String',
      Default: model.groups.join(','),
      AllowedPattern: optional(`^${GROUP}(,${GROUP}){0,${MAX_GROUPS - 1}}$`),
      ConstraintDescription: `empty, or up to ${MAX_GROUPS} group names separated by commas (letters, digits and + = . @ - _)`,
      Description: `The user pool groups the app declares, comma-separated (e.g. admin,editor; at most ${MAX_GROUPS}). Tokens carry a user's groups in cognito:groups.`,
    },
    [P.accessTokenValidityMinutes]: {
      Type: 'Number',
      Default: model.client.accessTokenValidityMinutes,
      MinValue: 5,
      MaxValue: 1440,
      Description: 'Access token lifetime in minutes (5 minutes to 1 day).',
    },
    [P.idTokenValidityMinutes]: {
      Type: 'Number',
      Default: model.client.idTokenValidityMinutes,
      MinValue: 5,
      MaxValue: 1440,
      Description: 'ID token lifetime in minutes (5 minutes to 1 day).',
    },
    [P.refreshTokenValidityDays]: {
      Type: 'Number',
      Default: model.client.refreshTokenValidityDays,
      MinValue: 1,
      MaxValue: 3650,
      Description: 'Refresh token lifetime in days (1 day to 10 years).',
    },
    [P.authDomainPrefix]: {
      Type: 'String',
      Default: model.hostedSignIn.domainPrefix ?? '',
      AllowedPattern: '^$|^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
      ConstraintDescription: 'empty, or lower-case letters, digits and hyphens (at most 63), not starting or ending with a hyphen',
      Description:
        'Prefix of the user pool domain that serves the hosted sign-in (<prefix>.auth.<region>.amazoncognito.com). Empty uses <AuthDomainLabel>-<account id>, unique and the same on every deploy.',
    },
    [P.authDomainLabel]: {
      Type: 'String',
      Default: model.hostedSignIn.domainLabel,
      AllowedPattern: '^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$',
      ConstraintDescription: 'lower-case letters, digits and hyphens (at most 50), not starting or ending with a hyphen',
      Description: 'First part of the default domain prefix; `authstack deploy` sets it from the stack name (lower-cased).',
    },
    [P.callbackUrls]: {
      Type: 'String',
      Default: model.client.callbackUrls.join(','),
      AllowedPattern: '^[^,\\s]+(,[^,\\s]+)*$',
      ConstraintDescription: 'one or more URLs, separated by commas',
      Description: 'Comma-separated URLs the hosted sign-in may redirect to with the authorization code.',
    },
    [P.logoutUrls]: {
      Type: 'String',
      Default: model.client.logoutUrls.join(','),
      AllowedPattern: '^[^,\\s]+(,[^,\\s]+)*$',
      ConstraintDescription: 'one or more URLs, separated by commas',
      Description: 'Comma-separated URLs the hosted sign-in may redirect to after signing out.',
    },
  };
}

/** How the AWS console groups the parameters. */
export const PARAMETER_GROUPS: ReadonlyArray<{ label: string; parameters: readonly ParameterName[] }> = [
  { label: 'API', parameters: [P.stageName, P.throttlingRateLimit, P.throttlingBurstLimit, P.corsAllowOrigin] },
  { label: 'Custom domain (optional)', parameters: [P.domainName, P.hostedZoneId] },
  { label: 'Function', parameters: [P.memorySize, P.timeout, P.logRetentionInDays] },
  {
    label: 'User pool',
    parameters: [
      P.userPoolDeletionProtection,
      P.passwordMinimumLength,
      P.passwordRequireUppercase,
      P.passwordRequireLowercase,
      P.passwordRequireNumbers,
      P.passwordRequireSymbols,
      P.sesIdentityArn,
      P.sesFromAddress,
      P.userGroups,
    ],
  },
  { label: 'Tokens', parameters: [P.accessTokenValidityMinutes, P.idTokenValidityMinutes, P.refreshTokenValidityDays] },
  { label: 'Hosted sign-in (OAuth 2.0 / OpenID Connect)', parameters: [P.authDomainPrefix, P.authDomainLabel, P.callbackUrls, P.logoutUrls] },
];

/**
 * The parameter values for the settings a project or its flags set, and only those: a parameter not named keeps
 * its deployed value (UsePreviousValue), as it did before the model existed. The domain and its zone are deploy's
 * own (it resolves the zone), and not here.
 */
export function parameterValues(settings: StackSettings): Partial<Record<ParameterName, string>> {
  const values: Partial<Record<ParameterName, string>> = {};
  const set = (name: ParameterName, value: string | number | boolean | undefined) => {
    if (value !== undefined) values[name] = String(value);
  };
  set(P.stageName, settings.stage);
  set(P.logRetentionInDays, settings.logRetentionInDays);
  set(P.corsAllowOrigin, settings.corsOrigin);
  if (settings.groups !== undefined) set(P.userGroups, settings.groups.join(','));
  set(P.passwordMinimumLength, settings.passwordPolicy?.minimumLength);
  set(P.passwordRequireUppercase, settings.passwordPolicy?.requireUppercase);
  set(P.passwordRequireLowercase, settings.passwordPolicy?.requireLowercase);
  set(P.passwordRequireNumbers, settings.passwordPolicy?.requireNumbers);
  set(P.passwordRequireSymbols, settings.passwordPolicy?.requireSymbols);
  set(P.userPoolDeletionProtection, settings.deletionProtection);
  set(P.sesIdentityArn, settings.sesIdentityArn);
  set(P.sesFromAddress, settings.sesFromAddress);
  set(P.accessTokenValidityMinutes, settings.accessTokenValidityMinutes);
  set(P.idTokenValidityMinutes, settings.idTokenValidityMinutes);
  set(P.refreshTokenValidityDays, settings.refreshTokenValidityDays);
  if (settings.callbackUrls?.length) set(P.callbackUrls, settings.callbackUrls.join(','));
  if (settings.logoutUrls?.length) set(P.logoutUrls, settings.logoutUrls.join(','));
  set(P.authDomainPrefix, settings.authDomainPrefix);
  set(P.memorySize, settings.memorySize);
  set(P.timeout, settings.timeout);
  return values;
}
