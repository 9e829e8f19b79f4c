/**
 * What each command prints with `--json` (one document on stdout; errors are `ErrorResult`). The types are the
 * contract scripts rely on: the commands build their documents as these types, and a test checks the printed
 * documents against JSON schemas generated from this file. It imports only types that import nothing, so the
 * schema generator reads this file and not the whole tree.
 */
import type { HealthCheck } from '../core/health.js';
import type { ProfileBody } from '../lambda/types.js';
import type { PoolUser } from '../core/users.js';

/** Any failure with --json. */
export interface ErrorResult {
  error: {
    code: string;
    message: string;
    [detail: string]: unknown;
  };
}

/** Where Cognito sent a confirmation code, as the API reports it (`destination` is masked: a***@e***). */
export interface CodeDelivery {
  destination: string | null;
  deliveryMedium: string | null;
  attributeName: string | null;
}

/** `authstack signup --json`: Cognito's answer to the sign-up. */
export interface SignupResult {
  username: string;
  userSub?: string;
  userConfirmed?: boolean;
  codeDeliveryDetails?: CodeDelivery | null;
}

/** `authstack login --json`. */
export interface LoginResult {
  username: string;
  /** The target's name: `local`, a stack name, or `custom`. */
  target: string;
  /** How the user signed in: `srp` (USER_SRP_AUTH), `password` (USER_PASSWORD_AUTH), or `browser` (hosted sign-in). */
  authFlow: 'srp' | 'password' | 'browser';
  /** When the access token expires (ISO 8601). */
  expiresAt: string;
  /** The file the tokens were saved in. */
  tokenStore: string;
}

/** `authstack logout --json`. */
export type LogoutResult =
  | { loggedOut: false; reason: string }
  | { loggedOut: true; username: string /** Whether Cognito signed the user out of every device. */; globalSignOut: boolean; reason?: string };

/** `authstack token --json`. */
export interface TokenResult {
  tokenType: 'access' | 'id';
  token: string;
  /** When the token expires (ISO 8601). */
  expiresAt: string;
  /** True when it was refreshed for this call. */
  refreshed: boolean;
  username: string;
}

/** `authstack validate --json`: a confirmation, or (with --resend) a new code sent. */
export type ValidateResult =
  | { username: string; status: 'Confirmed' /** Where the code came from. */; codeSource: 'argument' | 'mailbox' | 'prompt' }
  /** The user was confirmed before: already done is success. */
  | { username: string; status: 'AlreadyConfirmed' }
  | { username: string; resent: true; codeDeliveryDetails?: CodeDelivery | null };

/** `authstack smoke --json`: every step with its outcome and time. */
export interface SmokeResult {
  ok: boolean;
  /** The target's name. */
  target: string;
  /** The throw-away user it signed up. */
  username?: string;
  steps: Array<{ name: string; status: 'passed' | 'failed' | 'skipped'; ms: number; message?: string }>;
  failedStep?: string;
  totalMs: number;
}

/** `authstack outputs --json`: the stack's outputs, by name. */
export type OutputsResult = Record<string, string>;

/** `authstack synth --json`: the template deploy would send, and what it was generated with. */
export interface SynthResult {
  stackName: string;
  /** Absolute path of the file written, with --out. */
  file?: string;
  /** Each function's zip, by function id: the template's S3 keys name these hashes (hex SHA-256). */
  assets: Record<string, { sha256: string }>;
  /** The CloudFormation template, as the JSON text deploy sends parses. */
  template: {
    AWSTemplateFormatVersion?: string;
    Description?: string;
    Parameters?: Record<string, unknown>;
    Metadata?: Record<string, unknown>;
    Rules?: Record<string, unknown>;
    Conditions?: Record<string, unknown>;
    Resources: Record<string, { Type: string; [key: string]: unknown }>;
    Outputs?: Record<string, { Value: unknown; Description?: string; Condition?: string }>;
  };
}

/** `authstack outputs --format amplify|env --json`: the front-end configuration file written. */
export interface OutputsFileResult {
  format: 'amplify' | 'env';
  /** Absolute path of the file written. */
  file: string;
  /** The target's name, and whether it is the local stack or a deployed one. */
  target: string;
  kind: 'local' | 'aws';
  /** True when a file authstack wrote before was replaced. */
  overwritten: boolean;
}

