/**
 * Function code as assets (as the CDK ships file assets): each function's zip is uploaded once, under its content
 * hash, to an artifact bucket the CLI manages per account and region, and the template points at that object. The
 * bucket's name is a pure function of account and region, so the template can name it with `Fn::Sub` and
 * `authstack synth` needs no AWS call; the key is the zip's SHA-256, so the same code is never uploaded twice and a
 * changed function is a changed template (the code arrives with the resource, through the change set).
 */

/** The artifact bucket's name, as the template writes it (CloudFormation substitutes the account and region). */
const ARTIFACT_BUCKET_SUB = 'authstack-assets-${AWS::AccountId}-${AWS::Region}';

/** The artifact bucket's name for an account and region (what deploy creates on first use and uploads to). */
export function artifactBucketName(accountId: string, region: string): string {
  return `authstack-assets-${accountId}-${region}`;
}

/** A function's built zip, known by its content hash. */
export interface FunctionAsset {
  /** Hex SHA-256 of the zip. */
  readonly sha256: string;
}

/** The object key a zip is stored under: its content hash. */
export function assetKey(asset: FunctionAsset): string {
  return `functions/${asset.sha256}.zip`;
}

/** The `Code` property of an `AWS::Lambda::Function` whose zip is this asset. */
export function functionCode(asset: FunctionAsset): { S3Bucket: { 'Fn::Sub': string }; S3Key: string } {
  return { S3Bucket: { 'Fn::Sub': ARTIFACT_BUCKET_SUB }, S3Key: assetKey(asset) };
}
