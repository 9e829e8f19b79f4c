/**
 * The IAM policy a deploying identity (a CI role, say) needs for authstack's commands, in one place: what each
 * command calls itself, and what CloudFormation calls with the same credentials to create, update and delete the
 * template's resources (a stack deployed without a service role acts with the caller's permissions).
 *
 * Scoped to the stack's own resources where IAM can name them before they exist: the stack by name, the
 * function, log group and role by the `<stack>-` prefix CloudFormation gives their names, the artifact bucket by
 * its name (`authstack-assets-<account>-<region>`) and its objects by the `functions/` prefix, the stack's pictures
 * bucket by its name (`<stack slug>-<hash>-pictures-<account>-<region>`). Cognito user pools,
 * certificates and API Gateway APIs get ids only when created, so those statements name the service's resources
 * in the region, and creating them cannot be scoped at all (`*`, as the IAM service authorization reference says
 * for CreateUserPool, RequestCertificate and POST /restapis).
 *
 * A later feature adds its calls to `STATEMENTS`, the one list; `test/unit/deploy/iam-policy.test.ts` runs the
 * commands against the fake AWS account and checks every call they make is allowed, so the two cannot drift.
 */
import { picturesBucketSub } from './template/pictures.js';

export interface PolicyScope {
  stackName: string;
  /** The stack's region; `*` when unknown. */
  region?: string;
  /** The AWS account id; `*` when unknown. */
  accountId?: string;
  /** `aws`, or `aws-cn`, `aws-us-gov`. Default `aws`. */
  partition?: string;
}

interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

interface StatementTemplate {
  sid: string;
  /** Which commands need it, for the README and `--json`. */
  for: string;
  actions: string[];
  resources: (arn: Arns) => string[];
}

interface Arns {
  stack: string;
  fn: string;
  logGroup: string;
  role: string;
  userPools: string;
  apiGateway: (path: string) => string;
  bucket: string;
  picturesBucket: string;
  cloudFront: (path: string) => string;
}

