/** The user pool, its app client, its domain and its groups. */
import { MAX_GROUPS, type StackModel } from '../../core/stack-model.js';
import { LOGICAL_IDS, PARAMETERS as P, type CfnResource } from '../template.js';
import { and, condition, equals, ifThen, isSet, NO_VALUE, not, ref, select, split, sub } from './intrinsics.js';

/**
 * Users live in the pool: neither deleting the stack, nor removing the pool from the template, nor a replacing
 * update may take them with it. Only a pool made by a first create that rolls back is deleted: it holds no users
 * yet, and keeping it would leave one more pool (deletion protection on) behind each failed first deploy. The
 * client is kept the same way: replacing or removing it would change its id under every deployed caller.
 */
const KEPT = { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' } as const;

export const POOL_CONDITIONS = {
  HasSesIdentity: isSet(P.sesIdentityArn),
  HasAuthDomainPrefix: isSet(P.authDomainPrefix),
  HasSesFromAddress: and(condition('HasSesIdentity'), isSet(P.sesFromAddress)),
} as const;

/** UserGroups holds up to five names; padded with commas, so that every one of the five slots exists. */
function groupName(slot: number): unknown {
  return select(slot, split(',', sub(`\${${P.userGroups}},${','.repeat(MAX_GROUPS - 2)}`)));
}

export function groupConditions(): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: MAX_GROUPS }, (_, i) => [`HasGroup${i + 1}`, not(equals(groupName(i), ''))]));
}

export function poolResources(model: StackModel): Record<string, CfnResource> {
  const pool: CfnResource = {
    Type: 'AWS::Cognito::UserPool',
    ...KEPT,
    Properties: {
      UserPoolName: sub('${AWS::StackName}-users'),
      DeletionProtection: ref(P.userPoolDeletionProtection),
      UsernameAttributes: [...model.pool.usernameAttributes],
      AutoVerifiedAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      // TOTP is the one second factor (no SMS: no SMS role, no costs). MFA off writes nothing: Cognito's default.
      ...(model.pool.mfa === 'OFF' ? {} : { MfaConfiguration: model.pool.mfa, EnabledMfas: ['SOFTWARE_TOKEN_MFA'] }),
      Policies: {
        PasswordPolicy: {
          MinimumLength: ref(P.passwordMinimumLength),
          RequireUppercase: ref(P.passwordRequireUppercase),
          RequireLowercase: ref(P.passwordRequireLowercase),
          RequireNumbers: ref(P.passwordRequireNumbers),
          RequireSymbols: ref(P.passwordRequireSymbols),
          TemporaryPasswordValidityDays: model.pool.passwordPolicy.temporaryPasswordValidityDays,
        },
      },
      EmailConfiguration: ifThen(
        'HasSesIdentity',
        { EmailSendingAccount: 'DEVELOPER', SourceArn: ref(P.sesIdentityArn), From: ifThen('HasSesFromAddress', ref(P.sesFromAddress), NO_VALUE) },
        { EmailSendingAccount: 'COGNITO_DEFAULT' },
      ),
    },
  };
  const client: CfnResource = {
    Type: 'AWS::Cognito::UserPoolClient',
    ...KEPT,
    Properties: {
      UserPoolId: ref(LOGICAL_IDS.userPool),
      ClientName: sub('${AWS::StackName}-api'),
      GenerateSecret: false,
      ExplicitAuthFlows: [...model.client.explicitAuthFlows],
      PreventUserExistenceErrors: model.client.preventUserExistenceErrors,
      EnableTokenRevocation: model.client.enableTokenRevocation,
      AccessTokenValidity: ref(P.accessTokenValidityMinutes),
      IdTokenValidity: ref(P.idTokenValidityMinutes),
      RefreshTokenValidity: ref(P.refreshTokenValidityDays),
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      // The hosted sign-in, with Cognito's own users as the only identity provider.
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: [...model.client.oauthFlows],
      AllowedOAuthScopes: [...model.client.oauthScopes],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: split(',', ref(P.callbackUrls)),
      LogoutURLs: split(',', ref(P.logoutUrls)),
    },
  };
  // The domain of the hosted sign-in pages and OAuth endpoints (a prefix domain; custom domains are not offered).
  const domain: CfnResource = {
    Type: 'AWS::Cognito::UserPoolDomain',
    Properties: {
      UserPoolId: ref(LOGICAL_IDS.userPool),
      Domain: ifThen('HasAuthDomainPrefix', ref(P.authDomainPrefix), sub(`\${${P.authDomainLabel}}-\${AWS::AccountId}`)),
    },
  };
  const resources: Record<string, CfnResource> = { [LOGICAL_IDS.userPool]: pool, [LOGICAL_IDS.userPoolClient]: client, UserPoolDomain: domain };
  // One resource per slot of UserGroups; a slot left empty creates nothing.
  for (let i = 0; i < MAX_GROUPS; i++) {
    resources[`UserPoolGroup${i + 1}`] = {
      Type: 'AWS::Cognito::UserPoolGroup',
      Condition: `HasGroup${i + 1}`,
      Properties: {
        UserPoolId: ref(LOGICAL_IDS.userPool),
        GroupName: groupName(i),
        Description: sub('Declared by authstack deploy (stack ${AWS::StackName})'),
      },
    };
  }
  return resources;
}
