/**
 * The project's Cognito triggers in the template: each trigger's function (its own log group and role, as every
 * function has, from functions.ts), a `AWS::Lambda::Permission` that lets only this pool invoke it, and the pool's
 * `LambdaConfig` pointing at it (pre token generation through `PreTokenGenerationConfig`, event version `V2_0`).
 *
 * No cycle: the pool refers to the functions (LambdaConfig), so no function may refer to the pool. A trigger's
 * function therefore gets none of the pool-derived variables the API's has (its events carry `userPoolId` and
 * `callerContext.clientId`), and the permission, which needs both, stands apart from either.
 *
 * The V2_0 event (access token customisation) needs the Essentials feature plan (`UserPoolTier`), which the pool gets
 * exactly when pre token generation is declared; without it the pool's plan is left as it is. The plan is an in-place
 * update of the pool, as is `LambdaConfig`: adding or removing a trigger never replaces the pool.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 */
import type { FunctionModel, StackModel } from '../../core/stack-model.js';
import { TRIGGERS } from '../../core/triggers.js';
import { ENV } from '../../lambda/types.js';
import type { FunctionAsset } from '../assets.js';
import { LOGICAL_IDS, type CfnResource } from '../template.js';
import { functionIds, functionResources } from './functions.js';
import { getAtt, ref } from './intrinsics.js';

/** The pre token generation event version the pool sends: ID and access token claims, scopes and groups. */
const PRE_TOKEN_GENERATION_VERSION = 'V2_0';

/** The feature plan V2_0 needs (Lite offers only V1_0, ID token claims). */
const TRIGGER_POOL_TIER = 'ESSENTIALS';

/**
 * The API's variables a trigger's function does not get: the pool's and its client's ids (the pool refers to the
 * function, so the function may not refer to the pool) and the API's CORS origin (Cognito calls it, not a browser).
 * What is left is the trigger's declared environment, and Lambda's own variables; `authstack dev` gives it the same.
 */
const API_VARIABLES: readonly string[] = [ENV.userPoolId, ENV.clientId, ENV.corsOrigin];

/** A trigger's function: its log group, role and function, with no variable that refers to the pool. */
export function triggerFunctionResources(fn: FunctionModel, asset: FunctionAsset): Record<string, CfnResource> {
  const resources = functionResources(fn, asset);
  const ids = functionIds(fn);
  const props = resources[ids.function]!.Properties!;
  const variables = Object.fromEntries(
    Object.entries((props.Environment as { Variables: Record<string, unknown> }).Variables).filter(([name]) => !API_VARIABLES.includes(name)),
  );
  if (Object.keys(variables).length > 0) props.Environment = { Variables: variables };
  else delete props.Environment;
  props.Description = { 'Fn::Sub': `authstack \${AWS::StackName} Cognito trigger ${fn.trigger ?? fn.id}` };
  resources[ids.permission] = {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(ids.function, 'Arn'),
      Principal: 'cognito-idp.amazonaws.com',
      // Only this pool of this account may invoke it (the confused-deputy guard Cognito's documentation asks for).
      SourceArn: getAtt(LOGICAL_IDS.userPool, 'Arn'),
      SourceAccount: ref('AWS::AccountId'),
    },
  };
  return resources;
}

/** The pool with the triggers' LambdaConfig (and the feature plan pre token generation V2_0 needs). */
export function withTriggers(model: StackModel, resources: Record<string, CfnResource>): Record<string, CfnResource> {
  if (model.triggers.length === 0) return resources;
  const pool = resources[LOGICAL_IDS.userPool]!;
  const lambdaConfig: Record<string, unknown> = {};
  for (const trigger of model.triggers) {
    const arn = getAtt(functionIds({ id: trigger.functionId }).function, 'Arn');
    if (trigger.name === 'preTokenGeneration') lambdaConfig.PreTokenGenerationConfig = { LambdaArn: arn, LambdaVersion: PRE_TOKEN_GENERATION_VERSION };
    else lambdaConfig[TRIGGERS[trigger.name]] = arn;
  }
  const tier = model.triggers.some((t) => t.name === 'preTokenGeneration') ? { UserPoolTier: TRIGGER_POOL_TIER } : {};
  return { ...resources, [LOGICAL_IDS.userPool]: { ...pool, Properties: { ...pool.Properties, ...tier, LambdaConfig: lambdaConfig } } };
}