const STATEMENTS: StatementTemplate[] = [
  {
    sid: 'Stack',
    for: 'deploy, status, outputs, logs, destroy',
    actions: [
      'cloudformation:CreateChangeSet',
      'cloudformation:DescribeChangeSet',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:DeleteChangeSet',
      'cloudformation:ListChangeSets',
      'cloudformation:DescribeStacks',
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStackResource',
      'cloudformation:DescribeStackResources',
      'cloudformation:ListStackResources',
      'cloudformation:GetTemplate',
      'cloudformation:GetTemplateSummary',
      'cloudformation:ContinueUpdateRollback',
      'cloudformation:DeleteStack',
    ],
    resources: (a) => [a.stack],
  },
  {
    sid: 'TemplateChecks',
    for: 'deploy',
    actions: ['cloudformation:ValidateTemplate'],
    resources: () => ['*'],
  },
  {
    sid: 'ArtifactBucket',
    for: 'deploy: find the artifact bucket (HeadBucket), and create and secure it on first use',
    actions: [
      's3:ListBucket',
      's3:CreateBucket',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketOwnershipControls',
      's3:PutEncryptionConfiguration',
      's3:PutBucketVersioning',
      's3:PutLifecycleConfiguration',
      's3:PutBucketPolicy',
    ],
    resources: (a) => [a.bucket],
  },
  {
    sid: 'ArtifactObjects',
    for: "deploy: look for each zip (HeadObject) and store the missing ones; the stack: Lambda reads the zip with the caller's credentials",
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: (a) => [`${a.bucket}/functions/*`],
  },
  {
    sid: 'PicturesBucket',
    // ListObjectVersions is authorised as s3:ListBucketVersions (the Service Authorization Reference for S3).
    for: "destroy: count the pictures bucket's objects; destroy --delete-pictures: list every version, then delete the emptied bucket",
    actions: ['s3:ListBucketVersions', 's3:DeleteBucket'],
    resources: (a) => [a.picturesBucket],
  },
  {
    sid: 'StackPicturesBucket',
    // CloudFormation creates and configures the bucket with the deployer's credentials (the S3 API reference for each
    // property of AWS::S3::Bucket and AWS::S3::BucketPolicy).
    for: 'the stack (deploy with pictures on: CloudFormation creates and configures the pictures bucket, its policy and its notification)',
    actions: [
      's3:CreateBucket',
      's3:GetBucketLocation',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketOwnershipControls',
      's3:PutEncryptionConfiguration',
      's3:PutBucketCORS',
      's3:PutLifecycleConfiguration',
      's3:PutBucketNotification',
      's3:GetBucketNotification',
      's3:PutBucketPolicy',
      's3:GetBucketPolicy',
      's3:DeleteBucketPolicy',
      's3:PutBucketTagging',
    ],
    resources: (a) => [a.picturesBucket],
  },
  {
    sid: 'StackPicturesCdn',
    // CloudFront's resources have no region and are named by ids CloudFront chooses: the account's distributions,
    // origin access controls and cache policies.
    for: 'the stack (deploy with pictures on: CloudFormation creates, updates and deletes the CDN, its origin access control and cache policy)',
    actions: [
      'cloudfront:CreateDistribution',
      'cloudfront:UpdateDistribution',
      'cloudfront:GetDistribution',
      'cloudfront:GetDistributionConfig',
      'cloudfront:DeleteDistribution',
      'cloudfront:TagResource',
      'cloudfront:UntagResource',
      'cloudfront:ListTagsForResource',
      'cloudfront:CreateOriginAccessControl',
      'cloudfront:GetOriginAccessControl',
      'cloudfront:UpdateOriginAccessControl',
      'cloudfront:DeleteOriginAccessControl',
      'cloudfront:CreateCachePolicy',
      'cloudfront:GetCachePolicy',
      'cloudfront:UpdateCachePolicy',
      'cloudfront:DeleteCachePolicy',
    ],
    resources: (a) => [a.cloudFront('distribution/*'), a.cloudFront('origin-access-control/*'), a.cloudFront('cache-policy/*')],
  },
  {
    sid: 'PicturesObjects',
    // DeleteObjects is authorised per key: s3:DeleteObject, and s3:DeleteObjectVersion for a key with a version id.
    for: 'destroy --delete-pictures: delete every version and delete marker of the pictures bucket',
    actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
    resources: (a) => [`${a.picturesBucket}/*`],
  },
  {
    sid: 'Function',
    // CloudFormation makes these calls with the deployer's credentials: UpdateFunctionCode is its own, when a
    // function's zip changes in the template; authstack itself only reads the function (status).
    for: 'the stack (deploy: CloudFormation creates each function and updates its code from the artifact bucket; destroy), status, logs',
    actions: [
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:UpdateFunctionCode',
      'lambda:CreateFunction',
      'lambda:DeleteFunction',
      'lambda:UpdateFunctionConfiguration',
      'lambda:AddPermission',
      'lambda:RemovePermission',
      'lambda:TagResource',
      'lambda:UntagResource',
      'lambda:ListTags',
    ],
    resources: (a) => [a.fn],
  },
  {
    sid: 'FunctionLogs',
    for: "logs, and the stack (deploy: each function's own log group and its retention; destroy)",
    actions: [
      'logs:FilterLogEvents',
      'logs:CreateLogGroup',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:TagResource',
      'logs:UntagResource',
      'logs:ListTagsForResource',
    ],
    resources: (a) => [a.logGroup],
  },
  {
    sid: 'LogGroupLookup',
    for: 'the stack (deploy)',
    actions: ['logs:DescribeLogGroups'],
    resources: () => ['*'],
  },
  {
    sid: 'FunctionRole',
    // Each function has a role of its own (the API's and one per handler export), named <stack>-<logical id>-…
    for: "the stack (deploy: each function's own role, passed to that function; destroy)",
    actions: [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:GetRole',
      'iam:UpdateRoleDescription',
      'iam:PutRolePolicy',
      'iam:GetRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:PassRole',
    ],
    resources: (a) => [a.role],
  },
  {
    sid: 'UserPool',
    for: 'deploy, destroy --delete-user-pool, smoke (confirms and deletes its test user)',
    actions: [
      'cognito-idp:DescribeUserPool',
      'cognito-idp:UpdateUserPool',
      'cognito-idp:DeleteUserPool',
      'cognito-idp:DescribeUserPoolClient',
      'cognito-idp:CreateUserPoolClient',
      'cognito-idp:UpdateUserPoolClient',
      'cognito-idp:DeleteUserPoolClient',
      'cognito-idp:TagResource',
      'cognito-idp:UntagResource',
      'cognito-idp:ListTagsForResource',
      'cognito-idp:AdminConfirmSignUp',
      'cognito-idp:AdminDeleteUser',
      // The stack's UserPoolGroup resources (deploy --groups).
      'cognito-idp:CreateGroup',
      'cognito-idp:GetGroup',
      'cognito-idp:UpdateGroup',
      'cognito-idp:DeleteGroup',
    ],
    resources: (a) => [a.userPools],
  },
  {
    sid: 'UserAdministration',
    for: 'users (list, show, create, confirm, disable, enable, delete, reset-password, sign-out, groups, import)',
    actions: [
      'cognito-idp:ListUsers',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:AdminConfirmSignUp',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminResetUserPassword',
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminRemoveUserFromGroup',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:ListGroups',
    ],
    resources: (a) => [a.userPools],
  },
  {
    sid: 'CreateUserPool',
    for: 'the stack (first deploy)',
    actions: ['cognito-idp:CreateUserPool'],
    resources: () => ['*'],
  },
  {
    sid: 'Api',
    // The project's routes are resources, methods, a Cognito authorizer and gateway responses under /restapis/*.
    for: "the stack (deploy: the REST API, the routes' methods and preflights, their Cognito authorizer, the gateway responses; destroy)",
    actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
    resources: (a) => [
      a.apiGateway('/restapis'),
      a.apiGateway('/restapis/*'),
      a.apiGateway('/domainnames'),
      a.apiGateway('/domainnames/*'),
      a.apiGateway('/tags/*'),
    ],
  },
  {
    sid: 'CustomDomain',
    for: 'deploy --domain (certificate and DNS records), destroy',
    actions: [
      'acm:RequestCertificate',
      'acm:DescribeCertificate',
      'acm:DeleteCertificate',
      'acm:ListCertificates',
      'acm:AddTagsToCertificate',
      'route53:ListHostedZones',
      'route53:ListHostedZonesByName',
      'route53:GetHostedZone',
      'route53:ListResourceRecordSets',
      'route53:ChangeResourceRecordSets',
      'route53:GetChange',
    ],
    resources: () => ['*'],
  },
];

