/**
 * Profile pictures on AWS: a private bucket (public access blocked, encrypted, ownership enforced, CORS for the
 * app's origins, abandoned uploads expired), a CloudFront distribution that reads only the processed prefix through
 * an Origin Access Control, the processing function fired by the bucket's notification, least-privilege roles, and
 * the API's permission to sign uploads for it.
 *
 * The bucket ↔ notification ↔ permission cycle CloudFormation users hit (the bucket's notification needs the
 * function's permission first, the permission names the bucket) is broken with a bucket name known before the
 * bucket exists: everything that needs it builds it with Fn::Sub instead of Ref, and the bucket DependsOn the
 * permission. The distribution's origin is built the same way, so the function can carry the CDN URL.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../../core/errors.js';
import { PICTURES_FUNCTION_ID, type StackModel } from '../../core/stack-model.js';
import { PUBLIC_PREFIX, UPLOAD_PREFIX } from '../../lambda/picture-keys.js';
import { ENV } from '../../lambda/types.js';
import { type FunctionAsset, functionCode } from '../assets.js';
import { type CfnOutput, type CfnResource, type CfnTemplate, LOGICAL_IDS, PARAMETERS as P } from '../template.js';
import { getAtt, ref, sub } from './intrinsics.js';

export const PICTURES_IDS = {
  bucket: 'PicturesBucket',
  bucketPolicy: 'PicturesBucketPolicy',
  originAccessControl: 'PicturesOriginAccessControl',
  cachePolicy: 'PicturesCachePolicy',
  distribution: 'PicturesDistribution',
  function: 'PicturesFunction',
  role: 'PicturesFunctionRole',
  logGroup: 'PicturesFunctionLogGroup',
  permission: 'PicturesInvokePermission',
} as const;

/** A year: every processed object's URL is versioned, so caches may keep it for as long as they like. */
const ONE_YEAR = 31_536_000;

/**
 * The bucket's name, as the template writes it: lower case (bucket names must be), unique per stack, account and
 * region, and at most 63 characters whatever the stack name (a short hash keeps long or upper-case names apart).
 */
export function picturesBucketSub(stackName: string): string {
  const slug = stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 16)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 6);
  return `${slug}-${hash}-pictures-\${AWS::AccountId}-\${AWS::Region}`;
}

const bucketArn = (name: string, path = ''): ReturnType<typeof sub> => sub(`arn:\${AWS::Partition}:s3:::${name}${path}`);

function policy(name: string, statements: unknown[]): { PolicyName: string; PolicyDocument: unknown } {
  return { PolicyName: name, PolicyDocument: { Version: '2012-10-17', Statement: statements } };
}

