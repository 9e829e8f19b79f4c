/**
 * The events Cognito sends the project's triggers and the answers it reads, as the Cognito developer guide's
 * trigger pages give them (the same shapes locally and on AWS). Types only: nothing here is bundled.
 */

/** Every trigger event's common part. */
export interface TriggerEventBase<Source extends string> {
  version: string;
  triggerSource: Source;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
}

type StringMap = Record<string, string>;

export interface PreSignUpEvent extends TriggerEventBase<'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser' | 'PreSignUp_ExternalProvider'> {
  request: { userAttributes: StringMap; validationData: StringMap | null; clientMetadata?: StringMap };
  response: { autoConfirmUser: boolean; autoVerifyEmail: boolean; autoVerifyPhone: boolean };
}

export interface PostConfirmationEvent extends TriggerEventBase<'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword'> {
  request: { userAttributes: StringMap; clientMetadata?: StringMap };
  response: Record<string, never>;
}

export interface PreAuthenticationEvent extends TriggerEventBase<'PreAuthentication_Authentication'> {
  request: { userAttributes: StringMap; validationData?: StringMap; userNotFound?: boolean };
  response: Record<string, never>;
}

export interface PostAuthenticationEvent extends TriggerEventBase<'PostAuthentication_Authentication'> {
  request: { userAttributes: StringMap; newDeviceUsed: boolean; clientMetadata?: StringMap };
  response: Record<string, never>;
}

/** A claim's value in a V2 answer: a string, number, boolean, or a list or object of them. */
export type ClaimValue = string | number | boolean | ClaimValue[] | { [key: string]: ClaimValue };

export interface PreTokenGenerationV2Event
  extends TriggerEventBase<
    | 'TokenGeneration_HostedAuth'
    | 'TokenGeneration_Authentication'
    | 'TokenGeneration_NewPasswordChallenge'
    | 'TokenGeneration_AuthenticateDevice'
    | 'TokenGeneration_RefreshTokens'
  > {
  request: {
    userAttributes: StringMap;
    scopes: string[];
    groupConfiguration: { groupsToOverride: string[]; iamRolesToOverride: string[]; preferredRole: string | null };
    clientMetadata?: StringMap;
  };
  response: {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration?: { claimsToAddOrOverride?: Record<string, ClaimValue>; claimsToSuppress?: string[] };
      accessTokenGeneration?: {
        claimsToAddOrOverride?: Record<string, ClaimValue>;
        claimsToSuppress?: string[];
        scopesToAdd?: string[];
        scopesToSuppress?: string[];
      };
      groupOverrideDetails?: { groupsToOverride?: string[]; iamRolesToOverride?: string[]; preferredRole?: string };
    } | null;
  };
}

export interface CustomMessageEvent
  extends TriggerEventBase<
    | 'CustomMessage_SignUp'
    | 'CustomMessage_AdminCreateUser'
    | 'CustomMessage_ResendCode'
    | 'CustomMessage_ForgotPassword'
    | 'CustomMessage_UpdateUserAttribute'
    | 'CustomMessage_VerifyUserAttribute'
    | 'CustomMessage_Authentication'
  > {
  request: { userAttributes: StringMap; codeParameter: string; linkParameter: string; usernameParameter: string | null; clientMetadata?: StringMap };
  response: { smsMessage: string | null; emailMessage: string | null; emailSubject: string | null };
}

/** A trigger's handler: the event in, the (changed) event out. */
export type TriggerHandler<E> = (event: E, context: unknown) => Promise<E> | E;
