/**
 * Where the local Cognito fires each trigger, and what it does with the answer:
 * - pre sign-up: SignUp (`PreSignUp_SignUp`: `autoConfirmUser`, `autoVerifyEmail`, `autoVerifyPhone` honoured) and
 *   AdminCreateUser (`PreSignUp_AdminCreateUser`: the flags are ignored, as Cognito ignores them), before the user
 *   exists, so a refusal leaves no user behind;
 * - post confirmation: ConfirmSignUp, AdminConfirmSignUp and an auto-confirmed SignUp (`PostConfirmation_ConfirmSignUp`),
 *   ConfirmForgotPassword (`PostConfirmation_ConfirmForgotPassword`);
 * - pre and post authentication: every sign-in (`PreAuthentication_Authentication` before the password is checked,
 *   `PostAuthentication_Authentication` once every challenge is answered);
 * - pre token generation (V2_0): every token issue, applied to the ID and the access token
 *   (`TokenGeneration_Authentication`, `_NewPasswordChallenge`, `_RefreshTokens`, `_HostedAuth` for the hosted
 *   sign-in's code exchange); the claims Cognito does not let a trigger touch are left as Cognito wrote them;
 * - custom message: every code the pool sends (`CustomMessage_SignUp`, `_ResendCode`, `_ForgotPassword`,
 *   `_AdminCreateUser`, ...), its subject and text kept with the code in the mailbox.
 */
import type { Attribute, AppClient, CognitoLocalContext, LocalUser, MessageSource } from '../cognito-local-modules.js';
import { attributeMap, responseOf, triggerScope, type LocalTriggers } from './triggers.js';

type Json = Record<string, unknown>;

/**
 * The claims a pre token generation trigger may not add, change or suppress (Cognito's list:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html), plus, in
 * the access token, what only Cognito writes there (its scopes change through scopesToAdd / scopesToSuppress).
 */
const RESERVED_CLAIMS = [
  'acr',
  'amr',
  'aud',
  'at_hash',
  'auth_time',
  'azp',
  'cognito:username',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'sub',
  'token_use',
] as const;
const RESERVED_ACCESS_CLAIMS = ['client_id', 'event_id', 'scope', 'username', 'version', 'device_key'] as const;

const reserved = (claim: string, access: boolean): boolean =>
  (RESERVED_CLAIMS as readonly string[]).includes(claim) ||
  claim.startsWith('dev:') ||
  (access && (RESERVED_ACCESS_CLAIMS as readonly string[]).includes(claim));