function picturesResources(model: StackModel, asset: FunctionAsset): Record<string, CfnResource> {
  const pictures = model.pictures;
  if (!pictures) return {};
  const name = picturesBucketSub(model.stackName);
  const id = PICTURES_IDS;
  const fn = pictures.function;
  const cdnUrl = sub(`https://\${${id.distribution}.DomainName}`);

  const bucket: CfnResource = {
    Type: 'AWS::S3::Bucket',
    // Users' pictures are their data: a stack deletion or a replacement keeps the bucket.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    DependsOn: id.permission,
    Properties: {
      BucketName: sub(name),
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      CorsConfiguration: {
        CorsRules: [
          { AllowedMethods: ['POST'], AllowedOrigins: [...pictures.corsOrigins], AllowedHeaders: ['*'], ExposedHeaders: ['ETag', 'Location'], MaxAge: 3000 },
        ],
      },
      LifecycleConfiguration: {
        Rules: [
          // An upload the function never saw (it failed, or was never fired) is gone within a day.
          {
            Id: 'ClearAbandonedUploads',
            Status: 'Enabled',
            Prefix: UPLOAD_PREFIX,
            ExpirationInDays: 1,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
      NotificationConfiguration: {
        LambdaConfigurations: [
          { Event: 's3:ObjectCreated:*', Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: UPLOAD_PREFIX }] } }, Function: getAtt(id.function, 'Arn') },
        ],
      },
    },
  };

  const bucketPolicy: CfnResource = {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref(id.bucket),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CdnReadsProcessedPicturesOnly',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: bucketArn(name, `/${PUBLIC_PREFIX}*`),
            Condition: { StringEquals: { 'AWS:SourceArn': sub(`arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${id.distribution}}`) } },
          },
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucketArn(name), bucketArn(name, '/*')],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  };

  const originAccessControl: CfnResource = {
    Type: 'AWS::CloudFront::OriginAccessControl',
    Properties: {
      OriginAccessControlConfig: {
        Name: sub('${AWS::StackName}-pictures'),
        Description: 'authstack: the pictures CDN reads the bucket with SigV4',
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    },
  };

  const cachePolicy: CfnResource = {
    Type: 'AWS::CloudFront::CachePolicy',
    Properties: {
      CachePolicyConfig: {
        Name: sub('${AWS::StackName}-pictures'),
        Comment: 'authstack: versioned, immutable pictures; nothing from the request varies the answer',
        DefaultTTL: ONE_YEAR,
        MaxTTL: ONE_YEAR,
        MinTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: false,
          EnableAcceptEncodingBrotli: false,
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      },
    },
  };

  const distribution: CfnResource = {
    Type: 'AWS::CloudFront::Distribution',
    Properties: {
      DistributionConfig: {
        Enabled: true,
        Comment: sub('authstack ${AWS::StackName} pictures'),
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        PriceClass: 'PriceClass_100',
        Origins: [
          {
            Id: 'pictures',
            DomainName: sub(`${name}.s3.\${AWS::Region}.\${AWS::URLSuffix}`),
            S3OriginConfig: { OriginAccessIdentity: '' },
            OriginAccessControlId: getAtt(id.originAccessControl, 'Id'),
          },
        ],
        DefaultCacheBehavior: {
          TargetOriginId: 'pictures',
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          CachedMethods: ['GET', 'HEAD'],
          CachePolicyId: ref(id.cachePolicy),
          Compress: false,
        },
      },
    },
  };

  const logGroup: CfnResource = {
    Type: 'AWS::Logs::LogGroup',
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
    Properties: { LogGroupName: sub(`/aws/lambda/\${AWS::StackName}-${PICTURES_FUNCTION_ID}`), RetentionInDays: ref(P.logRetentionInDays) },
  };

  const role: CfnResource = {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: sub('authstack ${AWS::StackName}: lets the pictures function read uploads, write pictures and set the picture attribute'),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        policy('logs', [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${id.logGroup}}:log-stream:*`),
          },
        ]),
        policy('pictures', [
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: bucketArn(name, `/${UPLOAD_PREFIX}*`) },
          { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: bucketArn(name, `/${PUBLIC_PREFIX}*`) },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn(name), Condition: { StringLike: { 's3:prefix': `${PUBLIC_PREFIX}*` } } },
          { Effect: 'Allow', Action: ['cognito-idp:ListUsers', 'cognito-idp:AdminUpdateUserAttributes'], Resource: getAtt(LOGICAL_IDS.userPool, 'Arn') },
        ]),
      ],
    },
  };

  const fnResource: CfnResource = {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Description: sub('authstack ${AWS::StackName} pictures: checks and re-encodes uploaded pictures'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: fn.handler,
      MemorySize: fn.memorySize,
      Timeout: fn.timeout,
      Role: getAtt(id.role, 'Arn'),
      Environment: { Variables: { [ENV.userPoolId]: ref(LOGICAL_IDS.userPool), [ENV.picturesUrl]: cdnUrl } },
      LoggingConfig: { LogGroup: ref(id.logGroup), LogFormat: 'Text' },
      Code: functionCode(asset),
    },
  };

  const permission: CfnResource = {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction',
      FunctionName: ref(id.function),
      Principal: 's3.amazonaws.com',
      SourceArn: bucketArn(name),
      SourceAccount: ref('AWS::AccountId'),
    },
  };

  return {
    [id.bucket]: bucket,
    [id.bucketPolicy]: bucketPolicy,
    [id.originAccessControl]: originAccessControl,
    [id.cachePolicy]: cachePolicy,
    [id.distribution]: distribution,
    [id.logGroup]: logGroup,
    [id.role]: role,
    [id.function]: fnResource,
    [id.permission]: permission,
  };
}

/** The API signs the presigned POST (so it must be allowed the PutObject it grants) and removes a user's pictures. */
function apiPicturesPolicy(name: string): { PolicyName: string; PolicyDocument: unknown } {
  return policy('pictures', [
    { Effect: 'Allow', Action: 's3:PutObject', Resource: bucketArn(name, `/${UPLOAD_PREFIX}*`) },
    { Effect: 'Allow', Action: 's3:DeleteObject', Resource: [bucketArn(name, `/${UPLOAD_PREFIX}*`), bucketArn(name, `/${PUBLIC_PREFIX}*`)] },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn(name),
      Condition: { StringLike: { 's3:prefix': [`${UPLOAD_PREFIX}*`, `${PUBLIC_PREFIX}*`] } },
    },
  ]);
}

function picturesOutputs(model: StackModel): Record<string, CfnOutput> {
  if (!model.pictures) return {};
  return {
    PicturesUrl: { Description: 'Base URL of the profile pictures (the CDN)', Value: sub(`https://\${${PICTURES_IDS.distribution}.DomainName}`) },
    PicturesBucketName: { Description: 'The private bucket the pictures are uploaded to', Value: ref(PICTURES_IDS.bucket) },
  };
}

/**
 * The template with pictures added: their resources and outputs, the API function's environment naming the bucket
 * and the CDN, and its role's policy for them (both in-place updates). Without pictures the template is returned as
 * it is.
 */
export function withPictures(template: CfnTemplate, model: StackModel, asset: FunctionAsset | undefined): CfnTemplate {
  if (!model.pictures) return template;
  if (!asset) {
    throw new UserError('usage', 'Pictures are on, but this authstack build ships no bundle of the pictures function to deploy.', {
      code: 'PicturesNotBuilt',
      hint: 'Remove "pictures" from authstack.config.json (or drop --pictures) until the pictures function is packaged',
    });
  }
  const api = template.Resources[LOGICAL_IDS.function];
  const properties = api?.Properties as { Environment?: { Variables?: Record<string, unknown> } } | undefined;
  const variables = properties?.Environment?.Variables;
  const name = picturesBucketSub(model.stackName);
  if (variables) {
    variables[ENV.picturesBucket] = sub(name);
    variables[ENV.picturesUrl] = sub(`https://\${${PICTURES_IDS.distribution}.DomainName}`);
  }
  const role = template.Resources[LOGICAL_IDS.functionRole]?.Properties as { Policies?: unknown[] } | undefined;
  role?.Policies?.push(apiPicturesPolicy(name));
  return {
    ...template,
    Resources: { ...template.Resources, ...picturesResources(model, asset) },
    Outputs: { ...template.Outputs, ...picturesOutputs(model) },
  };
}
