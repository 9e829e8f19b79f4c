/** Each declared function: its log group, its role and the function itself, its code an asset. */
import { API_FUNCTION_ID, type FunctionModel } from '../../core/stack-model.js';
import { ENV } from '../../lambda/types.js';
import { functionCode, type FunctionAsset } from '../assets.js';
import { LOGICAL_IDS, PARAMETERS as P, type CfnResource } from '../template.js';
import { getAtt, ref, sub } from './intrinsics.js';

/** A function's resources' logical ids. The built-in API keeps the ids it has always had, so no stack replaces it. */
export function functionIds(fn: Pick<FunctionModel, 'id'>): { function: string; role: string; logGroup: string; permission: string } {
  if (fn.id === API_FUNCTION_ID)
    return { function: LOGICAL_IDS.function, role: LOGICAL_IDS.functionRole, logGroup: LOGICAL_IDS.logGroup, permission: 'ApiInvokePermission' };
  const name = fn.id.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
  return { function: `${name}Function`, role: `${name}FunctionRole`, logGroup: `${name}FunctionLogGroup`, permission: `${name}InvokePermission` };
}

export function functionResources(fn: FunctionModel, asset: FunctionAsset): Record<string, CfnResource> {
  const ids = functionIds(fn);
  const api = fn.id === API_FUNCTION_ID;
  const logGroup: CfnResource = {
    Type: 'AWS::Logs::LogGroup',
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
    // The name is fixed from the stack name so `authstack logs` can find it before the first output exists.
    Properties: { LogGroupName: sub(`/aws/lambda/\${AWS::StackName}-${fn.id}`), RetentionInDays: ref(P.logRetentionInDays) },
  };
  const role: CfnResource = {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: sub(`authstack \${AWS::StackName}: lets the ${api ? 'API' : fn.id} function write its logs and traces, nothing else`),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      // No Cognito statement: SignUp, ConfirmSignUp, ResendConfirmationCode and GetUser are public APIs.
      Policies: [
        {
          PolicyName: 'logs',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${ids.logGroup}}:log-stream:*`),
              },
            ],
          },
        },
        {
          PolicyName: 'xray',
          PolicyDocument: {
            Version: '2012-10-17',
            // X-Ray has no resource-level permissions for these actions: `*` is the only accepted resource.
            Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }],
          },
        },
      ],
    },
  };
  const fnResource: CfnResource = {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Description: sub(api ? 'authstack ${AWS::StackName} API' : `authstack \${AWS::StackName} ${fn.id}`),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: fn.handler,
      // The API's size and time limit are parameters (a deploy may change them in place); other functions' are fixed.
      MemorySize: api ? ref(P.memorySize) : fn.memorySize,
      Timeout: api ? ref(P.timeout) : fn.timeout,
      Role: getAtt(ids.role, 'Arn'),
      Environment: {
        Variables: {
          [ENV.userPoolId]: ref(LOGICAL_IDS.userPool),
          [ENV.clientId]: ref(LOGICAL_IDS.userPoolClient),
          [ENV.corsOrigin]: ref(P.corsAllowOrigin),
          // A project function ships its source map beside its bundle; Node reads it only when asked
          // (`--enable-source-maps`, allowed in NODE_OPTIONS), and then traces name the user's TypeScript lines.
          ...(fn.source ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
          ...fn.environment,
        },
      },
      TracingConfig: { Mode: 'Active' },
      // Text keeps the handler's own JSON lines as it writes them; JSON would wrap each console line in Lambda's
      // envelope, a second format for `authstack logs` to unpick.
      LoggingConfig: { LogGroup: ref(ids.logGroup), LogFormat: 'Text' },
      // The zip, uploaded under its hash before the stack changes: the code arrives with the resource.
      Code: functionCode(asset),
    },
  };
  return { [ids.logGroup]: logGroup, [ids.role]: role, [ids.function]: fnResource };
}