/** `authstack package --json`. */
export interface PackageResult {
  /** The zip's absolute path. */
  file: string;
  /** The zip's size in bytes. */
  size: number;
  /** The bundled handler's size in bytes, before compression. */
  bundleSize: number;
  /** The zip's SHA-256, hex. */
  sha256: string;
}

/** `authstack destroy --json`. */
export interface DestroyResult {
  stackName: string;
  region: string;
  outcome: 'deleted' | 'not-found';
  userPoolId?: string;
  /** Users the pool held when it was deleted (with --delete-user-pool). */
  users?: number;
  userPoolDeleted: boolean;
  /** The stack's pictures bucket, when it has one. */
  picturesBucket?: string;
  /** Object versions and delete markers removed from it (with --delete-pictures). */
  pictureObjects?: number;
  picturesDeleted: boolean;
}

/** `authstack logs --json` (not with --follow). */
export interface LogsResult {
  logGroupName: string;
  events: Array<{
    /** ISO 8601. */
    timestamp: string;
    message: string;
    /** The function's per-request record, when the line is one. */
    request?: Record<string, unknown>;
  }>;
}

/** `authstack dev --json`: printed once, as soon as the local stack is ready. */
export interface DevResult {
  apiUrl: string;
  cognitoEndpoint: string;
  userPoolId: string;
  clientId: string;
  region: string;
  /** The local stack's data folder (users, mailbox). */
  dataDir: string;
  /** The local OpenID Connect issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  /** The hosted sign-in page for the local app client and the default callback URL. */
  signInUrl: string;
  /** The local console (users, mailbox, API requests); absent with --no-console. */
  consoleUrl?: string;
  /** The pictures' CDN base URL (the AWS target's `PicturesUrl`); only with pictures on. */
  picturesUrl?: string;
  /** Milliseconds from start to ready. */
  readyMs: number;
}

/** `authstack status --json`. */
/** `authstack status --json` on the local target: the local stack's settings and whether `authstack dev` answers. */
export interface LocalStatusResult {
  target: string;
  kind: 'local';
  apiUrl: string;
  cognitoEndpoint?: string;
  userPoolId: string;
  clientId: string;
  region: string;
  dataDir?: string;
  /** Whether anything answered at the API URL; absent with --no-health-check. */
  running?: boolean;
  health?: HealthCheck;
}

export interface StatusResult {
  stackName: string;
  region: string;
  /** CloudFormation's stack status, e.g. `UPDATE_COMPLETE`. */
  status: string;
  statusReason?: string;
  outputs: Record<string, string>;
  /** The custom domain's certificate, when there is one. */
  certificate?: { arn: string; status: string; validationRecord?: string };
  lastDeploy?: { codeLastModified?: string; codeSha256?: string; lastUpdateStatus?: string; stackLastUpdated?: string; fromThisMachine?: string };
  health?: HealthCheck;
}

/** One resource of a change set. */
export interface ChangeRow {
  action: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** `True`, `False` or `Conditional` for a Modify; empty for Add and Remove. */
  replacement: string;
}

/** `authstack deploy --json`: the change set alone (--no-execute), or the deployed stack. */
export type DeployResult =
  | { outcome: 'change-set-only'; stackName: string; region: string; changeSetId?: string; changes: ChangeRow[] }
  | {
      outcome: 'no-changes' | 'code-only' | 'created' | 'updated';
      stackName: string;
      region: string;
      outputs: Record<string, string>;
      /** Base64 SHA-256 of the code now live, as Lambda reports it. */
      codeSha256: string;
      codeUploaded: boolean;
      changes: ChangeRow[];
      /** Absent with --no-health-check, or when nothing changed. */
      health?: HealthCheck;
    };

/** `authstack profile --json`: the API's answer to GET /user/profile. */
export type ProfileResult = ProfileBody;

/** `authstack health --json`. */
export type HealthResult = HealthCheck;

/** `authstack iam-policy --json`: an IAM policy document, as IAM takes it. */
export interface IamPolicyResult {
  Version: '2012-10-17';
  Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: string[] }>;
}

/** `authstack password forgot --json`. The app client hides whether the account exists, and so does this. */
export interface PasswordForgotResult {
  username: string;
  codeDeliveryDetails: CodeDelivery;
  note: 'if the account exists, a code was sent';
}