/** The policy document for `scope`, statement by statement. */
export function deployerPolicy(scope: PolicyScope): PolicyDocument {
  const p = scope.partition ?? 'aws';
  const region = scope.region ?? '*';
  const account = scope.accountId ?? '*';
  const arns: Arns = {
    stack: `arn:${p}:cloudformation:${region}:${account}:stack/${scope.stackName}/*`,
    fn: `arn:${p}:lambda:${region}:${account}:function:${scope.stackName}-*`,
    logGroup: `arn:${p}:logs:${region}:${account}:log-group:/aws/lambda/${scope.stackName}-*`,
    role: `arn:${p}:iam::${account}:role/${scope.stackName}-*`,
    userPools: `arn:${p}:cognito-idp:${region}:${account}:userpool/*`,
    apiGateway: (path) => `arn:${p}:apigateway:${region}::${path}`,
    bucket: `arn:${p}:s3:::authstack-assets-${account}-${region}`,
    picturesBucket: `arn:${p}:s3:::${picturesBucketSub(scope.stackName).replace('${AWS::AccountId}', account).replace('${AWS::Region}', region)}`,
    cloudFront: (path) => `arn:${p}:cloudfront::${account}:${path}`,
  };
  return {
    Version: '2012-10-17',
    Statement: STATEMENTS.map((s) => ({ Sid: s.sid, Effect: 'Allow', Action: s.actions, Resource: s.resources(arns) })),
  };
}

/** What each statement is for, by Sid (for the human rendering). */
export function statementPurposes(): Record<string, string> {
  return Object.fromEntries(STATEMENTS.map((s) => [s.sid, s.for]));
}

/** IAM's wildcard match (`*` any run of characters, `?` one), case-sensitive as for resources. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/** Whether the policy allows `action` (e.g. `lambda:UpdateFunctionCode`, case-insensitive as IAM's) on `resource`. */
export function isAllowed(policy: PolicyDocument, action: string, resource: string): boolean {
  return policy.Statement.some((s) => s.Action.some((a) => matches(a, action, true)) && s.Resource.some((r) => matches(r, resource)));
}