/** cognito-local's `triggers` service, answered by ours: its own targets fire pre sign-up and post confirmation. */
export function cognitoLocalTriggers(triggers: LocalTriggers) {
  return {
    enabled: (name: string): boolean =>
      (name === 'PreSignUp' && triggers.has('preSignUp')) || (name === 'PostConfirmation' && triggers.has('postConfirmation')),
    async preSignUp(
      _ctx: CognitoLocalContext,
      p: {
        clientId: string;
        clientMetadata?: Record<string, string>;
        source: string;
        userAttributes: Attribute[];
        username: string;
        userPoolId: string;
        validationData?: Record<string, string>;
      },
    ) {
      const event = await triggers.fire(
        'preSignUp',
        p.source,
        { userPoolId: p.userPoolId, userName: p.username, clientId: p.clientId },
        {
          userAttributes: attributeMap(p.userAttributes),
          validationData: p.validationData ?? triggerScope().validationData ?? null,
          clientMetadata: p.clientMetadata ?? {},
        },
        { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      );
      const response = responseOf(event);
      // AdminCreateUser ignores the flags: an invited user confirms by choosing a password.
      if (p.source !== 'PreSignUp_SignUp') return { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false };
      return {
        autoConfirmUser: response.autoConfirmUser === true,
        autoVerifyEmail: response.autoVerifyEmail === true,
        autoVerifyPhone: response.autoVerifyPhone === true,
      };
    },
    async postConfirmation(
      _ctx: CognitoLocalContext,
      p: {
        source: string;
        clientId: string | null;
        clientMetadata?: Record<string, string>;
        userAttributes: Attribute[];
        username: string;
        userPoolId: string;
      },
    ): Promise<void> {
      await triggers.fire(
        'postConfirmation',
        p.source,
        { userPoolId: p.userPoolId, userName: p.username, clientId: p.clientId },
        { userAttributes: attributeMap(p.userAttributes), clientMetadata: p.clientMetadata ?? {} },
        {},
      );
    },
  };
}

/** Pre sign-up for AdminCreateUser, which cognito-local does not fire: before the user exists. */
export async function preSignUpForAdminCreate(
  triggers: LocalTriggers,
  userPoolId: string,
  input: { Username?: unknown; UserAttributes?: unknown; ValidationData?: unknown; ClientMetadata?: unknown },
): Promise<void> {
  if (!triggers.has('preSignUp')) return;
  const attributes = Array.isArray(input.UserAttributes) ? (input.UserAttributes as Attribute[]) : [];
  await triggers.fire(
    'preSignUp',
    'PreSignUp_AdminCreateUser',
    { userPoolId, userName: String(input.Username ?? ''), clientId: null },
    {
      userAttributes: attributeMap(attributes),
      validationData: Array.isArray(input.ValidationData) ? attributeMap(input.ValidationData as Attribute[]) : null,
      clientMetadata: isStringMap(input.ClientMetadata) ? input.ClientMetadata : {},
    },
    { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  );
}

/** Pre authentication: the user exists and is about to prove who they are. */
export async function preAuthentication(
  triggers: LocalTriggers,
  userPoolId: string,
  user: LocalUser,
  clientId: string,
  clientMetadata?: unknown,
): Promise<void> {
  await triggers.fire(
    'preAuthentication',
    'PreAuthentication_Authentication',
    { userPoolId, userName: user.Username, clientId },
    { userAttributes: attributeMap(user.Attributes), validationData: isStringMap(clientMetadata) ? clientMetadata : {}, userNotFound: false },
    {},
  );
}

/** Post authentication: the user proved who they are (every challenge answered); tokens follow. */
export async function postAuthentication(
  triggers: LocalTriggers,
  userPoolId: string,
  user: LocalUser,
  clientId: string,
  clientMetadata?: unknown,
): Promise<void> {
  await triggers.fire(
    'postAuthentication',
    'PostAuthentication_Authentication',
    { userPoolId, userName: user.Username, clientId },
    { userAttributes: attributeMap(user.Attributes), newDeviceUsed: false, clientMetadata: isStringMap(clientMetadata) ? clientMetadata : {} },
    {},
  );
}

/** What a pre token generation answer changes in the tokens. */
export interface TokenChanges {
  id: (claims: Json) => void;
  access: (claims: Json) => void;
}

/** The token generator's source → Cognito's `triggerSource` (a hosted sign-in's code exchange: HostedAuth). */
function tokenSource(source: string): string | undefined {
  const { hosted, tokenSource: override } = triggerScope();
  if (override) return `TokenGeneration_${override}`;
  // The hosted pages' own sign-in keeps only the refresh token: its tokens are issued at the code exchange.
  if (hosted && source !== 'RefreshTokens') return undefined;
  return `TokenGeneration_${source}`;
}

/**
 * Pre token generation V2_0 for tokens about to be issued: the event (user attributes, groups, the access token's
 * scopes), then the answer applied to both tokens. Undefined when the trigger is not declared or not fired here.
 */
export async function preTokenGeneration(
  triggers: LocalTriggers,
  input: { user: LocalUser; groups: readonly string[]; client: AppClient; clientMetadata?: Record<string, string>; source: string; scopes: readonly string[] },
): Promise<TokenChanges | undefined> {
  if (!triggers.has('preTokenGeneration')) return undefined;
  const source = tokenSource(input.source);
  if (!source) return undefined;
  const event = await triggers.fire(
    'preTokenGeneration',
    source,
    { userPoolId: input.client.UserPoolId, userName: input.user.Username, clientId: input.client.ClientId },
    {
      userAttributes: attributeMap(input.user.Attributes),
      scopes: [...input.scopes],
      groupConfiguration: { groupsToOverride: [...input.groups], iamRolesToOverride: [], preferredRole: null },
      clientMetadata: input.clientMetadata ?? {},
    },
    { claimsAndScopeOverrideDetails: null },
    '2',
  );
  const details = objectAt(responseOf(event), 'claimsAndScopeOverrideDetails');
  const idGen = objectAt(details, 'idTokenGeneration');
  const accessGen = objectAt(details, 'accessTokenGeneration');
  const groups = objectAt(details, 'groupOverrideDetails');
  const groupsToOverride = Array.isArray(groups.groupsToOverride) ? groups.groupsToOverride.map(String) : undefined;
  const apply = (claims: Json, generation: Json, access: boolean): void => {
    for (const [claim, value] of Object.entries(objectAt(generation, 'claimsToAddOrOverride'))) if (!reserved(claim, access)) claims[claim] = value;
    for (const claim of stringList(generation.claimsToSuppress)) if (!reserved(claim, access)) delete claims[claim];
    if (groupsToOverride) {
      if (groupsToOverride.length > 0) claims['cognito:groups'] = groupsToOverride;
      else delete claims['cognito:groups'];
    }
  };
  return {
    id: (claims) => apply(claims, idGen, false),
    access: (claims) => {
      apply(claims, accessGen, true);
      const scopes = new Set(
        String(claims.scope ?? '')
          .split(' ')
          .filter(Boolean),
      );
      for (const s of stringList(accessGen.scopesToAdd)) scopes.add(s);
      for (const s of stringList(accessGen.scopesToSuppress)) scopes.delete(s);
      claims.scope = [...scopes].join(' ');
    },
  };
}

/** The mailbox kinds' sources, as Cognito names the custom message's trigger sources. */
const MESSAGE_SOURCES: Record<MessageSource, string> = {
  SignUp: 'CustomMessage_SignUp',
  ResendCode: 'CustomMessage_ResendCode',
  ForgotPassword: 'CustomMessage_ForgotPassword',
  AdminCreateUser: 'CustomMessage_AdminCreateUser',
  UpdateUserAttribute: 'CustomMessage_UpdateUserAttribute',
  VerifyUserAttribute: 'CustomMessage_VerifyUserAttribute',
  Authentication: 'CustomMessage_Authentication',
};

/** The custom message for a code about to be sent: its subject and text with the code (and username) filled in. */
export async function customMessage(
  triggers: LocalTriggers,
  input: { source: MessageSource; userPoolId: string; clientId: string | null; user: LocalUser; code: string; clientMetadata?: Record<string, string> },
): Promise<{ subject?: string; text?: string } | undefined> {
  if (!triggers.has('customMessage')) return undefined;
  const admin = input.source === 'AdminCreateUser';
  const event = await triggers.fire(
    'customMessage',
    MESSAGE_SOURCES[input.source],
    { userPoolId: input.userPoolId, userName: input.user.Username, clientId: input.clientId },
    {
      userAttributes: attributeMap(input.user.Attributes),
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      usernameParameter: admin ? '{username}' : null,
      clientMetadata: input.clientMetadata ?? {},
    },
    { smsMessage: null, emailMessage: null, emailSubject: null },
  );
  const response = responseOf(event);
  const fill = (text: unknown): string | undefined =>
    typeof text === 'string' ? text.replaceAll('{####}', input.code).replaceAll('{username}', input.user.Username) : undefined;
  const subject = fill(response.emailSubject);
  const text = fill(response.emailMessage);
  return { ...(subject === undefined ? {} : { subject }), ...(text === undefined ? {} : { text }) };
}

function objectAt(value: Json, key: string): Json {
  const found = value?.[key];
  return found && typeof found === 'object' && !Array.isArray(found) ? (found as Json) : {};
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function isStringMap(value: unknown): value is Record<string, string> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