/** `authstack password reset --json`. */
export interface PasswordResetResult {
  username: string;
  passwordReset: true;
  /** Where the code came from. */
  codeSource: 'argument' | 'mailbox' | 'prompt';
}

/** `authstack password change --json`. */
export interface PasswordChangeResult {
  username: string;
  passwordChanged: true;
}

/** `authstack account delete --json`. */
export interface AccountDeleteResult {
  username: string;
  deleted: true;
}

/** `authstack whoami --json`: read from the saved tokens, without the network. */
export interface WhoamiResult {
  username: string;
  sub?: string;
  email?: string;
  /** The groups the access token carries (cognito:groups). */
  groups: string[];
  /** The target's name: `local`, a stack name, or `custom`. */
  target: string;
  kind: 'local' | 'aws';
  userPoolId: string;
  /** When the access token expires (ISO 8601). */
  expiresAt: string;
  expired: boolean;
  /** True when a refresh token is kept (the next call refreshes an expired session). */
  refreshable: boolean;
}

/** One user of the pool, as the `users` commands show it. */
export type UserResult = PoolUser;

/** `authstack users list --json`: `nextToken` continues a list cut by --limit. */
export interface UsersListResult {
  users: UserResult[];
  nextToken?: string;
}

/** `authstack users confirm|disable|enable|delete|reset-password|sign-out --json`: what was done to whom. */
export type UserActionResult =
  | { username: string; confirmed: true }
  | { username: string; disabled: true }
  | { username: string; enabled: true }
  | { username: string; deleted: true }
  | { username: string; passwordReset: true }
  | { username: string; signedOut: true };

/** `authstack users groups add|remove --json`. */
export type UserGroupChangeResult = { username: string; group: string; added: true } | { username: string; group: string; removed: true };

/** `authstack users groups list [email] --json`: the pool's groups, or the user's. */
export interface UsersGroupsListResult {
  username?: string;
  groups: string[];
}

/** `authstack users import --json`: who was created, and who existed already (left as they were). */
export interface UsersImportResult {
  /** The seed file's absolute path. */
  file: string;
  /** The target's name: `local`, a stack name, or `custom`. */
  target: string;
  created: string[];
  skipped: string[];
}

/** One row of `authstack routes --json` (the document is an array of these). */
export interface RouteRow {
  method: string;
  /** The API Gateway path, such as `/notes/{id}`. */
  path: string;
  /** `public`, `signed-in`, `scopes: a, b`, `groups: a`, or `built-in` (the API's own routes check tokens themselves). */
  access: string;
  /** `api/notes.ts#get`, or `built-in`. */
  handler: string;
  /** The full URL on the current target; null when no target is recorded yet (no `dev` or `deploy` so far). */
  url: string | null;
}

/** `authstack routes --json`. */
export type RoutesResult = RouteRow[];

/** `authstack init --json`. */
export interface InitResult {
  dir: string;
  /** Files written, relative to `dir`. */
  written: string[];
  /** Files that existed and were left as they are. */
  kept: string[];
}

/** `authstack mfa setup --json` (the secret to enter, then `mfa verify <code>`) and `mfa verify --json`. */
export interface MfaSetupResult {
  username: string;
  /** `pending`: associated, waiting for `authstack mfa verify <code>`; `on`: verified, on and preferred. */
  totp: 'pending' | 'on';
  /** The base32 secret and the `otpauth://` URI for the app (only while pending). */
  secret?: string;
  uri?: string;
}

/** `authstack mfa status --json` and `mfa disable --json`. */
export interface MfaStatusResult {
  username: string;
  totp: 'on' | 'off';
  /** Cognito's PreferredMfaSetting, e.g. `SOFTWARE_TOKEN_MFA`. */
  preferred?: string;
}

/** `picture set` (with the version and the bytes sent) and `picture url`. */
export interface PictureResult {
  /** The picture's public URL; null when there is none. */
  picture: string | null;
  version?: string;
  bytes?: number;
}

/** `picture remove`. */
export interface PictureRemoveResult {
  picture: null;
  /** Objects removed (the picture, its thumbnail, pending uploads). */
  removed: number;
}
